"""The little the dashboards need beyond ``analytics.service``: question texts and the trend window.

Indicator arithmetic stays in ``analytics.indicators`` / ``analytics.service``; this module only adds the
wording of questions (the indicators JSON carries codes) and which months a trend chart covers.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from analytics.periods import Period, custom_period, period_containing_day
from extensions import db
from survey.models import Question, SurveyVersion

TREND_MONTHS = 12


def question_labels(lang: str) -> dict[str, dict]:
    """Per question code: ``text`` and ``options`` (value -> label) in ``lang``, from the newest version asking it."""
    statement = (
        sa.select(Question)
        .join(SurveyVersion, SurveyVersion.id == Question.version_id)
        .order_by(SurveyVersion.survey_id, SurveyVersion.number.desc(), Question.position)
    )
    labels: dict[str, dict] = {}
    for question in db.session.scalars(statement):
        if question.code in labels:
            continue
        labels[question.code] = {
            "text": question.text(lang),
            "options": {o["value"]: question.option_label(o["value"], lang) for o in question.options or []},
        }
    return labels


def trend_period(period: Period, today: date | None = None) -> Period:
    """The months a CSAT-by-month chart shows: the 12 months ending with the period's last month (or with
    the current month, for a period still running, so the chart does not end in empty future months).

    A period longer than that (a long custom range) is shown whole, month by month.
    """
    last_day = min(period.last_day, today) if today and today >= period.first_day else period.last_day
    last_month = period_containing_day(last_day, "month", period.tz_name)
    first_day = last_month.first_day
    for _ in range(TREND_MONTHS - 1):
        first_day = period_containing_day(date.fromordinal(first_day.toordinal() - 1), "month", period.tz_name).first_day
    if period.first_day < first_day:
        first_day = period.first_day
    return custom_period(first_day, last_month.last_day, period.tz_name)
