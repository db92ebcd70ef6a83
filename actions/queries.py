"""All SQL of the actions package: lists of actions, answer counts in effect windows, linked comments."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import orm as so

from actions.models import NOT_STARTED, OPEN_STATUSES, ImprovementAction, action_answers
from analytics import queries as analytics_queries
from extensions import db
from signals.models import ChartRebase
from survey.models import Answer, Department, Question, Response, ServicePoint

INDICATOR_KINDS = {"csat": "rating_5", "yes_share": "yes_no"}


def _loaded():
    return sa.select(ImprovementAction).options(
        so.joinedload(ImprovementAction.department),
        so.joinedload(ImprovementAction.service_point).joinedload(ServicePoint.department),
        so.joinedload(ImprovementAction.owner),
    )


def _in_departments(department_ids: Iterable[int]):
    ids = list(department_ids)
    counter_ids = sa.select(ServicePoint.id).where(ServicePoint.department_id.in_(ids))
    return sa.or_(ImprovementAction.department_id.in_(ids), ImprovementAction.service_point_id.in_(counter_ids))


def list_actions(department_ids: Iterable[int] | None = None, statuses: Sequence[str] = (),
                 office_only: bool = False) -> list[ImprovementAction]:
    """Actions of some departments (None: all), optionally of some statuses; the caller orders them."""
    statement = _loaded()
    if office_only:
        statement = statement.where(ImprovementAction.scope == "office")
    elif department_ids is not None:
        statement = statement.where(_in_departments(department_ids))
    if statuses:
        statement = statement.where(ImprovementAction.status.in_(list(statuses)))
    return list(db.session.scalars(statement.order_by(ImprovementAction.due_date, ImprovementAction.id)).unique())


def department_id(code: str) -> int | None:
    return db.session.scalar(sa.select(Department.id).where(Department.code == code))


def get_action(action_id: int) -> ImprovementAction | None:
    return db.session.scalar(_loaded().where(ImprovementAction.id == action_id))


def actions_with_effective_date() -> list[ImprovementAction]:
    statement = _loaded().where(ImprovementAction.effective_date.is_not(None))
    return list(db.session.scalars(statement.order_by(ImprovementAction.effective_date)).unique())


def published_actions() -> list[ImprovementAction]:
    statement = _loaded().where(ImprovementAction.publish.is_(True), ImprovementAction.effective_date.is_not(None))
    return list(db.session.scalars(statement.order_by(ImprovementAction.effective_date.desc())).unique())


def actions_touching(first_day: date, last_day: date, start: datetime, end: datetime) -> list[ImprovementAction]:
    """Actions of a period (local days ``first_day``..``last_day``, UTC ``[start, end)``): created, due or taking
    effect in it."""
    statement = _loaded().where(sa.or_(
        ImprovementAction.due_date.between(first_day, last_day),
        ImprovementAction.effective_date.between(first_day, last_day),
        sa.and_(ImprovementAction.created_at >= start, ImprovementAction.created_at < end),
    ))
    return list(db.session.scalars(statement.order_by(ImprovementAction.due_date)).unique())


def open_actions_due_before(day: date) -> list[ImprovementAction]:
    """Still open actions whose due date lies before ``day`` (open from earlier reviews)."""
    statement = _loaded().where(ImprovementAction.status.in_(OPEN_STATUSES), ImprovementAction.due_date < day)
    return list(db.session.scalars(statement.order_by(ImprovementAction.due_date)).unique())


def actions_to_remind(until: date) -> list[ImprovementAction]:
    """Not yet implemented actions due by ``until`` whose current due date has not been reminded of."""
    statement = _loaded().where(
        ImprovementAction.status.in_(NOT_STARTED),
        ImprovementAction.due_date <= until,
        sa.or_(ImprovementAction.reminded_for.is_(None), ImprovementAction.reminded_for != ImprovementAction.due_date),
    )
    return list(db.session.scalars(statement.order_by(ImprovementAction.due_date)).unique())


def effective_actions_between(start: date, end: date) -> list[tuple[int, str, int | None, int | None]]:
    """``(id, scope, department_id, service_point_id)`` of actions taking effect in ``[start, end)``."""
    statement = sa.select(ImprovementAction.id, ImprovementAction.scope, ImprovementAction.department_id,
                          ImprovementAction.service_point_id).where(
        ImprovementAction.effective_date >= start, ImprovementAction.effective_date < end)
    return [tuple(row) for row in db.session.execute(statement)]


def answer_ids_of_open_actions() -> set[int]:
    statement = (sa.select(action_answers.c.answer_id)
                 .join(ImprovementAction, ImprovementAction.id == action_answers.c.action_id)
                 .where(ImprovementAction.status.in_(OPEN_STATUSES)))
    return set(db.session.scalars(statement))


def comments_by_ids(answer_ids: Iterable[int]) -> list[Answer]:
    """Free-text answers with these ids (anything else is ignored)."""
    ids = list(answer_ids)
    if not ids:
        return []
    statement = (sa.select(Answer).join(Question, Question.id == Answer.question_id)
                 .where(Answer.id.in_(ids), Question.kind == "text", Answer.value_text.is_not(None)))
    return list(db.session.scalars(statement))


def comment_options(service_point_ids: Sequence[int] | None, limit: int = 50) -> list[tuple[int, str, datetime, str]]:
    """The newest comments in a scope to choose from: ``(answer id, text, submitted at, counter code)``."""
    statement = (sa.select(Answer.id, Answer.value_text, Response.submitted_at, ServicePoint.code)
                 .join(Question, Question.id == Answer.question_id)
                 .join(Response, Response.id == Answer.response_id)
                 .join(ServicePoint, ServicePoint.id == Response.service_point_id)
                 .where(Question.kind == "text", Answer.value_text.is_not(None), Answer.value_text != ""))
    if service_point_ids is not None:
        statement = statement.where(Response.service_point_id.in_(list(service_point_ids)))
    return [tuple(row) for row in db.session.execute(statement.order_by(Response.id.desc()).limit(limit))]


def fingerprint() -> tuple:
    """Changes whenever any action is added or changed (part of the dashboards' set-up fingerprint)."""
    return tuple(db.session.execute(
        sa.select(sa.func.count(ImprovementAction.id), sa.func.max(ImprovementAction.updated_at))).one())


def question_code_for(indicator: str, question_code: str | None) -> str | None:
    """The question a share is read from: the given code, else the first question of the indicator's kind."""
    if question_code:
        return question_code
    questions, _ids = analytics_queries.question_catalog()
    return next((q["code"] for q in questions if q["kind"] == INDICATOR_KINDS[indicator]), None)


def rebase_exists(scope_kind: str, scope_code: str | None, question_code: str | None, starts_on: date) -> bool:
    statement = sa.select(ChartRebase.id).where(
        ChartRebase.scope_kind == scope_kind, ChartRebase.starts_on == starts_on,
        sa.func.coalesce(ChartRebase.scope_code, "") == (scope_code or ""),
        sa.func.coalesce(ChartRebase.question_code, "") == (question_code or ""))
    return db.session.scalar(statement.limit(1)) is not None


def share_counts(boundaries: Sequence[datetime], indicator: str, question_code: str | None) -> pd.DataFrame:
    """``bucket, service_point_id, successes, n`` of one share indicator between the boundaries, per counter."""
    _questions, question_ids = analytics_queries.question_catalog()
    kind = INDICATOR_KINDS[indicator]
    code = question_code_for(indicator, question_code)
    chosen = {qid: value for qid, value in question_ids.items() if value == (code, kind)}
    columns = ["bucket", "service_point_id", "successes", "n"]
    if not chosen:
        return pd.DataFrame(columns=columns)
    counts = analytics_queries.answer_counts(list(boundaries), None, chosen)
    counts = counts[counts["value"].notna()]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    success = counts["value"].astype(int) >= 4 if kind == "rating_5" else counts["value"].astype(int) == 1
    counts = counts.assign(successes=counts["count"].where(success, 0), n=counts["count"])
    return counts.groupby(["bucket", "service_point_id"], as_index=False)[["successes", "n"]].sum()
