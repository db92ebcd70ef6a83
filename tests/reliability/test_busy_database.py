"""A database locked by a long write (SQLite has one writer) makes a page that must write wait, then answer
503 "try again" in the page's language: never a 500, and the next request after the lock works."""
from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import login
from tests.dashboard.conftest import add_ratings

PAGE = "/dashboard/department/KM?period=2026-Q3"


@pytest.fixture
def app_config() -> dict:
    return {"OPINIA_DASHBOARD_MAX_AGE_SECONDS": 0}


@pytest.fixture
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("only SQLite has a single writer that can lock the whole database")


def test_a_dashboard_waiting_on_a_locked_database_answers_503_and_works_after(sqlite_only, app, client, users, office, db):
    login(client, users["head_km"])
    add_ratings(office["KM-1"], [1, 2], comment="Długa kolejka")  # new comments: the page must catch up on them
    db.session.remove()
    writer = sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # as a long import holds it
        busy = client.get(PAGE)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "5"
    assert "Baza danych jest chwilowo zajęta" in busy.get_data(as_text=True)
    after = client.get(PAGE)
    assert after.status_code == 200
    assert "Długa kolejka" in after.get_data(as_text=True)
