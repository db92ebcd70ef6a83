"""What keeps a survey request cheap under gunicorn, checked as the server and residents meet it: rate-limit
counts that start no thread per request and still forget ended windows, the preloaded application frozen out
of the workers' garbage collections with the public templates compiled before the fork, and a session cookie
signed again only when the session changes."""
from __future__ import annotations

import gc
import runpy
import threading
import time
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from config import PROJECT_ROOT
from survey import limit_storage
from survey.limit_storage import InlineExpiryMemoryStorage, limit_storage_from_string
from survey.public import PUBLIC_TEMPLATES
from tests.reliability.helpers import answer, count

LIMITED = {"OPINIA_ANSWER_INTERVAL_MINUTES": 0, "RATELIMIT_ENABLED": True, "OPINIA_SUBMIT_RATE_LIMIT": "3 per minute"}


@pytest.fixture
def started_threads(monkeypatch):
    """The threads started while a test runs (``limits``' own memory storage starts a timer per hit)."""
    started = []
    original = threading.Thread.start

    def start(thread):
        started.append(thread)
        return original(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    return started


@pytest.mark.parametrize("app_config", [LIMITED])
def test_rate_limited_survey_counts_every_answer_without_starting_a_thread(client, db, counter, started_threads):
    results = [answer(client, counter).status_code for _ in range(4)]
    assert results == [303, 303, 303, 429]
    assert count(db) == 3
    assert started_threads == []


def test_memory_uri_gets_the_inline_storage_and_limits_own_class_stays_registered():
    from limits.storage import MemoryStorage, storage_from_string

    assert type(limit_storage_from_string("memory://")) is InlineExpiryMemoryStorage
    assert type(storage_from_string("memory://")) is MemoryStorage


def test_counts_of_ended_windows_are_counted_afresh_and_then_forgotten(monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    storage = InlineExpiryMemoryStorage("memory://")
    assert [storage.incr("busy", 60) for _ in range(3)] == [1, 2, 3]
    storage.incr("quiet", 60)
    clock[0] += 61  # both windows have ended, and a sweep is due
    assert storage.incr("busy", 60) == 1
    assert "quiet" not in storage.storage and "quiet" not in storage.expirations
    storage.incr("brief", 1)
    clock[0] += 2  # "brief" has ended, the next sweep is not due yet
    storage.incr("busy", 60)
    assert "brief" in storage.storage
    clock[0] += limit_storage.SWEEP_SECONDS
    assert storage.incr("busy", 60) == 3
    assert "brief" not in storage.storage


def test_gunicorn_master_compiles_public_templates_and_freezes_the_preloaded_app(app):
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert settings["preload_app"] is True
    app.jinja_env.cache.clear()
    server = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app))
    try:
        settings["when_ready"](server)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    compiled = {template.name for template in app.jinja_env.cache.values()}
    assert set(PUBLIC_TEMPLATES) <= compiled


def _session_cookie_set(response) -> bool:
    return any(value.startswith("session=") for value in response.headers.getlist("Set-Cookie"))


def test_posting_in_the_session_language_leaves_the_session_cookie_alone(client, db, counter):
    from tests.conftest import csrf_token_from, hidden_value
    from tests.reliability.helpers import VALID_ANSWERS

    page = client.get(f"/s/{counter.token}?lang=en")
    assert _session_cookie_set(page)
    html = page.get_data(as_text=True)
    assert '<html lang="en"' in html
    hidden = {"csrf_token": csrf_token_from(html), "submission_id": hidden_value(html, "submission_id"), "lang": "en"}
    posted = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS})
    assert posted.status_code == 303 and "lang=en" in posted.headers["Location"]
    assert not _session_cookie_set(posted)
    assert count(db) == 1
    switched = client.get(f"/s/{counter.token}/dziekujemy?lang=pl")
    assert _session_cookie_set(switched) and '<html lang="pl"' in switched.get_data(as_text=True)


def test_session_serializer_follows_a_rotated_secret_key(app, client, counter):
    """The serializer is built once per set of keys, so a rotated key (with the old one as a fallback) still
    reads the resident's session, and a key without that fallback does not."""
    assert _session_cookie_set(client.get(f"/s/{counter.token}?lang=en"))
    old_key = app.secret_key
    app.secret_key = app.config["SECRET_KEY"] = "rotated-" + old_key
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert '<html lang="en"' in client.get(f"/s/{counter.token}").get_data(as_text=True)
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert '<html lang="pl"' in client.get(f"/s/{counter.token}").get_data(as_text=True)


def test_an_answer_is_stored_in_one_statement_per_table(client, db, counter):
    """The response, then all its answers in one INSERT (not one per question), each under its question."""
    from sqlalchemy import event

    from survey.models import Answer, Question
    from tests.reliability.helpers import VALID_ANSWERS, open_form

    hidden = open_form(client, counter)
    inserts = []

    def count_inserts(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement.split("(")[0].split()[-1])

    event.listen(db.engine, "before_cursor_execute", count_inserts)
    try:
        assert client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS}).status_code == 303
    finally:
        event.remove(db.engine, "before_cursor_execute", count_inserts)
    assert inserts.count("responses") == 1 and inserts.count("answers") == 1
    stored = {code: (value_int, value_text) for code, value_int, value_text in db.session.execute(
        sa.select(Question.code, Answer.value_int, Answer.value_text).join(Answer, Answer.question_id == Question.id))}
    assert stored["satisfaction"] == (4, None) and stored["recommend"] == (9, None) and stored["settled"] == (1, None)
    assert stored["comment"] == (None, "Dobrze.")
