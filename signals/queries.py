"""Every SQL statement of the signals package.

Control charts read ``chart_counts`` (kept by the count triggers, ``analytics/rollup.py``): the answers per
piece of time between the local week and month boundaries, a few thousand rows for a whole office's history
whatever the number of answers; successes (ratings 4–5, "yes") are summed in the database, so only ``bucket,
counter, question, n, success`` come back. When the pieces were cut in another zone, the same rows are summed
from the day and hour count tables (whole UTC days from ``answer_day_counts``, the hours of the days a boundary
cuts from ``answer_hour_counts``, bucketed by a bisecting ``CASE``). Bursts read the raw answers of the last few
days only (they need minutes, not hours).
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from analytics.count_queries import bisected_bucket_expression
from analytics.queries import bucket_expression, hourly_counts_cover, pieces_hold, split_days_and_hours
from analytics.rollup import SUCCESS_VALUES
from extensions import db
from signals.models import ChartRebase, NotificationPreference, Signal, SignalNotification
from survey.models import (
    Answer,
    AnswerDayCount,
    AnswerHourCount,
    ChartCount,
    Department,
    Response,
    ResponseHourCount,
    User,
    user_departments,
)


def first_answer_hour() -> datetime | None:
    """The UTC hour of the first stored response (from the hourly counts), or None in an empty office."""
    return db.session.scalar(sa.select(sa.func.min(ResponseHourCount.hour)).where(ResponseHourCount.n > 0))


def _success(value_column, question_column, kinds: dict[int, str]):
    conditions = [
        sa.and_(question_column.in_([qid for qid, kind in kinds.items() if kind == name]), value_column.in_(values))
        for name, values in SUCCESS_VALUES.items()
        if any(kind == name for kind in kinds.values())
    ]
    return sa.or_(*conditions) if conditions else sa.false()


def _count_table_rows(boundaries: Sequence[datetime], kinds: dict[int, str]):
    """``bucket, service_point_id, question_id, n, success`` per piece of time between two boundaries from the
    count tables (whole UTC days, and the hours of the days a boundary cuts): ~1,000 rows for a year."""
    day_range, cut_days, hour_ranges = split_days_and_hours(boundaries)
    parts = []
    if day_range:
        parts.append(sa.select(AnswerDayCount.day.label("t"), AnswerDayCount.service_point_id, AnswerDayCount.question_id,
                               AnswerDayCount.value, AnswerDayCount.n)
                     .where(AnswerDayCount.day >= day_range[0], AnswerDayCount.day < day_range[1],
                            AnswerDayCount.day.not_in(cut_days), AnswerDayCount.question_id.in_(list(kinds))))
    if hour_ranges:
        parts.append(sa.select(AnswerHourCount.hour.label("t"), AnswerHourCount.service_point_id, AnswerHourCount.question_id,
                               AnswerHourCount.value, AnswerHourCount.n)
                     .where(sa.or_(*[sa.and_(AnswerHourCount.hour >= a, AnswerHourCount.hour < b) for a, b in hour_ranges]),
                            AnswerHourCount.question_id.in_(list(kinds))))
    rows = sa.union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    success = sa.func.sum(sa.case((_success(rows.c.value, rows.c.question_id, kinds), rows.c.n), else_=0))
    per_time = (
        sa.select(rows.c.t, rows.c.service_point_id, rows.c.question_id, sa.func.sum(rows.c.n).label("n"),
                  success.label("success"))
        .group_by(rows.c.t, rows.c.service_point_id, rows.c.question_id)
    ).subquery()
    bucket = bisected_bucket_expression(per_time.c.t, boundaries)
    return (
        sa.select(bucket.label("bucket"), per_time.c.service_point_id, per_time.c.question_id,
                  sa.cast(sa.func.sum(per_time.c.n), sa.BigInteger), sa.cast(sa.func.sum(per_time.c.success), sa.BigInteger))
        .group_by(sa.literal_column("1"), per_time.c.service_point_id, per_time.c.question_id)
    )


PROPORTION_COLUMNS = ["bucket", "service_point_id", "question_id", "n", "success"]


def empty_proportion_counts() -> pd.DataFrame:
    return pd.DataFrame(columns=PROPORTION_COLUMNS)


def proportion_counts(boundaries: Sequence[datetime], kinds: dict[int, str]) -> pd.DataFrame:
    """Answers and successes of the proportion questions ``kinds`` (question id → kind) between the first and
    last boundary, in pieces that no boundary cuts: ``bucket`` (index of the boundary interval),
    ``service_point_id, question_id, n, success``."""
    columns = PROPORTION_COLUMNS
    if not kinds or len(boundaries) < 2:
        return empty_proportion_counts()
    if hourly_counts_cover(boundaries):
        return pd.DataFrame(db.session.execute(_count_table_rows(boundaries, kinds)).all(), columns=columns)
    return _raw_proportion_counts(boundaries, kinds)[columns]


def chart_counts_fit(tz_name: str, boundaries: Sequence[datetime]) -> bool:
    """Whether ``chart_counts`` were cut at these boundaries: in the office's zone, within the covered years."""
    return pieces_hold(boundaries, tz_name)


