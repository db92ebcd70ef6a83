"""The ``admin`` blueprint and what its views share: lookups that answer 404/403, form rendering, redirects.

The views are split by subject (``routes``: departments and counters; ``objective_views``; ``survey_views``;
``confirmations``), all registered on this one blueprint so their endpoints stay ``admin.*``.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_login import current_user

from admin import services
from extensions import db
from survey.models import Department, ServicePoint
from survey.permissions import MANAGERS, can_manage, can_manage_users, can_see_department, can_see_service_point, roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
manager_required = roles_required(*MANAGERS)
admin_required = roles_required("admin")
INVALID = 400


bp.add_app_template_global(can_manage)
bp.add_app_template_global(can_manage_users)
bp.add_app_template_global(services.survey_url, "counter_survey_url")


def get_or_404(model: Any, object_id: int) -> Any:
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def visible_department_or_403(department_id: int) -> Department:
    department = get_or_404(Department, department_id)
    if not can_see_department(current_user, department):
        abort(403)
    return department


def visible_service_point_or_403(point_id: int) -> ServicePoint:
    point = get_or_404(ServicePoint, point_id)
    if not can_see_service_point(current_user, point):
        abort(403)
    return point


def render_form(form: Any, title: str, cancel: str, status: int = 200):
    return render_template("admin/form.html", form=form, title=title, cancel=cancel), status


def rejected(form: Any, error: services.ChangeRejected, title: str, cancel: str):
    """Show a business rule's message at its field; nothing was stored."""
    field = getattr(form, error.field, None)
    (field.errors if field is not None else form.form_errors).append(error.message)
    return render_form(form, title, cancel, INVALID)


def invalid_or_form(form: Any, title: str, cancel: str):
    return render_form(form, title, cancel, INVALID if form.is_submitted() else 200)


def saved(message: str, target: str):
    flash(message, "success")
    return redirect(target, code=303)


def wants_active() -> bool:
    return request.form.get("active") == "1"


