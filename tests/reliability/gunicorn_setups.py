"""The two ways Opinia is served with ``gunicorn.conf.py``, started for tests on a loopback port:

- ``readme``: the README's production command — Redis as the limiter storage, the default number of sync
  workers (2 × cores + 1). ``SESSION_COOKIE_SECURE`` and ``OPINIA_PROXY_COUNT`` are left out: the test talks
  plain HTTP to gunicorn directly, with no proxy in front;
- ``embedded``: ``gunicorn.conf.py``'s defaults with no ``RATELIMIT_STORAGE_URI`` (per-process memory).

Each server gets a fresh SQLite database (migrated, the demo office and survey) and its own Redis key prefix.
"""
from __future__ import annotations

import os
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import requests

from bench.submit import BENCH_ENV, prepare_database, start_server, stop_server

SETUPS = ("readme", "embedded")
REDIS_URL = "redis://127.0.0.1:6379/0"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SUBMISSION_RE = re.compile(r'name="submission_id" type="hidden" value="([^"]+)"')
ANSWER = {"satisfaction": "4", "recommend": "9", "settled": "yes", "waiting_time": "5to15", "comment": "Dobrze."}


@dataclass
class Served:
    base_url: str
    database_url: str
    tokens: list[str]
    setup: str

    def url(self, path: str) -> str:
        return self.base_url + path


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.ConnectionError:
        return False


def clear_redis_prefix(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


@contextmanager
def served(setup: str, settings: dict[str, str], monkeypatch, prepare=None):
    """gunicorn serving the app in ``setup`` with ``settings`` (environment variables); yields ``Served``."""
    for name in ("RATELIMIT_STORAGE_URI", "OPINIA_WORKERS", "OPINIA_THREADS", "OPINIA_WORKER_CLASS", "RATELIMIT_KEY_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    prefix = f"opinia-test-{uuid.uuid4().hex[:12]}"
    env = {**settings, "RATELIMIT_ENABLED": "true", "RATELIMIT_KEY_PREFIX": prefix}
    if setup == "readme":
        if not redis_available():
            pytest.skip("no Redis at 127.0.0.1:6379")
        env["RATELIMIT_STORAGE_URI"] = REDIS_URL
    database = prepare_database_keeping_loggers()
    try:
        if prepare is not None:
            prepare(database.url)
        server = start_server("app:create_app()", database.url, ready_path="/deklaracja-dostepnosci", extra_env=env,
                              log_path=os.environ.get("OPINIA_TEST_GUNICORN_LOG"))
        try:
            yield Served(server.base_url, database.url, database.tokens, setup)
        finally:
            stop_server(server)
    finally:
        database.cleanup()
        if setup == "readme":
            clear_redis_prefix(prefix)


def prepare_database_keeping_loggers():
    """``bench.submit.prepare_database`` runs Alembic in this process, whose logging set-up disables every
    logger that exists; other tests on this pytest worker read some of them (caplog), so they are restored."""
    import logging

    loggers = [logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    enabled = [logger for logger in loggers if not logger.disabled]
    try:
        return prepare_database("sqlite")
    finally:
        for logger in enabled:
            logger.disabled = False


def default_limits() -> dict[str, str]:
    """The rate limits of config.py, not the benchmark's (which sets them far above any load)."""
    return {name: value for name, value in BENCH_ENV.items() if name in ("SECRET_KEY", "OPINIA_ACCESS_LOG")} | {
        "OPINIA_SUBMIT_RATE_LIMIT": "30 per minute;300 per hour",
        "OPINIA_PAGE_RATE_LIMIT": "120 per minute;2000 per hour",
    }


def load_form(session: requests.Session, served_app: Served, token: str) -> dict[str, str] | None:
    """Open the survey the way a script does; the hidden fields, or None when the page was refused."""
    page = session.get(served_app.url(f"/s/{token}"), timeout=30)
    if page.status_code != 200:
        return None
    return {"csrf_token": CSRF_RE.search(page.text).group(1), "submission_id": SUBMISSION_RE.search(page.text).group(1)}


def worker_processes(setup: str) -> int:
    return 1 if setup == "embedded" else (os.cpu_count() or 1) * 2 + 1
