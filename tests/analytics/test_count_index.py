"""The day counts' index by question and counter (PostgreSQL): a department's 12-month trend reads its own
rows through it instead of walking every day of the year by the primary key."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from analytics.count_queries import hourly_answer_counts_statement

INDEX = "ix_answer_day_counts_question"


def _indexes(db) -> dict[str, list[str]]:
    return {index["name"]: index["column_names"] for index in sa.inspect(db.engine).get_indexes("answer_day_counts")}


def test_postgresql_has_the_index_and_sqlite_none(db):
    expected = {INDEX: ["question_id", "service_point_id", "day"]} if db.engine.dialect.name == "postgresql" else {}
    assert _indexes(db) == expected


def test_a_departments_twelve_months_are_read_through_the_index(db, office):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the index is PostgreSQL's")
    first = datetime(2025, 9, 30, 22, tzinfo=timezone.utc)
    months = [first + timedelta(days=31 * i) for i in range(13)]
    statement = hourly_answer_counts_statement(months, [office["KM-1"].id, office["KM-2"].id], [1])
    sql = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # a test's few rows would be read whole
    plan = " ".join(str(row[0]) for row in db.session.execute(sa.text(f"EXPLAIN {sql}")))
    db.session.rollback()
    assert f"using {INDEX} on answer_day_counts" in plan, plan
