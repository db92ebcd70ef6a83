"""Staff pages under ``/admin``: thin views that parse input, ask ``survey.permissions``, call services, render.

Managers (admin, quality manager) manage departments, counters, surveys and objectives; only admins manage
users and read the audit log; a department head reads the pages of their own departments only.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from admin import confirmations, editor_views, objective_views, survey_views  # noqa: F401  (their views register on ``bp``)
from admin import services
from admin.audit_view import audit_entry
from admin.blueprint import (
    INVALID,
    admin_required,
    bp,
    get_or_404,
    invalid_or_form,
    manager_required,
    rejected,
    saved,
    visible_department_or_403,
    visible_service_point_or_403,
    wants_active,
)
from admin.forms import ROLE_LABELS, DepartmentForm, ServicePointForm, UserForm
from admin.posters import posters_pdf
from admin.qr import qr_png, qr_svg
from extensions import db
from survey.guards import enrol_kiosk
from survey.models import Department, Response, ServicePoint, Survey, User
from survey.permissions import visible_departments

__all__ = ["bp"]


@bp.get("/")
@login_required
def home():
    return render_template("admin/home.html", departments=visible_departments(current_user))


# Departments -----------------------------------------------------------------------------------------


@bp.get("/departments")
@manager_required
def departments():
    rows = db.session.scalars(sa.select(Department).order_by(Department.active.desc(), Department.name))
    return render_template("admin/departments.html", departments=list(rows))


@bp.get("/departments/<int:department_id>")
@login_required
def department(department_id: int):
    return render_template("admin/department.html", department=visible_department_or_403(department_id))


@bp.route("/departments/new", methods=["GET", "POST"])
@manager_required
def department_new():
    return _department_form(None)


@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
@manager_required
def department_edit(department_id: int):
    return _department_form(get_or_404(Department, department_id))


def _department_form(department: Department | None):
    form = DepartmentForm(obj=department)
    title = _("Nowy wydział") if department is None else _("Edycja wydziału")
    cancel = url_for("admin.departments")
    if not form.validate_on_submit():
        return invalid_or_form(form, title, cancel)
    try:
        department = services.save_department(current_user, department, code=form.code.data, name=form.name.data)
    except services.ChangeRejected as error:
        return rejected(form, error, title, cancel)
    return saved(_("Zapisano wydział."), url_for("admin.department", department_id=department.id))


@bp.post("/departments/<int:department_id>/active")
@manager_required
def department_active(department_id: int):
    services.set_active(current_user, get_or_404(Department, department_id), "department", wants_active())
    return saved(_("Zmieniono stan wydziału."), url_for("admin.department", department_id=department_id))


# Service points --------------------------------------------------------------------------------------


@bp.get("/service-points")
@manager_required
def service_points():
    rows = db.session.scalars(sa.select(ServicePoint).order_by(ServicePoint.code))
    return render_template("admin/service_points.html", points=list(rows))


@bp.get("/service-points/<int:point_id>")
@login_required
def service_point(point_id: int):
    point = visible_service_point_or_403(point_id)
    responses = db.session.scalar(
        sa.select(sa.func.count()).select_from(Response).where(Response.service_point_id == point.id)
    )
    survey = point.survey.current_version if point.survey else None
    return render_template(
        "admin/service_point.html",
        point=point,
        responses=responses,
        survey_title=survey.title(get_locale().language) if survey else None,
        short_address=services.short_survey_url(point),
    )


@bp.route("/service-points/new", methods=["GET", "POST"])
@manager_required
def service_point_new():
    return _service_point_form(None)


@bp.route("/service-points/<int:point_id>/edit", methods=["GET", "POST"])
@manager_required
def service_point_edit(point_id: int):
    return _service_point_form(get_or_404(ServicePoint, point_id))


def survey_choices(point: ServicePoint | None) -> list[tuple[int, str]]:
    """Active surveys, plus the one the counter shows now even if it was deactivated since."""
    current_id = point.survey_id if point else None
    surveys = db.session.scalars(
        sa.select(Survey).where(sa.or_(Survey.active.is_(True), Survey.id == current_id)).order_by(Survey.code)
    )
    return [(0, _("Domyślna (pierwsza aktywna ankieta)"))] + [
        (s.id, s.current_version.title_pl if s.current_version else s.code) for s in surveys
    ]


def _service_point_form(point: ServicePoint | None):
    form = ServicePointForm(obj=point, department_id=request.args.get("department_id", type=int))
    if point is not None and not form.is_submitted():
        form.survey_id.data = point.survey_id or 0
    form.department_id.choices = [(d.id, d.name) for d in visible_departments(current_user)]
    form.survey_id.choices = survey_choices(point)
    title = _("Nowe stanowisko") if point is None else _("Edycja stanowiska")
    cancel = url_for("admin.service_points")
    if not form.validate_on_submit():
        return invalid_or_form(form, title, cancel)
    try:
        point = services.save_service_point(
            current_user,
            point,
            code=form.code.data,
            name=form.name.data,
            department=db.session.get(Department, form.department_id.data),
            location_note=form.location_note.data or "",
            survey=db.session.get(Survey, form.survey_id.data) if form.survey_id.data else None,
        )
    except services.ChangeRejected as error:
        return rejected(form, error, title, cancel)
    return saved(_("Zapisano stanowisko."), url_for("admin.service_point", point_id=point.id))


@bp.post("/service-points/<int:point_id>/active")
@manager_required
def service_point_active(point_id: int):
    services.set_active(current_user, get_or_404(ServicePoint, point_id), "service_point", wants_active())
    return saved(_("Zmieniono stan stanowiska."), url_for("admin.service_point", point_id=point_id))


@bp.post("/service-points/<int:point_id>/rotate-token")
@manager_required
def service_point_rotate(point_id: int):
    services.rotate_token(current_user, get_or_404(ServicePoint, point_id))
    return saved(
        _("Nadano nowy kod. Stary kod pokazuje teraz informację, że nie jest już aktywny — wydrukuj nowy plakat."),
        url_for("admin.service_point", point_id=point_id),
    )


@bp.post("/service-points/<int:point_id>/kiosk")
@manager_required
def service_point_kiosk(point_id: int):
    """Set up this device (a tablet at the counter) as the counter's kiosk, then log out and open the survey:
    a tablet left at a counter must never stay logged in."""
    point = get_or_404(ServicePoint, point_id)
    services.audit(current_user, "enrol_kiosk", "service_point", point.id)
    db.session.commit()
    logout_user()
    return enrol_kiosk(redirect(url_for("public.kiosk", token=point.token), code=303), point.id)


def _download(body: bytes, mimetype: str, filename: str):
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/service-points/<int:point_id>/qr.png")
@login_required
def service_point_qr_png(point_id: int):
    point = visible_service_point_or_403(point_id)
    return _download(qr_png(services.survey_url(point)), "image/png", f"qr-{point.code}.png")


@bp.get("/service-points/<int:point_id>/qr.svg")
@login_required
def service_point_qr_svg(point_id: int):
    point = visible_service_point_or_403(point_id)
    return _download(qr_svg(services.survey_url(point)), "image/svg+xml", f"qr-{point.code}.svg")


@bp.get("/service-points/<int:point_id>/poster-<any(a4, a6):size>.pdf")
@login_required
def service_point_poster(point_id: int, size: str):
    point = visible_service_point_or_403(point_id)
    return _download(posters_pdf([point], size), "application/pdf", f"plakat-{point.code}-{size}.pdf")


@bp.get("/departments/<int:department_id>/posters-<any(a4, a6):size>.pdf")
@login_required
def department_posters(department_id: int, size: str):
    department = visible_department_or_403(department_id)
    points = [p for p in department.service_points if p.active]
    if not points:
        flash(_("Ten wydział nie ma aktywnych stanowisk, więc nie ma czego drukować. Dodaj stanowisko albo aktywuj istniejące."), "warning")
        return redirect(url_for("admin.department", department_id=department.id), code=303)
    return _download(posters_pdf(points, size), "application/pdf", f"plakaty-{department.code}-{size}.pdf")


# Users and the audit log (admins only) ---------------------------------------------------------------


@bp.get("/users")
@admin_required
def users():
    rows = db.session.scalars(sa.select(User).order_by(User.active.desc(), User.email))
    return render_template("admin/users.html", users=list(rows), role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    return _user_form(None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    return _user_form(get_or_404(User, user_id))


def _user_form(user: User | None):
    form = UserForm(obj=user)
    if user is not None and not form.is_submitted():
        form.departments.data = [d.id for d in user.departments]
    form.departments.choices = [(d.id, d.name) for d in visible_departments(current_user)]
    title = _("Nowy użytkownik") if user is None else _("Edycja użytkownika")
    cancel = url_for("admin.users")
    if not form.validate_on_submit():
        return invalid_or_form(form, title, cancel)
    chosen = list(db.session.scalars(sa.select(Department).where(Department.id.in_(form.departments.data or []))))
    try:
        saved_user = services.save_user(
            current_user, user, email=form.email.data, role=form.role.data, departments=chosen, password=form.password.data
        )
    except services.ChangeRejected as error:
        return rejected(form, error, title, cancel)
    if saved_user.id == current_user.id:
        login_user(saved_user)  # a new password ended every session of the account; this one goes on
    return saved(_("Zapisano użytkownika."), url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
@admin_required
def user_active(user_id: int):
    try:
        services.set_user_active(current_user, get_or_404(User, user_id), wants_active())
    except services.ChangeRejected as error:
        abort(400, description=error.message)
    return saved(_("Zmieniono stan konta."), url_for("admin.users"))


@bp.get("/audit")
@admin_required
def audit_log():
    page = min(max(request.args.get("page", 1, type=int), 1), services.MAX_AUDIT_PAGE)
    rows, has_older = services.audit_page(page)
    entries = [audit_entry(row) for row in rows]
    return render_template("admin/audit.html", entries=entries, page=page, has_older=has_older)
