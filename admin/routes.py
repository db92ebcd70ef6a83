"""Staff pages under ``/admin``: thin views that parse input, ask ``survey.permissions``, call services, render."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from survey.permissions import can_manage, can_manage_users, visible_departments

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@login_required
def home():
    return render_template("admin/home.html", departments=visible_departments(current_user))


@bp.app_template_global()
def path_if_routed(path: str) -> str | None:
    """``path`` if some blueprint serves it (e.g. the dashboard, built separately), else None."""
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect as redirect_to:
        return urlsplit(redirect_to.new_url).path
    except HTTPException:
        return None
    return path


bp.add_app_template_global(can_manage)
bp.add_app_template_global(can_manage_users)
