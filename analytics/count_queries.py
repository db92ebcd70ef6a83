"""Statements over the count tables kept by triggers (``analytics/rollup.py``): which UTC days and hours make up
a period cut at local midnights, and the grouped counts read from them.

A period is read from whole UTC days (``answer_day_counts``) plus the hours around each local midnight that
cuts a day (``answer_hour_counts``): thousands of rows per quarter instead of millions of answers. Time
buckets are cut by a ``CASE`` over UTC boundaries computed from local midnights, which works the same on
SQLite and PostgreSQL and respects daylight saving. ``raw_answer_counts_statement`` groups the same counts
from the answers themselves (the fallback for offices whose midnight is not on a whole UTC hour).
``analytics.queries`` runs them.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from extensions import db
from survey.models import Answer, AnswerDayCount, AnswerHourCount, ChartCount, Response, ResponseHourCount

DAY = timedelta(days=1)


def bucket_expression(column, boundaries: Sequence[datetime]):
    """Bucket number i for ``boundaries[i] <= column < boundaries[i + 1]``."""
    return sa.case(*[(column < upper, index) for index, upper in enumerate(boundaries[1:])], else_=None)


def bisected_bucket_expression(column, boundaries: Sequence[datetime], low: int = 0, high: int | None = None):
    """The same bucket number as ``bucket_expression`` for ``boundaries[0] <= column < boundaries[-1]``, by
    bisection: nested ``CASE``s of depth log2(buckets) instead of one comparison per boundary (a year of weeks
    and months has ~75 boundaries; every count row would otherwise be compared ~37 times)."""
    high = len(boundaries) - 1 if high is None else high
    if high - low <= 1:
        return sa.literal(low, sa.Integer)
    middle = (low + high) // 2
    return sa.case((column < boundaries[middle], bisected_bucket_expression(column, boundaries, low, middle)),
                   else_=bisected_bucket_expression(column, boundaries, middle, high))


def _in_range(column, start: datetime, end: datetime):
    return sa.and_(column >= start, column < end)


def hourly_counts_cover(boundaries: Sequence[datetime]) -> bool:
    """The hourly count tables answer exactly when every boundary is a whole UTC hour."""
    return all(b.minute == 0 and b.second == 0 and b.microsecond == 0 for b in boundaries)


def _utc_day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def split_days_and_hours(boundaries: Sequence[datetime]) -> tuple[list[datetime], list[datetime], list[tuple[datetime, datetime]]]:
    """How to read ``[boundaries[0], boundaries[-1])`` from the count tables without crossing a boundary.

    Returns ``(first_day, end_day)`` (empty when no whole UTC day fits), the UTC days in that run that a
    boundary cuts (to leave out of the day table), and the hour ranges to read from the hour table instead.
    """
    start, end = boundaries[0], boundaries[-1]
    first = _utc_day(start) if _utc_day(start) == start else _utc_day(start) + DAY
    last = _utc_day(end)
    if first >= last:
        return [], [], [(start, end)]
    cut = sorted({_utc_day(b) for b in boundaries[1:-1] if _utc_day(b) != b and first <= _utc_day(b) < last})
    hours = [(start, first)] if start < first else []
    hours += [(day, day + DAY) for day in cut]
    hours += [(last, end)] if last < end else []
    return [first, last], cut, hours


def hourly_answer_counts_statement(boundaries: Sequence[datetime], service_point_ids: Sequence[int] | None,
                                   question_ids: Sequence[int] | None = None):
    """``bucket, service_point_id, question_id, value, count`` summed from the day and hour count tables
    (of the questions ``question_ids``, default all)."""
    day_range, cut_days, hour_ranges = split_days_and_hours(boundaries)
    parts = []
    for table, column, condition in (
        (AnswerDayCount, AnswerDayCount.day,
         sa.and_(AnswerDayCount.day >= day_range[0], AnswerDayCount.day < day_range[1], AnswerDayCount.day.not_in(cut_days))
         if day_range else None),
        (AnswerHourCount, AnswerHourCount.hour,
         sa.or_(*[_in_range(AnswerHourCount.hour, a, b) for a, b in hour_ranges]) if hour_ranges else None),
    ):
        if condition is None:
            continue
        points = sa.true() if service_point_ids is None else table.service_point_id.in_(list(service_point_ids))
        asked = sa.true() if question_ids is None else table.question_id.in_(list(question_ids))
        parts.append(
            sa.select(column.label("t"), table.service_point_id, table.question_id, table.value, table.n)
            .where(condition, points, asked)
        )
    counts = sa.union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    total = sa.func.sum(counts.c.n)
    return (
        sa.select(bisected_bucket_expression(counts.c.t, boundaries).label("bucket"), counts.c.service_point_id, counts.c.question_id,
                  counts.c.value, total.label("count"))
        .group_by(sa.literal_column("1"), counts.c.service_point_id, counts.c.question_id, counts.c.value)
        .having(total > 0)
    )


def piece_answer_counts_statement(boundaries: Sequence[datetime], service_point_ids: Sequence[int] | None,
                                  question_ids: Sequence[int]):
    """``hourly_answer_counts_statement`` from ``chart_counts``, for proportion questions and boundaries that
    are all piece boundaries (``analytics.queries.pieces_hold``): a year of a department in ~10^3 rows."""
    total = sa.func.sum(ChartCount.n)
    return (
        sa.select(bisected_bucket_expression(ChartCount.piece, boundaries).label("bucket"), ChartCount.service_point_id,
                  ChartCount.question_id, ChartCount.value, total.label("count"))
        .where(_in_range(ChartCount.piece, boundaries[0], boundaries[-1]), _points(ChartCount.service_point_id, service_point_ids),
               ChartCount.question_id.in_(list(question_ids)))
        .group_by(sa.literal_column("1"), ChartCount.service_point_id, ChartCount.question_id, ChartCount.value)
        .having(total > 0)
    )


def _points(column, service_point_ids: Sequence[int] | None):
    return sa.true() if service_point_ids is None else column.in_(list(service_point_ids))


def hourly_response_counts_statement(boundaries: Sequence[datetime], service_point_ids: Sequence[int] | None):
    """``bucket, service_point_id, count`` of responses, from the hour table."""
    hours = ResponseHourCount
    return (
        sa.select(bisected_bucket_expression(hours.hour, boundaries).label("bucket"), hours.service_point_id, sa.func.sum(hours.n).label("count"))
        .where(_in_range(hours.hour, boundaries[0], boundaries[-1]), _points(hours.service_point_id, service_point_ids))
        .group_by(sa.literal_column("1"), hours.service_point_id)
    )


def response_hours_statement(start: datetime, end: datetime, service_point_ids: Sequence[int] | None):
    """``hour, count``: responses per UTC hour in ``[start, end)``, hours without any left out."""
    hours = ResponseHourCount
    return (
        sa.select(hours.hour, sa.func.sum(hours.n).label("count"))
        .where(_in_range(hours.hour, start, end), _points(hours.service_point_id, service_point_ids))
        .group_by(hours.hour)
        .having(sa.func.sum(hours.n) > 0)
    )


def responses_with_hours_statement(boundaries: Sequence[datetime], start: datetime, end: datetime,
                                   service_point_ids: Sequence[int] | None):
    """Both statements above in one round trip: ``bucket, service_point_id, hour, count`` rows whose ``hour``
    is null for the counts per bucket and counter, and whose ``bucket`` and counter are null for the hours."""
    hours = ResponseHourCount
    counts = hourly_response_counts_statement(boundaries, service_point_ids)
    no_hour = sa.type_coerce(sa.null(), hours.hour.type).label("hour")
    no_int = sa.type_coerce(sa.null(), sa.Integer)
    by_hour = response_hours_statement(start, end, service_point_ids)
    return sa.union_all(
        counts.with_only_columns(*counts.selected_columns[:2], no_hour, counts.selected_columns[2]),
        by_hour.with_only_columns(no_int, no_int, *by_hour.selected_columns),
    )


def raw_answer_counts_statement(boundaries: Sequence[datetime], service_point_ids: Sequence[int] | None, text_question_ids: Sequence[int]):
    """``bucket, service_point_id, question_id, value_int, value_text, count`` straight from the answers.

    Free-text answers are counted without their text (grouping by every comment would be pointless).
    """
    bucket = bucket_expression(Response.submitted_at, boundaries).label("bucket")
    value_text = sa.case((Answer.question_id.in_(list(text_question_ids)), sa.null()), else_=Answer.value_text)
    return (
        sa.select(
            bucket,
            Response.service_point_id,
            Answer.question_id,
            Answer.value_int,
            value_text.label("value_text"),
            sa.func.count().label("count"),
        )
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .where(_in_range(Response.submitted_at, boundaries[0], boundaries[-1]), _points(Response.service_point_id, service_point_ids))
        .group_by(sa.literal_column("1"), Response.service_point_id, Answer.question_id, Answer.value_int, sa.literal_column("5"))
    )


def text_answer_total(start: datetime | None, end: datetime | None, service_point_ids: Sequence[int] | None,
                      text_question_ids: Sequence[int]) -> int:
    """How many free-text answers a scope got in ``[start, end)`` (whole UTC hours), or ever (both ``None``),
    summed from the count tables.

    The same day/hour split as the indicators: tens of rows per counter and day instead of every comment.
    The survey form and the paper import never store an empty comment, so this is the unfiltered comment total.
    """
    if not text_question_ids:
        return 0
    if start is None or end is None:  # all time: the day table holds every answer
        parts = [sa.select(AnswerDayCount.n, AnswerDayCount.service_point_id, AnswerDayCount.question_id)]
    else:
        day_range, _cut_days, hour_ranges = split_days_and_hours([start, end])
        parts = [sa.select(AnswerHourCount.n, AnswerHourCount.service_point_id, AnswerHourCount.question_id)
                 .where(sa.or_(*[_in_range(AnswerHourCount.hour, a, b) for a, b in hour_ranges]))] if hour_ranges else []
        if day_range:
            parts.append(sa.select(AnswerDayCount.n, AnswerDayCount.service_point_id, AnswerDayCount.question_id)
                         .where(_in_range(AnswerDayCount.day, *day_range)))
    counts = sa.union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    scope = sa.true() if service_point_ids is None else counts.c.service_point_id.in_(list(service_point_ids))
    statement = sa.select(sa.func.coalesce(sa.func.sum(counts.c.n), 0)).where(
        counts.c.question_id.in_(list(text_question_ids)), scope)
    return int(db.session.scalar(statement))
