"""The only part of ``analytics`` that talks to the database.

Everything heavy is a single ``GROUP BY`` in the database returning a few hundred rows (counts per time
bucket × counter × question × value); no ORM object is loaded per response. It reads the day and hour
count tables kept by triggers (``analytics/rollup.py``) — thousands of rows per quarter instead of millions —
and falls back to the raw answers when a period does not start on a whole UTC hour. Time buckets are cut
by a ``CASE`` over UTC boundaries computed from local midnights, which works the same on SQLite and
PostgreSQL and respects daylight saving.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import orm as so

from extensions import db
from survey.models import (
    Answer,
    AnswerDayCount,
    AnswerHourCount,
    Department,
    QualityObjective,
    Question,
    Response,
    ResponseHourCount,
    ServicePoint,
    SurveyVersion,
)

COMMENTS_PER_PAGE = 20
DAY = timedelta(days=1)
MAX_COMMENTS_PER_PAGE = 200


def bucket_expression(column, boundaries: Sequence[datetime]):
    """Bucket number i for ``boundaries[i] <= column < boundaries[i + 1]``."""
    return sa.case(*[(column < upper, index) for index, upper in enumerate(boundaries[1:])], else_=None)


def _in_range(column, start: datetime, end: datetime):
    return sa.and_(column >= start, column < end)


def _scope_filter(service_point_ids: Sequence[int] | None):
    return sa.true() if service_point_ids is None else Response.service_point_id.in_(list(service_point_ids))


def hourly_counts_cover(boundaries: Sequence[datetime]) -> bool:
    """The hourly count tables answer exactly when every boundary is a whole UTC hour."""
    return all(b.minute == 0 and b.second == 0 and b.microsecond == 0 for b in boundaries)


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
        .where(_in_range(Response.submitted_at, boundaries[0], boundaries[-1]), _scope_filter(service_point_ids))
        .group_by(sa.literal_column("1"), Response.service_point_id, Answer.question_id, Answer.value_int, sa.literal_column("5"))
    )


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


def hourly_answer_counts_statement(boundaries: Sequence[datetime], service_point_ids: Sequence[int] | None):
    """``bucket, service_point_id, question_id, value, count`` summed from the day and hour count tables."""
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
        parts.append(
            sa.select(column.label("t"), table.service_point_id, table.question_id, table.value, table.n).where(condition, points)
        )
    counts = sa.union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    total = sa.func.sum(counts.c.n)
    return (
        sa.select(bucket_expression(counts.c.t, boundaries).label("bucket"), counts.c.service_point_id, counts.c.question_id,
                  counts.c.value, total.label("count"))
        .group_by(sa.literal_column("1"), counts.c.service_point_id, counts.c.question_id, counts.c.value)
        .having(total > 0)
    )


def _typed_value(kind: str, value_int, value_text):
    if kind == "text":
        return None
    if kind == "single_choice":
        return value_text
    return None if value_int is None else int(value_int)


def answer_counts(
    boundaries: Sequence[datetime],
    service_point_ids: Sequence[int] | None,
    question_ids: dict[int, tuple[str, str]],
    source: str = "auto",
) -> pd.DataFrame:
    """``bucket, service_point_id, question_id, value, count`` with ``value`` typed by the question's kind.

    ``source``: ``hourly`` (the trigger-kept count tables), ``raw`` (the answers themselves) or ``auto``
    (hourly whenever the boundaries are whole UTC hours).
    """
    columns = ["bucket", "service_point_id", "question_id", "value", "count"]
    if source == "hourly" or (source == "auto" and hourly_counts_cover(boundaries)):
        rows = [
            (bucket, sp, qid, _typed_value(question_ids[qid][1], value if value.lstrip("-").isdigit() else None, value), n)
            for bucket, sp, qid, value, n in db.session.execute(hourly_answer_counts_statement(boundaries, service_point_ids))
            if qid in question_ids
        ]
        return pd.DataFrame(rows, columns=columns)
    text_ids = [qid for qid, (_code, kind) in question_ids.items() if kind == "text"]
    rows = [
        (bucket, sp, qid, _typed_value(question_ids[qid][1], value_int, value_text), n)
        for bucket, sp, qid, value_int, value_text, n in db.session.execute(
            raw_answer_counts_statement(boundaries, service_point_ids, text_ids))
        if qid in question_ids
    ]
    return pd.DataFrame(rows, columns=columns)


def response_counts(boundaries: Sequence[datetime], service_point_ids: Sequence[int] | None, source: str = "auto") -> pd.DataFrame:
    """``bucket, service_point_id, count`` of responses."""
    if source == "hourly" or (source == "auto" and hourly_counts_cover(boundaries)):
        column, points, count = ResponseHourCount.hour, ResponseHourCount.service_point_id, sa.func.sum(ResponseHourCount.n)
    else:
        column, points, count = Response.submitted_at, Response.service_point_id, sa.func.count()
    scope = sa.true() if service_point_ids is None else points.in_(list(service_point_ids))
    statement = (
        sa.select(bucket_expression(column, boundaries).label("bucket"), points, count.label("count"))
        .where(_in_range(column, boundaries[0], boundaries[-1]), scope)
        .group_by(sa.literal_column("1"), points)
    )
    return pd.DataFrame(db.session.execute(statement).all(), columns=["bucket", "service_point_id", "count"])


def _utc_minute(column):
    """A timestamp's UTC minute as text ``YYYY-MM-DD HH:MM`` on either backend (offsets like +05:30 need minutes)."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM-DD HH24:MI")
    return sa.func.strftime("%Y-%m-%d %H:%M", column)


