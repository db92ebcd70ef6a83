"""The part of ``analytics`` that talks to the database (with ``count_queries.py``, the count statements, and
``comment_queries.py``, the comments list).

Everything heavy is a single ``GROUP BY`` in the database returning a few hundred rows (counts per time
bucket × counter × question × value); no ORM object is loaded per response. It reads the day and hour
count tables kept by triggers (``analytics/rollup.py``) — thousands of rows per quarter instead of millions;
a CSAT trend by month reads the control charts' pieces (``chart_counts``) — and falls back to the raw answers
when a period does not start on a whole UTC hour.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

import pandas as pd
import sqlalchemy as sa

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
)
from analytics.chart_pieces import are_pieces
from analytics.rollup import SUCCESS_VALUES
from extensions import db
from per_request import once_per_request
from survey.models import (
    ChartBoundaryZone,
    Department,
    QualityObjective,
    Question,
    Response,
    ServicePoint,
    SurveyVersion,
)


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
    return all(kind in SUCCESS_VALUES for _code, kind in question_ids.values()) and pieces_hold(boundaries)


def pieces_hold(boundaries: Sequence[datetime], tz_name: str | None = None) -> bool:
    """Whether every one of ``boundaries`` is a boundary of the stored pieces (``chart_counts``,
    ``comment_piece_counts``), cut in the office's zone (``tz_name``, default ``OPINIA_TIMEZONE``)."""
    from flask import current_app

    return are_pieces(list(boundaries), tz_name or current_app.config["OPINIA_TIMEZONE"], chart_zone())


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
