"""The few figures the management-review report needs beyond ``compute_indicators``.

- ``quarterly_series``: per-quarter indicators of the office and of each department over the last quarters,
  from one grouped count (the same fetch and the same pure functions as ``compute_indicators``, so the
  report period's own point equals its indicators);
- ``grouped_comments``: residents' comments of a period and scope grouped by counter, rating and identical
  text with how often each was written, lowest ratings first;
- ``channel_counts``: responses per channel (web, kiosk, paper).

Counting stays in the database (GROUP BY); nothing loads one object per response.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from analytics import queries
from analytics.indicators import grouped_questions, questions_from_counts
from analytics.periods import Period, period_containing_day
from analytics.service import Scope, _fetch_counts
from extensions import db
from survey.models import Answer, Department, Question, Response, ServicePoint

TREND_QUARTERS = 8
MIN_TREND_QUARTERS = 4


def trend_quarters(period: Period, count: int = TREND_QUARTERS) -> list[Period]:
    """``count`` quarters ending with the quarter holding the period's last day, oldest first."""
    quarters = [period_containing_day(period.last_day, "quarter", period.tz_name)]
    for _ in range(count - 1):
        quarters.append(quarters[-1].previous())
    return list(reversed(quarters))


def _quarter_entry(quarter: Period, questions: list[dict], responses: int) -> dict:
    return {"quarter": quarter.label, "responses": responses, "questions": questions}


def quarterly_series(quarters: list[Period], scope: Scope) -> dict:
    """``{"office": [...], "departments": {code: [...]}}``, one entry per quarter with ``responses`` and ``questions``."""
    questions, question_ids = queries.question_catalog()
    boundaries: list[datetime] = [q.start for q in quarters] + [quarters[-1].end]
    counts = _fetch_counts(boundaries, scope, question_ids)
    empty = questions_from_counts(counts.answers.iloc[0:0], questions)

    def series(answers, responses) -> list[dict]:
        by_bucket = grouped_questions(answers, "bucket", questions)
        totals = responses.groupby("bucket")["count"].sum() if len(responses) else {}
        return [
            _quarter_entry(quarter, by_bucket.get(index, empty), int(totals.get(index, 0)) if len(responses) else 0)
            for index, quarter in enumerate(quarters)
        ]

    departments = {}
    for code in scope.service_points["department_code"].unique():
        answers = counts.answers[counts.answers["department"] == code]
        responses = counts.responses[counts.responses["department"] == code]
        departments[code] = series(answers, responses)
    return {"office": series(counts.answers, counts.responses), "departments": departments}


def _rating_of_response():
    """The response's rating: its lowest ``rating_5`` answer (the same rule as the dashboard's comments)."""
    rating_answer = so.aliased(Answer)
    rating_questions = sa.select(Question.id).where(Question.kind == "rating_5")
    return (
        sa.select(sa.func.min(rating_answer.value_int))
        .where(rating_answer.response_id == Answer.response_id, rating_answer.question_id.in_(rating_questions))
        .scalar_subquery()
    )


def grouped_comments(period: Period, scope: Scope) -> list[dict]:
    """Comments of the period and scope: ``department, service_point, service_point_name, rating, text, count``.

    Identical texts at the same counter with the same rating are one row with their count. Ordered by
    department, then lowest rating first (comments without a rating last), then the most frequent.
    """
    rating = _rating_of_response().label("rating")
    inner = (
        sa.select(
            Department.code.label("department"),
            ServicePoint.code.label("service_point"),
            ServicePoint.name.label("service_point_name"),
            rating,
            Answer.value_text.label("text"),
        )
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(ServicePoint, ServicePoint.id == Response.service_point_id)
        .join(Department, Department.id == ServicePoint.department_id)
        .where(
            Answer.question_id.in_(sa.select(Question.id).where(Question.kind == "text")),
            Answer.value_text.is_not(None),
            Answer.value_text != "",
            Response.submitted_at >= period.start,
            Response.submitted_at < period.end,
        )
    )
    if scope.service_point_ids is not None:
        inner = inner.where(Response.service_point_id.in_(scope.service_point_ids))
    rows = inner.subquery()
    count = sa.func.count().label("count")
    statement = (
        sa.select(rows.c.department, rows.c.service_point, rows.c.service_point_name, rows.c.rating, rows.c.text, count)
        .group_by(rows.c.department, rows.c.service_point, rows.c.service_point_name, rows.c.rating, rows.c.text)
        .order_by(rows.c.department, rows.c.rating.is_(None), rows.c.rating, count.desc(), rows.c.service_point, rows.c.text)
    )
    return [row._asdict() for row in db.session.execute(statement)]


def channel_counts(period: Period, scope: Scope) -> dict[str, int]:
    statement = (
        sa.select(Response.channel, sa.func.count())
        .where(Response.submitted_at >= period.start, Response.submitted_at < period.end)
        .group_by(Response.channel)
        .order_by(Response.channel)
    )
    if scope.service_point_ids is not None:
        statement = statement.where(Response.service_point_id.in_(scope.service_point_ids))
    return {channel: int(n) for channel, n in db.session.execute(statement)}


def question_texts() -> dict[str, dict]:
    """Each question code's Polish text and option labels, from its newest version."""
    statement = sa.select(Question.code, Question.text_pl, Question.options).order_by(Question.version_id.desc())
    texts: dict[str, dict] = {}
    for code, text, options in db.session.execute(statement):
        texts.setdefault(code, {"text": text, "options": {o["value"]: o.get("pl") or o["value"] for o in options or []}})
    return texts
