"""``/dashboard``: thin views that parse the filters, check ``survey.permissions``, build and render.

- ``/dashboard``: the office overview (admin, quality manager); a department head is sent to their
  department's dashboard (or picks one, when they head several);
- ``/dashboard/department/<code>`` and ``/dashboard/service-point/<code>``: one scope, with charts;
- ``.../csv/<table>.csv``: every table of a page as CSV, under the same permission check as the page;
- ``/dashboard/plotly.min.js``: Plotly's JavaScript, the partial bundle in ``static/vendor`` (no CDN),
  compressed and cached for a year (``dashboard.plotly_asset``).
"""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from analytics.exports import safe_csv_value
from analytics.periods import Period
from dashboard import plotly_asset
from dashboard.content import Dashboard, all_comments_table, office_dashboard, scope_dashboard
from dashboard.tables import Table
from dashboard.filters import FILTER_PARAMETERS, SORT_KEYS, FilterError, Filters, parse_filters, period_choices
from dashboard.formatting import register_formatting
from extensions import db
from survey.models import Department, ServicePoint
from survey.permissions import can_see_department, can_see_service_point, sees_whole_office, visible_departments
from workload.periods import longest_web_period_days

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.record_once
def _setup(state) -> None:
    register_formatting(state.app)
    state.app.jinja_env.globals.update(
        plotly_version=plotly_asset.version(), dashboard_sort_keys=SORT_KEYS, sees_whole_office=sees_whole_office,
        dashboard_url_with_filters=_with_filters,
    )


def _filters() -> Filters:
    try:
        filters = parse_filters(request.args, current_app.config["OPINIA_TIMEZONE"], longest_web_period_days())
    except FilterError as exc:
        abort(400, description=str(exc))
    if filters.theme:
        from comments.services import theme_codes

        if filters.theme not in theme_codes():
            abort(400, description=_("Nieznany temat komentarzy."))
    return filters


def _department_or_refuse(code: str) -> Department:
    return _visible_or_refuse(Department, code, can_see_department)


def _service_point_or_refuse(code: str) -> ServicePoint:
    return _visible_or_refuse(ServicePoint, code, can_see_service_point)


def _visible_or_refuse(model, code: str, can_see):
    """404 for an unknown code, 403 for one the user may not see (a head never learns which codes exist)."""
    found = db.session.scalar(sa.select(model).where(model.code == code))
    if found is None:
        abort(404 if sees_whole_office(current_user) else 403)
    if not can_see(current_user, found):
        abort(403)
    return found


def _with_filters(path: str) -> str:
    """``path`` with this request's dashboard filters; other parameters (``code=``, or ``url_for``'s own
    ``_scheme``/``_anchor``/``_method``) are dropped, never passed on as arguments."""
    kept = [(name, value) for name, value in request.args.items(multi=True) if name in FILTER_PARAMETERS]
    return f"{path}?{urlencode(kept)}" if kept else path


def _render(template: str, dashboard: Dashboard, **context):
    return render_template(
        template,
        dashboard=dashboard,
        filters=dashboard.filters,
        period_choices=period_choices(current_app.config["OPINIA_TIMEZONE"]),
        **context,
    )


@bp.get("/")
@login_required
def office():
    if not sees_whole_office(current_user):
        departments = visible_departments(current_user)
        if len(departments) == 1:
            return redirect(_with_filters(url_for(".department", code=departments[0].code)))
        return render_template("dashboard/choose.html", departments=departments)
    return _render("dashboard/office.html", office_dashboard(_filters(), get_locale().language))


@bp.get("/department/<code>")
@login_required
def department(code: str):
    department = _department_or_refuse(code)
    dashboard = scope_dashboard(_filters(), get_locale().language, department.code)
    return _render("dashboard/scope.html", dashboard, department=department, service_point=None)


@bp.get("/service-point/<code>")
@login_required
def service_point(code: str):
    point = _service_point_or_refuse(code)
    dashboard = scope_dashboard(_filters(), get_locale().language, point.department.code, point.code)
    return _render("dashboard/scope.html", dashboard, department=point.department, service_point=point)


# ---- CSV downloads ------------------------------------------------------------------------------------


def _csv_response(table: Table, period: Period, scope_name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.csv_header())
    for row in table.csv_rows():
        writer.writerow([safe_csv_value(value) for value in row])
    filename = re.sub(r"[^A-Za-z0-9_-]+", "_", f"opinia-{scope_name}-{table.key}-{period.label}") + ".csv"
    return Response(
        "\ufeff" + out.getvalue(),  # a BOM, so spreadsheet programs read the Polish letters as UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _table_or_404(dashboard: Dashboard, table: str) -> Table:
    if table not in dashboard.tables:
        abort(404)
    return dashboard.tables[table]


@bp.get("/csv/<table>.csv")
@login_required
def office_csv(table: str):
    if not sees_whole_office(current_user):
        abort(403)
    filters = _filters()
    return _csv_response(_table_or_404(office_dashboard(filters, get_locale().language), table), filters.period, "urzad")


@bp.get("/department/<code>/csv/<table>.csv")
@login_required
def department_csv(code: str, table: str):
    department = _department_or_refuse(code)
    filters = _filters()
    if table == "comments":
        return _csv_response(all_comments_table(filters, department.code, None), filters.period, department.code)
    dashboard = scope_dashboard(filters, get_locale().language, department.code)
    return _csv_response(_table_or_404(dashboard, table), filters.period, department.code)


@bp.get("/service-point/<code>/csv/<table>.csv")
@login_required
def service_point_csv(code: str, table: str):
    point = _service_point_or_refuse(code)
    filters = _filters()
    if table == "comments":
        return _csv_response(all_comments_table(filters, point.department.code, point.code), filters.period, point.code)
    dashboard = scope_dashboard(filters, get_locale().language, point.department.code, point.code)
    return _csv_response(_table_or_404(dashboard, table), filters.period, point.code)


@bp.get("/plotly.min.js")
def plotly_js():
    """Plotly's JavaScript (the partial bundle, see ``dashboard.plotly_asset``), compressed; cached for a year."""
    return plotly_asset.response()
