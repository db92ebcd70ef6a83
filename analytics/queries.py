"""The only part of ``analytics`` that talks to the database.

Everything heavy is a single ``GROUP BY`` in the database returning a few hundred rows (counts per time
bucket × counter × question × value); no ORM object is loaded per response. It reads the day and hour
count tables kept by triggers (``analytics/rollup.py``; the statements are in ``analytics/count_queries.py``)
— thousands of rows per quarter instead of millions — and falls back to the raw answers when a period does
not start on a whole UTC hour.
"""
from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import orm as so

from analytics.count_queries import (  # noqa: F401 (bucket_expression, split_days_and_hours: also used from here)
    _in_range,
    bucket_expression,
    hourly_answer_counts_statement,
    hourly_counts_cover,
    hourly_response_counts_statement,
    piece_answer_counts_statement,
    raw_answer_counts_statement,
    response_hours_statement,
    responses_with_hours_statement,
    split_days_and_hours,
    text_answer_total,
)
from analytics.chart_pieces import are_pieces
from analytics.rollup import SUCCESS_VALUES
from extensions import db
from per_request import once_per_request
from survey.models import (
    Answer,
    ChartBoundaryZone,
    Department,
    QualityObjective,
    Question,
    Response,
    ServicePoint,
    SurveyVersion,
)

COMMENTS_PER_PAGE = 20
MAX_COMMENTS_PER_PAGE = 200


def _scope_filter(service_point_ids: Sequence[int] | None):
    return sa.true() if service_point_ids is None else Response.service_point_id.in_(list(service_point_ids))


def _typed_value(kind: str, value_int, value_text):
    if kind == "text":
        return None
    if kind == "single_choice":
        return value_text
    return None if value_int is None else int(value_int)


def answer_count_rows(
    boundaries: Sequence[datetime],
    service_point_ids: Sequence[int] | None,
    question_ids: dict[int, tuple[str, str]],
    source: str = "auto",
) -> list[tuple]:
    """``(bucket, service_point_id, question_id, value, count)`` of the questions in ``question_ids``, with
    ``value`` typed by the question's kind.

    ``source``: ``hourly`` (the trigger-kept count tables), ``pieces`` (``chart_counts``: proportion questions
    only, boundaries at local weeks and months), ``raw`` (the answers themselves) or ``auto`` (pieces where they
    fit, such as a CSAT trend by month; else hourly whenever the boundaries are whole UTC hours).
    """
    if (statement := _count_table_statement(boundaries, service_point_ids, question_ids, source)) is not None:
        typed: dict[tuple[int, str], object] = {}  # a few dozen (question, value) pairs among hundreds of rows
        for _bucket, _sp, qid, value, _n in (rows := _rows(statement)):
            if (qid, value) not in typed and qid in question_ids:
                typed[qid, value] = _typed_value(question_ids[qid][1], value if value.lstrip("-").isdigit() else None, value)
        return [(bucket, sp, qid, typed[qid, value], n) for bucket, sp, qid, value, n in rows if qid in question_ids]
    text_ids = [qid for qid, (_code, kind) in question_ids.items() if kind == "text"]
    return [
        (bucket, sp, qid, _typed_value(question_ids[qid][1], value_int, value_text), n)
        for bucket, sp, qid, value_int, value_text, n in _rows(raw_answer_counts_statement(boundaries, service_point_ids, text_ids))
        if qid in question_ids
    ]


def _count_table_statement(boundaries: Sequence[datetime], service_point_ids: Sequence[int] | None,
                           question_ids: dict[int, tuple[str, str]], source: str):
    """The statement reading ``answer_count_rows`` from a count table, or None for the raw answers."""
    if source == "pieces" or (source == "auto" and _pieces_fit(boundaries, question_ids)):
        return piece_answer_counts_statement(boundaries, service_point_ids, list(question_ids))
    if source == "hourly" or (source == "auto" and hourly_counts_cover(boundaries)):
        return hourly_answer_counts_statement(boundaries, service_point_ids, list(question_ids))
    return None


def _pieces_fit(boundaries: Sequence[datetime], question_ids: dict[int, tuple[str, str]]) -> bool:
    from flask import current_app

    return (all(kind in SUCCESS_VALUES for _code, kind in question_ids.values())
            and are_pieces(list(boundaries), current_app.config["OPINIA_TIMEZONE"], chart_zone()))


@once_per_request(immutable=True)
def chart_zone() -> str | None:
    """The time zone ``chart_counts``' pieces were cut in (``analytics.chart_pieces``)."""
    return db.session.scalar(sa.select(ChartBoundaryZone.timezone))


def answer_counts(
    boundaries: Sequence[datetime],
    service_point_ids: Sequence[int] | None,
    question_ids: dict[int, tuple[str, str]],
    source: str = "auto",
) -> pd.DataFrame:
    """``answer_count_rows`` as a frame: ``bucket, service_point_id, question_id, value, count``."""
    rows = answer_count_rows(boundaries, service_point_ids, question_ids, source)
    return pd.DataFrame(rows, columns=["bucket", "service_point_id", "question_id", "value", "count"])


