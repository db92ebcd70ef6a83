"""Baselines for ``bench/submit.py``, served by the same gunicorn settings as Opinia.

- ``GET /hello``: a hello-world route (the cost of gunicorn + Flask routing alone);
- ``GET /s/<token>`` and ``POST /s/<token>``: the survey loop done the least expensive way that still does the
  same work: look the counter up, hand out a one-time submission id, and store the response and its answers
  in one transaction with raw SQL through the DB-API driver — no forms library, no CSRF, no ORM, no templates.

The database is Opinia's own (``DATABASE_URL``, same schema), and SQLite gets the same pragmas as Opinia
(``survey.sqlite.PRAGMAS``), so durability is the same: one fsync'ed commit per answer.
"""
from __future__ import annotations

import os
import secrets
import sqlite3
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, abort, redirect, request

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from survey.sqlite import PRAGMAS  # noqa: E402  (needs the project root on sys.path)

FORM_PAGE = (
    "<!doctype html><html lang=pl><title>Ankieta</title><form method=post>"
    '<input name="submission_id" type="hidden" value="{submission_id}">'
    "<input type=radio name=satisfaction value=4><button>Wyślij</button></form></html>"
)
CHOICE_CODES = {"lt5", "5to15", "15to30", "gt30"}

_local = threading.local()


class Database:
    """One DB-API connection per thread, with the placeholder style and timestamp format of its driver."""

    def __init__(self, url: str):
        self.url = url
        self.postgres = not url.startswith("sqlite")

    def connect(self):
        if self.postgres:
            import psycopg

            return psycopg.connect(_libpq_url(self.url))
        connection = sqlite3.connect(self.url.removeprefix("sqlite:///"), isolation_level=None, timeout=10)
        for pragma in PRAGMAS:
            connection.execute(pragma)
        return connection

    def connection(self):
        connection = getattr(_local, "connection", None)
        if connection is None:
            connection = _local.connection = self.connect()
        return connection

    def sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.postgres else statement

    def now(self):
        now = datetime.now(timezone.utc)
        return now if self.postgres else now.replace(tzinfo=None).isoformat(sep=" ")


def _libpq_url(url: str) -> str:
    for prefix in ("postgresql+psycopg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix):]
    return url


def find_counter(database: Database, token: str) -> tuple[int, int] | None:
    """(service point id, id of its survey's newest version) of an active counter."""
    cursor = database.connection().cursor()
    cursor.execute(
        database.sql(
            "SELECT sp.id, (SELECT max(v.id) FROM survey_versions v WHERE v.survey_id = sp.survey_id) "
            "FROM service_points sp WHERE sp.token = ? AND sp.active"
        ),
        (token,),
    )
    return cursor.fetchone()


def question_ids(database: Database, version_id: int) -> dict[str, tuple[int, str]]:
    cache = getattr(_local, "questions", None)
    if cache is None:
        cache = _local.questions = {}
    if version_id not in cache:
        cursor = database.connection().cursor()
        cursor.execute(database.sql("SELECT code, id, kind FROM questions WHERE version_id = ?"), (version_id,))
        cache[version_id] = {code: (qid, kind) for code, qid, kind in cursor.fetchall()}
    return cache[version_id]


def parse_answers(form, questions: dict[str, tuple[int, str]]) -> list[tuple[int, int | None, str | None]] | None:
    """(question id, value_int, value_text) per answer, or None when something is out of range."""
    parsed = []
    for code, (question_id, kind) in questions.items():
        value = form.get(code, "")
        if value == "":
            continue
        if kind in ("rating_5", "nps"):
            if not value.isdigit() or not (0 if kind == "nps" else 1) <= int(value) <= (10 if kind == "nps" else 5):
                return None
            parsed.append((question_id, int(value), None))
        elif kind == "yes_no":
            if value not in ("yes", "no"):
                return None
            parsed.append((question_id, 1 if value == "yes" else 0, None))
        elif kind == "single_choice":
            if value not in CHOICE_CODES:
                return None
            parsed.append((question_id, None, value))
        else:
            parsed.append((question_id, None, value[:1000]))
    return parsed


def store(database: Database, counter: tuple[int, int], submission_id: str, answers: list) -> None:
    """One transaction: the response row, then its answers; a repeated submission id stores nothing."""
    connection = database.connection()
    cursor = connection.cursor()
    if not database.postgres:
        cursor.execute("BEGIN IMMEDIATE")
    try:
        cursor.execute(
            database.sql(
                "INSERT INTO responses (service_point_id, survey_version_id, submitted_at, language, channel, "
                "submission_id) VALUES (?, ?, ?, 'pl', 'web', ?) RETURNING id"
            ),
            (counter[0], counter[1], database.now(), submission_id),
        )
        response_id = cursor.fetchone()[0]
        cursor.executemany(
            database.sql("INSERT INTO answers (response_id, question_id, value_int, value_text) VALUES (?, ?, ?, ?)"),
            [(response_id, *answer) for answer in answers],
        )
        connection.commit() if database.postgres else cursor.execute("COMMIT")
    except Exception as error:
        connection.rollback() if database.postgres else cursor.execute("ROLLBACK")
        if "unique" not in str(error).lower():
            raise


def create_baseline_app() -> Flask:
    app = Flask(__name__)
    database = Database(os.environ["DATABASE_URL"])

    @app.get("/hello")
    def hello():
        return "Hello, World!"

    @app.route("/s/<token>", methods=["GET", "POST"])
    def survey(token: str):
        counter = find_counter(database, token)
        if counter is None:
            abort(404)
        if request.method == "GET":
            return FORM_PAGE.format(submission_id=secrets.token_urlsafe(18))
        answers = parse_answers(request.form, question_ids(database, counter[1]))
        submission_id = request.form.get("submission_id", "")
        if answers is None or not answers or not 16 <= len(submission_id) <= 64:
            abort(400)
        store(database, counter, submission_id, answers)
        return redirect(f"/s/{token}/dziekujemy", code=303)

    return app
