"""The few figures the management-review report needs beyond ``compute_indicators``.

- ``quarterly_series``: per-quarter CSAT of the office and of each department over the last quarters,
  from the same grouped counts (``queries.answer_counts``, read from the hourly count tables) and the same
  pure functions as ``compute_indicators``, so the report period's own point equals its indicators;
- ``grouped_comments``: the residents' comments the report shows, grouped by counter, rating and identical
  text with how often each was written (a bounded number per department and rating, chosen in SQL), with
  how many comments each department and rating hold in all;
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


def grouped_comments(period: Period, scope: Scope, top: int, per_rating: int) -> list[dict]:
    """The comments the report shows, grouped: ``department, service_point, service_point_name, rating, text,
    count`` plus where each group ranks and how many comments its department and rating hold.

    Identical texts at the same counter with the same rating are one group with their ``count``. Only the
    groups shown are returned (``ROW_NUMBER()`` per partition, on SQLite and PostgreSQL alike): per department
    the ``top`` first by the report's order (lowest rating first, comments without a rating last, then the most
    frequent) — ``rank_in_department`` — and per department and rating the ``per_rating`` most frequent —
    ``rank_in_rating``. ``department_total`` and ``rating_total`` count every comment of the department (and
    rating) in the period, shown or not, so the report can say how many more there are. Ordered by department,
    then the report's order.
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
    keys = (rows.c.department, rows.c.service_point, rows.c.service_point_name, rows.c.rating, rows.c.text)
    groups = sa.select(*keys, sa.func.count().label("count")).group_by(*keys).subquery()
    most_frequent = (groups.c.count.desc(), groups.c.service_point, groups.c.text)
    report_order = (groups.c.rating.is_(None), groups.c.rating, *most_frequent)
    ranked = sa.select(
        groups,
        sa.func.row_number().over(partition_by=groups.c.department, order_by=report_order).label("rank_in_department"),
        sa.func.row_number().over(partition_by=(groups.c.department, groups.c.rating), order_by=most_frequent)
        .label("rank_in_rating"),
        sa.func.sum(groups.c.count).over(partition_by=groups.c.department).label("department_total"),
        sa.func.sum(groups.c.count).over(partition_by=(groups.c.department, groups.c.rating)).label("rating_total"),
    ).subquery()
    statement = (
        sa.select(ranked)
        .where(sa.or_(ranked.c.rank_in_department <= top, ranked.c.rank_in_rating <= per_rating))
        .order_by(ranked.c.department, ranked.c.rating.is_(None), ranked.c.rating, ranked.c.count.desc(),
                  ranked.c.service_point, ranked.c.text)
    )
    return [{**row._asdict(), "department_total": int(row.department_total), "rating_total": int(row.rating_total)}
            for row in db.session.execute(statement)]


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