def responses_by_utc_hour(start: datetime, end: datetime, service_point_ids: Sequence[int] | None, source: str = "auto") -> pd.DataFrame:
    """``hour, count``: responses per UTC hour (per minute from the raw table), as aware timestamps to make local."""
    if source == "hourly" or (source == "auto" and hourly_counts_cover([start, end])):
        scope = sa.true() if service_point_ids is None else ResponseHourCount.service_point_id.in_(list(service_point_ids))
        statement = (
            sa.select(ResponseHourCount.hour, sa.func.sum(ResponseHourCount.n))
            .where(_in_range(ResponseHourCount.hour, start, end), scope)
            .group_by(ResponseHourCount.hour)
            .having(sa.func.sum(ResponseHourCount.n) > 0)
        )
        frame = pd.DataFrame(db.session.execute(statement).all(), columns=["hour", "count"])
        frame["hour"] = pd.to_datetime(frame["hour"], utc=True)
        return frame
    minute = _utc_minute(Response.submitted_at).label("minute_utc")
    statement = (
        sa.select(minute, sa.func.count().label("count"))
        .where(_in_range(Response.submitted_at, start, end), _scope_filter(service_point_ids))
        .group_by(sa.literal_column("1"))
    )
    frame = pd.DataFrame(db.session.execute(statement).all(), columns=["hour", "count"])
    frame["hour"] = pd.to_datetime(frame["hour"], format="%Y-%m-%d %H:%M", utc=True)
    return frame


def service_point_catalog() -> pd.DataFrame:
    """Every counter with its department: ``id, code, name, department_id, department_code, department_name``."""
    statement = (
        sa.select(
            ServicePoint.id,
            ServicePoint.code,
            ServicePoint.name,
            Department.id.label("department_id"),
            Department.code.label("department_code"),
            Department.name.label("department_name"),
        )
        .join(Department, Department.id == ServicePoint.department_id)
        .order_by(Department.code, ServicePoint.code)
    )
    columns = ["id", "code", "name", "department_id", "department_code", "department_name"]
    return pd.DataFrame(db.session.execute(statement).all(), columns=columns)


def department_catalog() -> pd.DataFrame:
    statement = sa.select(Department.id, Department.code, Department.name).order_by(Department.code)
    return pd.DataFrame(db.session.execute(statement).all(), columns=["id", "code", "name"])


def question_catalog() -> tuple[list[dict], dict[int, tuple[str, str]]]:
    """The questions to report, by stable code, and every stored question id mapped to ``(code, kind)``.

    A code's kind and options come from its newest version; codes are ordered as the surveys ask them.
    """
    statement = (
        sa.select(Question.id, Question.code, Question.kind, Question.options, Question.position, SurveyVersion.survey_id, SurveyVersion.number)
        .join(SurveyVersion, SurveyVersion.id == Question.version_id)
        .order_by(SurveyVersion.survey_id, SurveyVersion.number.desc(), Question.position)
    )
    by_code: dict[str, dict] = {}
    ids: dict[int, tuple[str, str]] = {}
    for qid, code, kind, options, _position, _survey_id, _number in db.session.execute(statement):
        question = by_code.setdefault(code, {"code": code, "kind": kind, "options": [o["value"] for o in options or []]})
        ids[qid] = (code, question["kind"])
    return list(by_code.values()), ids


