"""The comments list's SQL: one page of comments (newest first) with their ratings, filtered by text and rating.

The other statements of the analytics package are in ``analytics/queries.py`` (counts, catalogue, objectives).
"""
from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from analytics.count_queries import hourly_counts_cover, text_answer_total
from extensions import db
from survey.models import Answer, Department, Question, Response, ServicePoint

COMMENTS_PER_PAGE = 20
MAX_COMMENTS_PER_PAGE = 200


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
