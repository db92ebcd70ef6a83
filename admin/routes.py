"""Staff pages under ``/admin``: thin views that parse input, ask ``survey.permissions``, call services, render.

Managers (admin, quality manager) manage departments, counters, surveys and objectives; only admins manage
users and read the audit log; a department head reads the pages of their own departments only.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from admin import services
from admin.forms import ROLE_LABELS, DepartmentForm, ObjectiveForm, ServicePointForm, SurveyForm, UserForm
from admin.posters import posters_pdf
from admin.qr import qr_png, qr_svg
from admin.survey_editor import definition_from_form, form_data_of_version
from extensions import db
from survey.guards import enrol_kiosk
from survey.models import Department, QualityObjective, Response, ServicePoint, Survey, User
from survey.permissions import (
    MANAGERS,
    can_manage,
    can_manage_users,
    can_see_department,
    can_see_service_point,
    roles_required,
    visible_departments,
)

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
    return render_template("admin/service_point.html", point=point, responses=responses)


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
        abort(404, description=_("Ten wydział nie ma aktywnych stanowisk."))
    return _download(posters_pdf(points, size), "application/pdf", f"plakaty-{department.code}-{size}.pdf")


# Surveys ---------------------------------------------------------------------------------------------


@bp.get("/surveys")
@manager_required
def surveys():
    rows = db.session.scalars(sa.select(Survey).order_by(Survey.active.desc(), Survey.code))
    return render_template("admin/surveys.html", surveys=list(rows))


@bp.get("/surveys/<int:survey_id>")
@manager_required
def survey(survey_id: int):
    survey = get_or_404(Survey, survey_id)
    counts = dict(
        db.session.execute(
            sa.select(Response.survey_version_id, sa.func.count())
            .where(Response.survey_version_id.in_([v.id for v in survey.versions]))
            .group_by(Response.survey_version_id)
        ).all()
    )
    return render_template("admin/survey.html", survey=survey, counts=counts)


@bp.route("/surveys/new", methods=["GET", "POST"])
@manager_required
def survey_new():
    return _survey_form(None)


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@manager_required
def survey_edit(survey_id: int):
    return _survey_form(get_or_404(Survey, survey_id))


def _survey_form(survey: Survey | None):
    initial = form_data_of_version(survey.current_version) if survey and survey.current_version else {}
    form = SurveyForm(data=None if request.method == "POST" else initial)
    if survey is not None:
        form.code.render_kw = {"readonly": True}
    if request.method == "GET":
        return render_template("admin/survey_form.html", form=form, survey=survey)
    definition = definition_from_form(form) if form.validate_on_submit() else None
    if definition is None:
        return render_template("admin/survey_form.html", form=form, survey=survey), INVALID
    try:
        version, created = services.save_survey(current_user, definition, survey)
    except services.ChangeRejected as error:
        form.code.errors.append(error.message)
        return render_template("admin/survey_form.html", form=form, survey=survey), INVALID
    message = _("Zapisano nową wersję ankiety (%(number)d).", number=version.number) if created else _("Bez zmian.")
    return saved(message, url_for("admin.survey", survey_id=version.survey_id))


@bp.post("/surveys/<int:survey_id>/active")
@manager_required
def survey_active(survey_id: int):
    services.set_active(current_user, get_or_404(Survey, survey_id), "survey", wants_active())
    return saved(_("Zmieniono stan ankiety."), url_for("admin.survey", survey_id=survey_id))


# Quality objectives ----------------------------------------------------------------------------------


@bp.get("/objectives")
@manager_required
def objectives():
    rows = db.session.scalars(sa.select(QualityObjective).order_by(QualityObjective.active.desc(), QualityObjective.name))
    return render_template("admin/objectives.html", objectives=list(rows))


@bp.route("/objectives/new", methods=["GET", "POST"])
@manager_required
def objective_new():
    return _objective_form(None)


@bp.route("/objectives/<int:objective_id>/edit", methods=["GET", "POST"])
@manager_required
def objective_edit(objective_id: int):
    return _objective_form(get_or_404(QualityObjective, objective_id))


def _objective_form(objective: QualityObjective | None):
    form = ObjectiveForm(obj=objective)
    if objective is not None and not form.is_submitted():
        form.department_id.data = objective.department_id or 0
        form.service_point_id.data = objective.service_point_id or 0
        form.target.data = f"{objective.target:g}".replace(".", ",")
    none_choice = [(0, "—")]
    form.department_id.choices = none_choice + [(d.id, d.name) for d in visible_departments(current_user)]
    form.service_point_id.choices = none_choice + [
        (p.id, f"{p.code} · {p.name}") for p in db.session.scalars(sa.select(ServicePoint).order_by(ServicePoint.code))
    ]
    title = _("Nowy cel jakości") if objective is None else _("Edycja celu jakości")
    cancel = url_for("admin.objectives")
    if not form.validate_on_submit():
        return invalid_or_form(form, title, cancel)
    values = {
        "name": form.name.data.strip(),
        "scope": form.scope.data,
        "department": db.session.get(Department, form.department_id.data) if form.department_id.data else None,
        "service_point": db.session.get(ServicePoint, form.service_point_id.data) if form.service_point_id.data else None,
        "indicator": form.indicator.data,
        "question_code": (form.question_code.data or "").strip() or None,
        "comparator": form.comparator.data,
        "target": form.target.number,
        "min_sample": form.min_sample.data,
        "period_kind": form.period_kind.data,
    }
    try:
        services.save_objective(current_user, objective, values)
    except services.ChangeRejected as error:
        return rejected(form, error, title, cancel)
    return saved(_("Zapisano cel jakości."), url_for("admin.objectives"))


@bp.post("/objectives/<int:objective_id>/active")
@manager_required
def objective_active(objective_id: int):
    services.set_active(current_user, get_or_404(QualityObjective, objective_id), "objective", wants_active())
    return saved(_("Zmieniono stan celu."), url_for("admin.objectives"))


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
    return render_template("admin/audit.html", rows=rows, page=page, has_older=has_older)
