"""The unfiltered comment total is summed from the count tables: it must equal counting the stored comments."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from analytics.service import as_period, comments_page, resolve_scope
from extensions import db
from survey.demo import seed_demo
from survey.models import Answer, Question, Response


@pytest.fixture
def office(db, office):
    seed_demo(400, "Europe/Warsaw")
    return office


def raw_comment_count(period: str | None, department: str | None, service_point: str | None) -> int:
    statement = (
        sa.select(sa.func.count()).select_from(Answer).join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Question.kind == "text", Answer.value_text.is_not(None), Answer.value_text != "")
    )
    if period is not None:
        resolved = as_period(period)
        statement = statement.where(Response.submitted_at >= resolved.start, Response.submitted_at < resolved.end)
    ids = resolve_scope(department, service_point).service_point_ids
    if ids is not None:
        statement = statement.where(Response.service_point_id.in_(ids))
    return db.session.scalar(statement)


@pytest.mark.parametrize("period", ["2026-Q3", "2026-09", "2026", "2025-12-15..2026-02-10", None])
@pytest.mark.parametrize("scope", [(None, None), ("KM", None), ("KM", "KM-1")])
def test_comment_total_equals_the_stored_comments(office, period, scope):
    page = comments_page(period, *scope)
    assert page.total == raw_comment_count(period, *scope)
    assert page.total > 0 or period not in ("2026", None)
    # a search counts the raw comments itself: the same total when the search matches every comment
    if page.total:
        assert comments_page(period, *scope, ratings=[1, 2, 3, 4, 5]).total + unrated(period, scope) == page.total


def unrated(period: str | None, scope: tuple) -> int:
    """Comments whose response has no rating (excluded by a rating filter)."""
    everything = comments_page(period, *scope, per_page=200)
    pages = [everything] + [comments_page(period, *scope, page=n, per_page=200) for n in range(2, everything.pages + 1)]
    return sum(1 for page in pages for item in page.items if item["rating"] is None)