def response_count_rows(boundaries: Sequence[datetime], service_point_ids: Sequence[int] | None, source: str = "auto") -> list[tuple]:
    """``(bucket, service_point_id, count)`` of responses."""
    if source == "hourly" or (source == "auto" and hourly_counts_cover(boundaries)):
        return _rows(hourly_response_counts_statement(boundaries, service_point_ids))
    statement = (
        sa.select(bucket_expression(Response.submitted_at, boundaries).label("bucket"), Response.service_point_id,
                  sa.func.count().label("count"))
        .where(_in_range(Response.submitted_at, boundaries[0], boundaries[-1]), _scope_filter(service_point_ids))
        .group_by(sa.literal_column("1"), Response.service_point_id)
    )
    return _rows(statement)


def response_count_and_hour_rows(boundaries: Sequence[datetime], start: datetime, end: datetime,
                                 service_point_ids: Sequence[int] | None, source: str = "auto") -> tuple[list, list]:
    """``response_count_rows(boundaries, ...)`` and ``response_hour_rows(start, end, ...)``, in one round trip
    when both are read from the hour table."""
    if not (source == "hourly" or (source == "auto" and hourly_counts_cover([*boundaries, start, end]))):
        return (response_count_rows(boundaries, service_point_ids, source),
                response_hour_rows(start, end, service_point_ids, source))
    rows = _rows(responses_with_hours_statement(boundaries, start, end, service_point_ids))
    return ([(bucket, point, count) for bucket, point, hour, count in rows if hour is None],
            [(hour, count) for _bucket, _point, hour, count in rows if hour is not None])


def response_counts(boundaries: Sequence[datetime], service_point_ids: Sequence[int] | None, source: str = "auto") -> pd.DataFrame:
    """``bucket, service_point_id, count`` of responses."""
    return pd.DataFrame(response_count_rows(boundaries, service_point_ids, source), columns=["bucket", "service_point_id", "count"])


def _rows(statement) -> list:
    """All rows of a select of plain columns, run on the session's connection: the ORM's per-statement set-up
    (0.2–0.5 ms each) is skipped, but pending objects are flushed first as ``session.execute`` would."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement).all()


def _utc_minute(column):
    """A timestamp's UTC minute as text ``YYYY-MM-DD HH:MM`` on either backend (offsets like +05:30 need minutes)."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM-DD HH24:MI")
    return sa.func.strftime("%Y-%m-%d %H:%M", column)


def response_hour_rows(start: datetime, end: datetime, service_point_ids: Sequence[int] | None, source: str = "auto") -> list[tuple]:
    """``(moment, count)``: responses per UTC hour (per minute from the raw table) as aware UTC datetimes,
    to make local; hours without responses are left out."""
    if source == "hourly" or (source == "auto" and hourly_counts_cover([start, end])):
        return _rows(response_hours_statement(start, end, service_point_ids))
    minute = _utc_minute(Response.submitted_at).label("minute_utc")
    statement = (
        sa.select(minute, sa.func.count().label("count"))
        .where(_in_range(Response.submitted_at, start, end), _scope_filter(service_point_ids))
        .group_by(sa.literal_column("1"))
    )
    return [(datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc), count) for text, count in _rows(statement)]


def responses_by_utc_hour(start: datetime, end: datetime, service_point_ids: Sequence[int] | None, source: str = "auto") -> pd.DataFrame:
    """``hour, count``: ``response_hour_rows`` as a frame (``hour`` as UTC timestamps)."""
    frame = pd.DataFrame(response_hour_rows(start, end, service_point_ids, source), columns=["hour", "count"])
    frame["hour"] = pd.to_datetime(frame["hour"], utc=True)
    return frame


@once_per_request
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
    return pd.DataFrame(_rows(statement), columns=columns)


@once_per_request
def department_catalog() -> pd.DataFrame:
    statement = sa.select(Department.id, Department.code, Department.name).order_by(Department.code)
    return pd.DataFrame(_rows(statement), columns=["id", "code", "name"])


@once_per_request
def office_catalog() -> tuple[pd.DataFrame, pd.DataFrame]:
    """``department_catalog()`` and ``service_point_catalog()`` — the latter with each counter's ``active``
    flag — read in one statement (departments without counters included)."""
    statement = (
        sa.select(Department.id, Department.code, Department.name, ServicePoint.id, ServicePoint.code, ServicePoint.name,
                  ServicePoint.active)
        .outerjoin(ServicePoint, ServicePoint.department_id == Department.id)
        .order_by(Department.code, ServicePoint.code)
    )
    departments: dict[int, tuple] = {}
    points = []
    for department_id, department_code, department_name, point_id, code, name, active in _rows(statement):
        departments.setdefault(department_id, (department_id, department_code, department_name))
        if point_id is not None:
            points.append((point_id, code, name, department_id, department_code, department_name, bool(active)))
    columns = ["id", "code", "name", "department_id", "department_code", "department_name", "active"]
    return pd.DataFrame(list(departments.values()), columns=["id", "code", "name"]), pd.DataFrame(points, columns=columns)


