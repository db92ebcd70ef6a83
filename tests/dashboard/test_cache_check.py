"""The cache's question "did an answer arrive within this window since it was built?" reads only the new rows."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from dashboard.cache import new_response_in_window

QUARTER = (datetime(2026, 6, 30, 22, tzinfo=timezone.utc), datetime(2026, 9, 30, 22, tzinfo=timezone.utc))


def _plan(db, statement) -> str:
    sql = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    return " ".join(str(row[-1]) for row in db.session.execute(sa.text(prefix + str(sql))))


def test_the_check_reads_new_rows_by_primary_key(db):
    plan = _plan(db, new_response_in_window(999_000, 1_000_000, QUARTER))
    if db.engine.dialect.name == "sqlite":
        assert "PRIMARY KEY" in plan and "submitted_at" not in plan, plan
    else:
        assert "submitted_at" not in plan.split("Filter")[0], plan


@pytest.mark.parametrize("moment, found", [("2026-08-15 10:00", True), ("2026-10-01 10:00", False)])
def test_the_check_finds_an_answer_in_the_window_only(db, counter, moment, found):
    from survey.models import Response

    before = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Response.id), 0)))
    response = Response(service_point_id=counter.id, survey_version_id=counter.survey.current_version.id,
                        channel="web", submitted_at=datetime.fromisoformat(moment).replace(tzinfo=timezone.utc))
    db.session.add(response)
    db.session.commit()
    hit = db.session.scalar(new_response_in_window(before, response.id, QUARTER))
    assert (hit == response.id) is found
