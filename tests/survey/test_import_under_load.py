"""A large paper import never blocks residents: gunicorn as the README starts it (``gunicorn.conf.py`` and its
defaults), residents answering the whole time, ``flask import-responses`` of a 100,000-line file in another
process. Every answer gets its thank-you page within seconds and is stored; the import is complete.

(Before, the import held SQLite's write lock for its whole single transaction; residents' answers waited for
the 10 s busy timeout and got a 500.) ``bench/import_during_survey.py`` prints the figures for 200,000 lines.
"""
from __future__ import annotations

import threading

import pytest

from bench.import_during_survey import run_import, write_paper_csv
from bench.submit import OPINIA_APP, drive_load, start_server, stop_server
from tests.reliability.helpers import count

pytestmark = pytest.mark.slow
LINES = 100_000


def test_residents_answer_normally_during_a_100000_line_import(app, db, office, tmp_path, backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database: only SQLite's single writer could block answers")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    tokens = [counter.token for counter in office.values()]
    paper = tmp_path / "paper.csv"
    responses = write_paper_csv(paper, LINES)
    db.session.remove()
    server = start_server(OPINIA_APP, url, ready_path=f"/s/{tokens[0]}")
    try:
        stop, during = threading.Event(), []
        load = threading.Thread(target=lambda: during.append(
            drive_load("submit", server.base_url, tokens, clients=2, seconds=3600, warmup=0, stop=stop)))
        load.start()
        try:
            _elapsed, _peak_mb, output = run_import(paper, url)
        finally:
            stop.set()
            load.join()
    finally:
        stop_server(server)
    (residents,) = during
    assert f"Imported {responses} paper responses" in output, output
    assert residents.accepted > 10, "residents kept answering during the import"
    assert residents.refused == residents.errors == 0, "an answer failed during the import"
    assert max(residents.post_latencies) < 5, f"an answer waited {max(residents.post_latencies):.1f} s"
    assert count(db) == responses + residents.accepted
