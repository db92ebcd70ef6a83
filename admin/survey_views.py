"""Survey pages: the list and one survey with its versions (the editor is ``admin.editor_views``)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import services
from admin.blueprint import bp, get_or_404, manager_required, saved, wants_active
from admin.drafts import SurveyDraft
from admin.forms import QUESTION_KIND_LABELS
from extensions import db
from survey.models import Response, Survey


@bp.get("/surveys")
@manager_required
def surveys():
    rows = db.session.scalars(sa.select(Survey).order_by(Survey.active.desc(), Survey.code))
    new_drafts = db.session.scalars(
        sa.select(SurveyDraft).where(SurveyDraft.survey_code.not_in(sa.select(Survey.code))).order_by(SurveyDraft.survey_code)
    )
    return render_template("admin/surveys.html", surveys=list(rows), new_drafts=list(new_drafts))


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
    draft = db.session.scalar(sa.select(SurveyDraft).where(SurveyDraft.survey_code == survey.code))
    return render_template("admin/survey.html", survey=survey, counts=counts, draft=draft, kind_labels=QUESTION_KIND_LABELS)


@bp.post("/surveys/<int:survey_id>/active")
@manager_required
def survey_active(survey_id: int):
    services.set_active(current_user, get_or_404(Survey, survey_id), "survey", wants_active())
    return saved(_("Zmieniono stan ankiety."), url_for("admin.survey", survey_id=survey_id))