@once_per_request
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
    for qid, code, kind, options, _position, _survey_id, _number in _rows(statement):
        question = by_code.setdefault(code, {"code": code, "kind": kind, "options": [o["value"] for o in options or []]})
        ids[qid] = (code, question["kind"])
    return list(by_code.values()), ids


@once_per_request
def active_objectives() -> list:
    from analytics.objectives import ObjectiveSpec, finite_target

    objective = QualityObjective
    statement = (
        sa.select(objective.name, objective.indicator, objective.target, objective.comparator, objective.min_sample,
                  objective.scope, Department.code, ServicePoint.code, objective.question_code, objective.period_kind)
        .outerjoin(Department, Department.id == objective.department_id)
        .outerjoin(ServicePoint, ServicePoint.id == objective.service_point_id)
        .where(objective.active.is_(True))
        .order_by(objective.id)
    )
    return [
        ObjectiveSpec(
            name=name,
            indicator=indicator,
            target=finite_target(target),
            comparator=comparator,
            min_sample=min_sample,
            scope=scope,
            department_code=department_code,
            service_point_code=service_point_code,
            question_code=question_code,
            period_kind=period_kind,
        )
        for (name, indicator, target, comparator, min_sample, scope, department_code, service_point_code,
             question_code, period_kind) in _rows(statement)
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


def _question_ids(kind: str) -> list[int]:
    return list(db.session.scalars(sa.select(Question.id).where(Question.kind == kind)))


def _not_for_sqlite_index(column):
    """``column`` as an expression SQLite cannot use an index for (``column + 0``); unchanged elsewhere.

    SQLite's planner, seeing ``answers.question_id IN (...)`` or ``responses.service_point_id IN (...)``,
    starts from that index and sorts every comment of the period to return twenty. Without them it walks
    the responses' time index newest first and stops after a page. PostgreSQL plans by its statistics.
    """
    return column + 0 if db.engine.dialect.name == "sqlite" else column


@contextmanager
def _without_parallel_workers():
    """PostgreSQL: plan the next statements without parallel workers (until the block ends).

    An unfiltered page of comments is twenty rows found near the start of the time index, but PostgreSQL
    cannot know how soon it finds them and plans parallel workers, whose start-up (100+ ms on a busy machine)
    dwarfs the 2–3 ms the serial walk takes. (A search may walk the whole period: there they help.)
    """
    if db.engine.dialect.name != "postgresql":
        yield
        return
    db.session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))
    try:
        yield
    finally:
        db.session.execute(sa.text("RESET max_parallel_workers_per_gather"))


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
    counts from 1. Without filters the total comes from the count tables; the page itself walks the
    responses newest first through the time index, so neither reads every comment.
    """
    per_page = min(max(1, per_page), MAX_COMMENTS_PER_PAGE)
    page = max(1, page)
    text_ids, rating_ids = _question_ids("text"), _question_ids("rating_5")
    rating_answer = so.aliased(Answer)
    rating = (
        sa.select(sa.func.min(rating_answer.value_int))
        .where(rating_answer.response_id == Answer.response_id, rating_answer.question_id.in_(rating_ids))
        .scalar_subquery()
    )
    conditions = [_not_for_sqlite_index(Answer.question_id).in_(text_ids), Answer.value_text.is_not(None),
                  Answer.value_text != ""]
    if start is not None:
        conditions.append(Response.submitted_at >= start)
    if end is not None:
        conditions.append(Response.submitted_at < end)
    if service_point_ids is not None:
        conditions.append(_not_for_sqlite_index(Response.service_point_id).in_(list(service_point_ids)))
    if text:
        conditions.append(Answer.value_text.ilike(f"%{_escape_like(text.strip())}%", escape="\\"))
    if ratings:
        conditions.append(rating.in_(list(ratings)))
    if answer_ids is not None:
        conditions.append(Answer.id.in_(list(answer_ids)))
    filtered = bool(text or ratings or answer_ids is not None)
    whole_hours = (start is None and end is None) or (
        start is not None and end is not None and hourly_counts_cover([start, end]))
    if filtered or not whole_hours:
        base = sa.select(Answer.id).join(Response, Response.id == Answer.response_id).where(*conditions)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    else:
        total = text_answer_total(start, end, service_point_ids, text_ids)
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
        in _page_rows(statement, serial=not filtered)
    ]
    return CommentsPage(items, total, page, per_page)


def _page_rows(statement, serial: bool) -> list:
    if not serial:
        return db.session.execute(statement).all()
    with _without_parallel_workers():
        return db.session.execute(statement).all()
