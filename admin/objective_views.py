"""Quality objective pages: the list and the form (percent shares, the question from a list)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import services
from admin.blueprint import INVALID, bp, get_or_404, manager_required, saved, wants_active
from admin.forms import ObjectiveForm
from admin.objectives import (
    condition_text,
    indicator_text,
    measurable_questions,
    period_text,
    question_kind_refusal,
    question_text,
    target_for_input,
    target_from_input,
    target_refusal,
)
from extensions import db
from survey.models import Department, QualityObjective, ServicePoint
from survey.permissions import visible_departments


@bp.get("/objectives")
@manager_required
def objectives():
    rows = db.session.scalars(sa.select(QualityObjective).order_by(QualityObjective.active.desc(), QualityObjective.name))
    described = [
        {
            "objective": o,
            "indicator": indicator_text(o),
            "question": question_text(o.question_code),
            "condition": condition_text(o),
            "period": period_text(o.period_kind),
        }
        for o in rows
    ]
    return render_template("admin/objectives.html", rows=described)


@bp.route("/objectives/new", methods=["GET", "POST"])
@manager_required
def objective_new():
    return _objective_form(None)


@bp.route("/objectives/<int:objective_id>/edit", methods=["GET", "POST"])
@manager_required
def objective_edit(objective_id: int):
    return _objective_form(get_or_404(QualityObjective, objective_id))


def _question_choices() -> list[tuple[str, str]]:
    kinds = {"rating_5": _("ocena 1–5"), "nps": _("polecenie 0–10"), "yes_no": _("tak / nie")}
    return [("", _("Pierwsze pasujące pytanie ankiety"))] + [
        (q.code, f"{q.text()} ({kinds[q.kind]})") for q in measurable_questions()
    ]


def _fill_choices(form: ObjectiveForm, objective: QualityObjective | None) -> None:
    none_choice = [(0, "—")]
    form.department_id.choices = none_choice + [(d.id, d.name) for d in visible_departments(current_user)]
    form.service_point_id.choices = none_choice + [
        (p.id, f"{p.name} ({p.department.name})")
        for p in db.session.scalars(sa.select(ServicePoint).order_by(ServicePoint.code))
    ]
    form.question_code.choices = _question_choices()
    stored = objective.question_code if objective else None
    if stored and stored not in dict(form.question_code.choices):
        form.question_code.choices.append((stored, question_text(stored) or _("pytanie spoza bieżących ankiet")))


def _show_stored(form: ObjectiveForm, objective: QualityObjective) -> None:
    form.department_id.data = objective.department_id or 0
    form.service_point_id.data = objective.service_point_id or 0
    form.question_code.data = objective.question_code or ""
    form.target.data = target_for_input(objective.indicator, objective.target)


def _refusal(form: ObjectiveForm) -> tuple[str, str] | None:
    """(field, message) when the target or the question cannot work with the chosen indicator."""
    indicator = form.indicator.data
    target = target_from_input(indicator, form.target.number)
    message = target_refusal(indicator, form.comparator.data, target)
    if message:
        return "target", message
    message = question_kind_refusal(indicator, form.question_code.data or None)
    return ("question_code", message) if message else None


def _objective_form(objective: QualityObjective | None):
    form = ObjectiveForm(obj=objective)
    if objective is not None and not form.is_submitted():
        _show_stored(form, objective)
    _fill_choices(form, objective)
    title = _("Nowy cel jakości") if objective is None else _("Edycja celu jakości")
    cancel = url_for("admin.objectives")
    hints = {"target": _("Odsetki (CSAT, odpowiedzi „tak”) w procentach, np. 85; średnia ocena w skali 1–5, np. 4,2; "
                         "NPS od −100 do 100; liczba odpowiedzi jako liczba całkowita.")}
    if not form.validate_on_submit():
        status = INVALID if form.is_submitted() else 200
        return render_template("admin/form.html", form=form, title=title, cancel=cancel, hints=hints), status
    refusal = _refusal(form)
    if refusal:
        getattr(form, refusal[0]).errors.append(refusal[1])
        return render_template("admin/form.html", form=form, title=title, cancel=cancel, hints=hints), INVALID
    values = {
        "name": form.name.data.strip(),
        "scope": form.scope.data,
        "department": db.session.get(Department, form.department_id.data) if form.department_id.data else None,
        "service_point": db.session.get(ServicePoint, form.service_point_id.data) if form.service_point_id.data else None,
        "indicator": form.indicator.data,
        "question_code": form.question_code.data or None,
        "comparator": form.comparator.data,
        "target": target_from_input(form.indicator.data, form.target.number),
        "min_sample": form.min_sample.data,
        "period_kind": form.period_kind.data,
    }
    try:
        services.save_objective(current_user, objective, values)
    except services.ChangeRejected as error:
        field = {"department": "department_id", "service_point": "service_point_id"}.get(error.field, error.field)
        getattr(form, field, form.name).errors.append(error.message)
        return render_template("admin/form.html", form=form, title=title, cancel=cancel, hints=hints), INVALID
    return saved(_("Zapisano cel jakości."), url_for("admin.objectives"))


@bp.post("/objectives/<int:objective_id>/active")
@manager_required
def objective_active(objective_id: int):
    services.set_active(current_user, get_or_404(QualityObjective, objective_id), "objective", wants_active())
    return saved(_("Zmieniono stan celu."), url_for("admin.objectives"))