def active_objectives() -> list:
    from analytics.objectives import ObjectiveSpec, finite_target

    statement = (
        sa.select(QualityObjective)
        .options(so.joinedload(QualityObjective.department), so.joinedload(QualityObjective.service_point))
        .where(QualityObjective.active.is_(True))
        .order_by(QualityObjective.id)
    )
    return [
        ObjectiveSpec(
            name=o.name,
            indicator=o.indicator,
            target=finite_target(o.target),
            comparator=o.comparator,
            min_sample=o.min_sample,
            scope=o.scope,
            department_code=o.department.code if o.department else None,
            service_point_code=o.service_point.code if o.service_point else None,
            question_code=o.question_code,
            period_kind=o.period_kind,
        )
        for o in db.session.scalars(statement).unique()
    ]


@dataclass
class CommentsPage:
    items: list[dict]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def as_dict(self) -> dict:
        return {"items": self.items, "total": self.total, "page": self.page, "per_page": self.per_page, "pages": self.pages}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def comments(
    start: datetime | None = None,
    end: datetime | None = None,
    service_point_ids: Sequence[int] | None = None,
    *,
    text: str | None = None,
    ratings: Sequence[int] | None = None,
    page: int = 1,
    per_page: int = COMMENTS_PER_PAGE,
    answer_ids: Sequence[int] | None = None,
) -> CommentsPage:
    """Residents' free-text comments, newest first, with the rating (first ``rating_5`` answer) of the same response.

    ``text`` filters case-insensitively by a fragment; ``ratings`` keeps comments whose response gave one of
    those ratings; ``answer_ids`` only those comments (a page chosen elsewhere, e.g. by theme). ``page``
    counts from 1.
    """
    per_page = min(max(1, per_page), MAX_COMMENTS_PER_PAGE)
    page = max(1, page)
    comment_question = sa.select(Question.id).where(Question.kind == "text")
    rating_answer = so.aliased(Answer)
    rating_question_ids = sa.select(Question.id).where(Question.kind == "rating_5")
    rating = (
        sa.select(sa.func.min(rating_answer.value_int))
        .where(rating_answer.response_id == Answer.response_id, rating_answer.question_id.in_(rating_question_ids))
        .scalar_subquery()
    )
    conditions = [Answer.question_id.in_(comment_question), Answer.value_text.is_not(None), Answer.value_text != ""]
    if start is not None:
        conditions.append(Response.submitted_at >= start)
    if end is not None:
        conditions.append(Response.submitted_at < end)
    if service_point_ids is not None:
        conditions.append(Response.service_point_id.in_(list(service_point_ids)))
    if text:
        conditions.append(Answer.value_text.ilike(f"%{_escape_like(text.strip())}%", escape="\\"))
    if ratings:
        conditions.append(rating.in_(list(ratings)))
    if answer_ids is not None:
        conditions.append(Answer.id.in_(list(answer_ids)))
    base = (
        sa.select(Answer.id)
        .join(Response, Response.id == Answer.response_id)
        .where(*conditions)
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    statement = (
        sa.select(
            Response.submitted_at,
            Answer.value_text,
            rating.label("rating"),
            ServicePoint.code,
            ServicePoint.name,
            Department.code,
            Response.channel,
            Answer.id,
        )
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(ServicePoint, ServicePoint.id == Response.service_point_id)
        .join(Department, Department.id == ServicePoint.department_id)
        .where(*conditions)
        .order_by(Response.submitted_at.desc(), Answer.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = [
        {
            "submitted_at": submitted_at.isoformat(),
            "text": comment,
            "rating": rating_value,
            "service_point": sp_code,
            "service_point_name": sp_name,
            "department": dept_code,
            "channel": channel,
            "id": answer_id,
        }
        for submitted_at, comment, rating_value, sp_code, sp_name, dept_code, channel, answer_id
        in db.session.execute(statement)
    ]
    return CommentsPage(items, total, page, per_page)
