"""``/actions``: thin views over ``actions.services`` — lists per office and department, the action's page
with its measured effect, the form and the status change. A department head gets 403 on any other
department's action, list or form."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from actions import queries, services
from actions.forms import (
    INDICATOR_LABELS,
    KIND_LABELS,
    SCOPE_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    ActionForm,
    StatusForm,
)
from actions.measure import control_chart, measure
from actions.models import MEASURED_INDICATORS, OPEN_STATUSES, STATUSES, ImprovementAction
from actions.wording import staff_sentences
from analytics.service import office_timezone
from dashboard.filters import local_today
from extensions import db
from signals.models import Signal
from survey.models import Department, QualityObjective, ServicePoint, User
from survey.permissions import can_see_department, sees_whole_office, visible_departments

bp = Blueprint("actions", __name__, url_prefix="/actions")
STATUS_FILTERS = ("open", "closed", *STATUSES)


@bp.app_context_processor
def _labels() -> dict:
    return {"action_labels": {"kind": KIND_LABELS, "status": STATUS_LABELS, "scope": SCOPE_LABELS,
                              "indicator": INDICATOR_LABELS, "verdict": VERDICT_LABELS}}


def _status_filter() -> tuple[str, tuple[str, ...]]:
    chosen = request.args.get("status", "open")
    if chosen not in STATUS_FILTERS:
        abort(400, description=_("Nieznany stan działania."))
    if chosen == "open":
        return chosen, OPEN_STATUSES
    if chosen == "closed":
        return chosen, tuple(s for s in STATUSES if s not in OPEN_STATUSES)
    return chosen, (chosen,)


def overdue_first(actions: list[ImprovementAction]) -> list[ImprovementAction]:
    today = local_today(office_timezone())
    return sorted(actions, key=lambda a: (not a.is_overdue(today), a.due_date, a.id))


def _render_list(actions: list[ImprovementAction], department: Department | None, chosen: str):
    return render_template("actions/list.html", actions=overdue_first(actions), department=department,
                           status_filter=chosen, status_filters=STATUS_FILTERS, today=local_today(office_timezone()),
                           can_create=sees_whole_office(current_user) or department is not None)


@bp.get("/")
@login_required
def office():
    chosen, statuses = _status_filter()
    ids = None if sees_whole_office(current_user) else [d.id for d in current_user.departments]
    return _render_list(queries.list_actions(ids, statuses), None, chosen)


def _department_or_403(code: str) -> Department:
    department = db.session.scalar(sa.select(Department).where(Department.code == code))
    if department is None:
        abort(404 if sees_whole_office(current_user) else 403)
    if not can_see_department(current_user, department):
        abort(403)
    return department


@bp.get("/department/<code>")
@login_required
def department(code: str):
    department = _department_or_403(code)
    chosen, statuses = _status_filter()
    return _render_list(queries.list_actions([department.id], statuses), department, chosen)


def _action_or_403(action_id: int) -> ImprovementAction:
    action = queries.get_action(action_id)
    if action is None:
        abort(404 if sees_whole_office(current_user) else 403)
    if not services.can_manage_action(current_user, action):
        abort(403)
    return action


@bp.get("/<int:action_id>")
@login_required
def detail(action_id: int):
    action = _action_or_403(action_id)
    return _detail_page(action, StatusForm(status=action.status))


def _detail_page(action: ImprovementAction, status_form: StatusForm, status: int = 200):
    effect = measure(action)
    chart = control_chart(action)
    return render_template("actions/detail.html", action=action, effect=effect, sentences=staff_sentences(effect),
                           chart=chart[0] if chart else None, rebased_from=chart[1] if chart else None,
                           status_form=status_form, today=local_today(office_timezone())), status


def _fill_choices(form: ActionForm, department: Department | None) -> None:
    departments = visible_departments(current_user)
    none = [(0, "—")]
    form.department_id.choices = none + [(d.id, d.name) for d in departments]
    points = [p for d in departments for p in d.service_points]
    form.service_point_id.choices = none + [(p.id, f"{p.code} · {p.name}") for p in points]
    objectives = db.session.scalars(sa.select(QualityObjective).where(QualityObjective.active.is_(True))
                                    .order_by(QualityObjective.name))
    form.objective_id.choices = none + [(o.id, o.name) for o in objectives]
    owners = db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.email))
    form.owner_id.choices = [(u.id, u.email) for u in owners]
    point_ids = None if sees_whole_office(current_user) and department is None else [p.id for p in points]
    form.comment_ids.choices = [
        (answer_id, f"{code} · {submitted:%Y-%m-%d} · {text[:120]}")
        for answer_id, text, submitted, code in queries.comment_options(point_ids)
    ]


def _input_from(form: ActionForm, action: ImprovementAction | None) -> services.ActionInput:
    owner = db.session.get(User, form.owner_id.data)
    return services.ActionInput(
        title=form.title.data or "", description=form.description.data or "", kind=form.kind.data,
        scope=form.scope.data, owner=owner, due_date=form.due_date.data,
        department=db.session.get(Department, form.department_id.data) if form.department_id.data else None,
        service_point=db.session.get(ServicePoint, form.service_point_id.data) if form.service_point_id.data else None,
        indicator=form.indicator.data, question_code=(form.question_code.data or "").strip() or None,
        objective=db.session.get(QualityObjective, form.objective_id.data) if form.objective_id.data else None,
        signal_id=action.signal_id if action else request.args.get("signal", type=int),
        problem_since=form.problem_since.data, effective_date=form.effective_date.data,
        notes=form.notes.data or "", publish=form.publish.data, window_weeks=form.window_weeks.data,
        delta=form.delta_points.data / 100, comment_ids=list(form.comment_ids.data or []),
    )


def _form_page(form: ActionForm, action: ImprovementAction | None, status: int = 200):
    title = _("Nowe działanie") if action is None else _("Edycja działania")
    cancel = url_for(".detail", action_id=action.id) if action else url_for(".office")
    return render_template("actions/form.html", form=form, title=title, cancel=cancel), status


def _prefill_from_signal(form: ActionForm, signal: Signal) -> None:
    """An action started from a signal: its scope, indicator, question and the day its problem began."""
    point = db.session.scalar(sa.select(ServicePoint).where(ServicePoint.code == signal.scope_code)) \
        if signal.scope_kind == "service_point" else None
    form.scope.data = signal.scope_kind
    form.service_point_id.data = point.id if point else 0
    if signal.indicator in MEASURED_INDICATORS:
        form.indicator.data = signal.indicator
        form.question_code.data = signal.question_code
    form.problem_since.data = services.problem_began(signal.id)


def _signal_or_403() -> Signal | None:
    if "signal" not in request.args:
        return None
    signal_id = request.args.get("signal", type=int)
    # An id no database column holds is unknown, not a database error.
    signal = db.session.get(Signal, signal_id) if signal_id is not None and 0 < signal_id < 2**31 else None
    if signal is None:
        abort(404)
    own = {d.code for d in current_user.departments}
    if not sees_whole_office(current_user) and signal.department_code not in own:
        abort(403)
    return signal


def _action_form(action: ImprovementAction | None, department: Department | None, signal: Signal | None = None):
    form = ActionForm(obj=action)
    if not form.is_submitted():
        if action is not None:
            form.department_id.data = action.department_id or 0
            form.service_point_id.data = action.service_point_id or 0
            form.objective_id.data = action.objective_id or 0
            form.owner_id.data = action.owner_id
            form.delta_points.data = round(action.delta * 100)
            form.comment_ids.data = [c.id for c in action.comments]
        else:
            form.owner_id.data = current_user.id
            form.department_id.data = department.id if department else 0
            if signal is not None:
                _prefill_from_signal(form, signal)
    _fill_choices(form, department)
    if action is not None:
        known = {value for value, _label in form.comment_ids.choices}
        form.comment_ids.choices += [(c.id, (c.value_text or "")[:120]) for c in action.comments if c.id not in known]
    if not form.validate_on_submit():
        return _form_page(form, action, 400 if form.is_submitted() else 200)
    try:
        saved = services.save_action(current_user, action, _input_from(form, action))
    except services.ActionForbidden:
        abort(403)
    except services.ChangeRejected as error:
        field = getattr(form, error.field, None)
        (field.errors if field is not None else form.form_errors).append(error.message)
        return _form_page(form, action, 400)
    flash(_("Zapisano działanie."), "success")
    return redirect(url_for(".detail", action_id=saved.id), code=303)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    signal = _signal_or_403()
    code = request.args.get("department") or (signal.department_code if signal else None)
    department = _department_or_403(code) if code else None
    if department is None and not sees_whole_office(current_user):
        own = visible_departments(current_user)
        if len(own) != 1:
            abort(400, description=_("Wybierz wydział, dla którego tworzysz działanie."))
        department = own[0]
    return _action_form(None, department, signal)


@bp.route("/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit(action_id: int):
    action = _action_or_403(action_id)
    return _action_form(action, action.scope_department)


@bp.post("/<int:action_id>/status")
@login_required
def status(action_id: int):
    action = _action_or_403(action_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.set_status(current_user, action, form.status.data, form.effectiveness_note.data or "")
        except services.ChangeRejected as error:
            field = form.effectiveness_note if error.field == "effectiveness_note" else form.status
            field.errors = [*field.errors, error.message]
        else:
            flash(_("Zmieniono stan działania."), "success")
            return redirect(url_for(".detail", action_id=action.id), code=303)
    return _detail_page(action, form, 400)
