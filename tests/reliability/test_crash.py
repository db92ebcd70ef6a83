"""No lost answers: gunicorn killed with SIGKILL under load keeps every answer it had thanked the resident for.

The app commits (SQLite WAL with synchronous=FULL; PostgreSQL's default synchronous_commit=on) before it
sends the thank-you redirect, so a killed server may lose the answers it had not yet acknowledged, never
one it had. Killing processes cannot show power-loss durability (the kernel's page cache survives a
SIGKILL); that rests on the fsync settings checked in test_security.py.
"""
from __future__ import annotations

import re
import threading
import time

import pytest
import sqlalchemy as sa

from bench.submit import OPINIA_APP, drive_load, kill_server, start_server, stop_server
from survey.models import Response
from survey.submission_ids import nonce_of
from tests.reliability.helpers import count, incomplete_responses

pytestmark = pytest.mark.slow


def _start(url: str, tokens: list[str], log_path) -> object:
    return start_server(
        OPINIA_APP,
        url,
        ready_path=f"/s/{tokens[0]}",
        extra_env={"OPINIA_ACCESS_LOG": "-"},
        gunicorn_args=["--workers", "3"],
        log_path=str(log_path),
    )


def test_every_thanked_answer_survives_sigkill_of_the_whole_server(app, db, office, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    tokens = [counter.token for counter in office.values()]
    db.session.remove()
    log_path = tmp_path / "gunicorn.log"
    server = _start(url, tokens, log_path)
    results, stop = [], threading.Event()
    load = threading.Thread(target=lambda: results.append(
        drive_load("submit", server.base_url, tokens, clients=16, seconds=60, warmup=0, stop=stop)))
    load.start()
    try:
        # Each of the 16 clients may have one answer stored but not yet acknowledged when the server dies,
        # so 36 stored answers guarantee at least 20 thanked ones.
        _wait_for_answers(db, minimum=36, timeout=45)
    finally:
        kill_server(server)  # SIGKILL to the master and every worker, mid-load
        time.sleep(0.5)  # clients keep posting into the dead server for a moment
        stop.set()
    load.join()
    (result,) = results
    assert result.errors > 0, "the server was killed while clients were still posting"
    assert result.accepted >= 20

    restarted = _start(url, tokens, log_path)
    try:
        stored = set(db.session.scalars(sa.select(Response.submission_id)))
        missing = {nonce_of(signed_id) for signed_id in result.accepted_ids} - stored
        assert not missing, f"{len(missing)} thanked answers lost"
        assert incomplete_responses(db) == 0
        after_restart = drive_load("submit", restarted.base_url, tokens, clients=2, seconds=1, warmup=0)
        assert after_restart.accepted > 0 and after_restart.refused == after_restart.errors == 0
    finally:
        stop_server(restarted)
    assert count(db) == len(stored) + after_restart.accepted
    _assert_access_log_keeps_no_client_address(log_path.read_text())


def _wait_for_answers(db, minimum: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while count(db) < minimum:
        assert time.monotonic() < deadline, "no answers were stored under load"
        time.sleep(0.2)
        db.session.remove()


def _assert_access_log_keeps_no_client_address(log: str) -> None:
    access_lines = [line for line in log.splitlines() if '"POST /s/' in line or '"GET /s/' in line]
    assert access_lines, "the access log was written"
    assert not [line for line in access_lines if re.search(r"\b127\.0\.0\.1\b", line)]