def chart_count_rows(boundaries: Sequence[datetime], kinds: dict[int, str]) -> pd.DataFrame:
    """``proportion_counts`` from ``chart_counts``, whose pieces are the intervals between ``boundaries``
    (check ``chart_counts_fit`` first): a few thousand rows for the office's whole history."""
    success = sa.func.sum(sa.case((_success(ChartCount.value, ChartCount.question_id, kinds), ChartCount.n), else_=0))
    statement = (
        sa.select(ChartCount.piece, ChartCount.service_point_id, ChartCount.question_id, sa.func.sum(ChartCount.n),
                  success)
        .where(ChartCount.piece >= boundaries[0], ChartCount.piece < boundaries[-1],
               ChartCount.question_id.in_(list(kinds)))
        .group_by(ChartCount.piece, ChartCount.service_point_id, ChartCount.question_id)
        .having(sa.func.sum(ChartCount.n) > 0)
    )
    rows = db.session.execute(statement).all()
    if not rows:
        return empty_proportion_counts()
    pieces, service_points, questions, n, successes = zip(*rows)
    buckets = [bisect_right(boundaries, piece) - 1 for piece in pieces]
    return pd.DataFrame({"bucket": buckets, "service_point_id": service_points, "question_id": questions, "n": n,
                         "success": successes}, columns=PROPORTION_COLUMNS)


def _raw_proportion_counts(boundaries: Sequence[datetime], kinds: dict[int, str]) -> pd.DataFrame:
    """The same from the answers themselves, for offices whose midnight is not on a whole UTC hour."""
    value = sa.func.coalesce(sa.cast(Answer.value_int, sa.String), Answer.value_text)
    success = sa.func.sum(sa.case((_success(value, Answer.question_id, kinds), 1), else_=0))
    bucket = bucket_expression(Response.submitted_at, boundaries).label("bucket")
    statement = (
        sa.select(bucket, Response.service_point_id, Answer.question_id, sa.func.count(), success)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.submitted_at >= boundaries[0], Response.submitted_at < boundaries[-1],
               Answer.question_id.in_(list(kinds)))
        .group_by(sa.literal_column("1"), Response.service_point_id, Answer.question_id)
    )
    return pd.DataFrame(db.session.execute(statement).all(), columns=PROPORTION_COLUMNS)


def recent_answers(since: datetime, question_ids: Sequence[int]) -> pd.DataFrame:
    """``response_id, service_point_id, submitted_at, question_id, rating`` of responses typed in by residents
    (not paper) since ``since``, each with its answers to ``question_ids`` (a response without one: one row
    with empty ``question_id`` and ``rating``).

    The few recent responses are found by time and their answers by response; ``question_id + 0`` keeps
    SQLite from starting at the question's index instead, which would read every answer ever given to it.
    """
    answer = sa.and_(Answer.response_id == Response.id, (Answer.question_id + 0).in_(list(question_ids)),
                     Answer.value_int.is_not(None))
    statement = (
        sa.select(Response.id, Response.service_point_id, Response.submitted_at, Answer.question_id, Answer.value_int)
        .select_from(Response)
        .outerjoin(Answer, answer)
        .where(Response.submitted_at >= since, Response.channel != "paper")
    )
    columns = ["response_id", "service_point_id", "submitted_at", "question_id", "rating"]
    return pd.DataFrame(db.session.execute(statement).all(), columns=columns)


