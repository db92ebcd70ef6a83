"""Survey pages: the list, one survey with its versions, the editor (``admin.survey_editor``)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import services
from admin.blueprint import INVALID, bp, get_or_404, invalid_or_form, manager_required, rejected, saved, wants_active
from extensions import db
from admin.forms import SurveyForm
from admin.survey_editor import definition_from_form, form_data_of_version
from survey.models import Response, Survey


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
