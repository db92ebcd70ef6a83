"""The few figures the management-review report needs beyond ``compute_indicators``.

- ``quarterly_series``: per-quarter CSAT of the office and of each department over the last quarters,
  from the same grouped counts (``queries.answer_counts``, read from the hourly count tables) and the same
  pure functions as ``compute_indicators``, so the report period's own point equals its indicators;
- ``grouped_comments``: residents' comments of a period and scope grouped by counter, rating and identical
  text with how often each was written, lowest ratings first;
- ``channel_counts``: responses per channel (web, kiosk, paper).

Counting stays in the database (GROUP BY); nothing loads one object per response.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import orm as so

from analytics import queries
from analytics.indicators import grouped_questions, questions_from_counts
from analytics.periods import Period, period_containing_day
from analytics.service import Scope
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


def quarterly_series(quarters: list[Period], scope: Scope) -> dict:
    """``{"office": [...], "departments": {code: [...]}}``: per quarter ``quarter``, ``responses`` and ``questions``
    (the ``rating_5`` questions' indicators, by the same pure functions as ``compute_indicators``)."""
    questions, question_ids = queries.question_catalog()
    ratings = [q for q in questions if q["kind"] == "rating_5"]
    rating_ids = {qid: code_kind for qid, code_kind in question_ids.items() if code_kind[1] == "rating_5"}
    boundaries: list[datetime] = [q.start for q in quarters] + [quarters[-1].end]
    department_of = dict(zip(scope.service_points["id"], scope.service_points["department_code"]))
    raw = queries.answer_counts(boundaries, scope.service_point_ids, rating_ids)
    answers = pd.DataFrame({
        "bucket": raw["bucket"],
        "department": raw["service_point_id"].map(department_of),
        "code": raw["question_id"].map(lambda qid: rating_ids[qid][0]),
        "kind": "rating_5",
        "value": raw["value"],
        "count": raw["count"].astype("int64"),
    })
    responses = queries.response_counts(boundaries, scope.service_point_ids)
    responses["department"] = responses["service_point_id"].map(department_of)
    empty = questions_from_counts(answers.iloc[0:0], ratings)

    def series(part: pd.DataFrame, response_part: pd.DataFrame) -> list[dict]:
        by_bucket = grouped_questions(part, "bucket", ratings)
        totals = {int(k): int(v) for k, v in response_part.groupby("bucket")["count"].sum().items()} if len(response_part) else {}
        return [
            {"quarter": quarter.label, "responses": totals.get(index, 0), "questions": by_bucket.get(index, empty)}
            for index, quarter in enumerate(quarters)
        ]

    departments = {
        code: series(answers[answers["department"] == code], responses[responses["department"] == code])
        for code in scope.service_points["department_code"].unique()
    }
    return {"office": series(answers, responses), "departments": departments}


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