def response_hour_counts(start: datetime, end: datetime) -> pd.DataFrame:
    statement = sa.select(ResponseHourCount.service_point_id, ResponseHourCount.hour, ResponseHourCount.n).where(
        ResponseHourCount.hour >= start, ResponseHourCount.hour < end, ResponseHourCount.n > 0)
    return pd.DataFrame(db.session.execute(statement).all(), columns=["service_point_id", "hour", "n"])


def rebases() -> list[ChartRebase]:
    return list(db.session.scalars(sa.select(ChartRebase).order_by(ChartRebase.starts_on)))


# ---- stored signals ---------------------------------------------------------------------------------


def live_signals() -> list[Signal]:
    """Signals that hold now (open or acknowledged)."""
    return list(db.session.scalars(sa.select(Signal).where(Signal.status != "closed").order_by(Signal.id)))


def signals_in_scope(scope_kind: str, scope_code: str | None, department_code: str | None,
                     include_closed_since: datetime | None = None) -> list[Signal]:
    """Live signals of the office (all), a department (its own and its counters') or a counter."""
    statement = sa.select(Signal)
    if scope_kind == "department":
        statement = statement.where(Signal.department_code == department_code)
    elif scope_kind == "service_point":
        statement = statement.where(Signal.scope_kind == "service_point", Signal.scope_code == scope_code)
    if include_closed_since is None:
        statement = statement.where(Signal.status != "closed")
    else:
        statement = statement.where(sa.or_(Signal.status != "closed", Signal.closed_at >= include_closed_since))
    return list(db.session.scalars(statement.order_by(Signal.id)))


def signals_since(start: datetime, end: datetime, department_code: str | None) -> list[Signal]:
    """Signals that held at some time in ``[start, end)`` (for the quarterly report)."""
    statement = sa.select(Signal).where(Signal.since < end, sa.or_(Signal.closed_at.is_(None), Signal.closed_at >= start))
    if department_code:
        statement = statement.where(Signal.department_code == department_code)
    return list(db.session.scalars(statement.order_by(Signal.since)))


def signal_by_id(signal_id: int) -> Signal | None:
    return db.session.get(Signal, signal_id)


def signals_version() -> tuple:
    """Changes whenever a signal is added, acknowledged or closed (part of the dashboards' cache check)."""
    return tuple(db.session.execute(sa.select(sa.func.count(Signal.id), sa.func.max(Signal.updated_at))).one())


def signals_to_plan() -> list[Signal]:
    return list(db.session.scalars(
        sa.select(Signal).where(Signal.alerts_planned_at.is_(None), Signal.status != "closed").order_by(Signal.id)))


def recipients(department_code: str | None) -> list[User]:
    """Active quality managers, and the heads of ``department_code`` (none for office-wide signals)."""
    managers = sa.select(User).where(User.active.is_(True), User.role == "quality_manager")
    found = list(db.session.scalars(managers.order_by(User.id)))
    if department_code:
        heads = (
            sa.select(User)
            .join(user_departments, user_departments.c.user_id == User.id)
            .join(Department, Department.id == user_departments.c.department_id)
            .where(User.active.is_(True), User.role == "department_head", Department.code == department_code)
            .order_by(User.id)
        )
        found += list(db.session.scalars(heads))
    return found


def preference_of(user_id: int) -> NotificationPreference | None:
    return db.session.get(NotificationPreference, user_id)


def notified_recently(user_id: int, chart_key: str, since: datetime) -> bool:
    statement = sa.select(SignalNotification.id).where(
        SignalNotification.user_id == user_id, SignalNotification.chart_key == chart_key,
        SignalNotification.created_at >= since).limit(1)
    return db.session.scalar(statement) is not None


def pending_notifications(mode: str) -> list[SignalNotification]:
    statement = (
        sa.select(SignalNotification)
        .where(SignalNotification.sent_at.is_(None), SignalNotification.mode == mode)
        .order_by(SignalNotification.user_id, SignalNotification.id)
    )
    return list(db.session.scalars(statement))
