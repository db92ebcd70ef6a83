"""Writing validated paper responses: short transactions, so a large import never blocks residents' answers.

SQLite lets one connection write at a time; a 200,000-line file written in one transaction held that lock for
half a minute and residents' answers timed out. The responses are therefore written in batches of
``BATCH_RESPONSES``, each its own quick transaction, with a pause after each on SQLite so a waiting answer gets
the lock: SQLite's busy handler retries a waiting write only every 100 ms once it has waited a while, so a
shorter pause would let the importer take the lock again before the resident's answer looks. The import stays all or nothing: if a batch fails, the batches already written are
deleted again before the error is reported. (Only a crash of the importing process itself can leave part of
a file stored; importing the same file again then adds exactly the missing responses, by ``external_id``.)
"""
from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from comments.matches import with_answer_ids
from comments.models import CommentMatch
from extensions import db
from survey.models import Answer, AuditLog, Response

EXTERNAL_ID_PREFIX = "paper:"
BATCH_RESPONSES = 250
SQLITE_PAUSE_SECONDS = 0.11
DELETE_CHUNK = 500


@dataclass(frozen=True, slots=True)
class PaperRows:
    response: dict
    answers: list[dict]
    matches: list[dict | None]  # per answer, its comment's themes to remember (``comments.matches``) or None


class ImportWriteError(RuntimeError):
    """The database refused a batch; every response written by this import was removed again."""


def _batches(rows: Sequence[PaperRows], size: int) -> Iterator[Sequence[PaperRows]]:
    for offset in range(0, len(rows), size):
        yield rows[offset:offset + size]


def _insert_batch(batch: Sequence[PaperRows]) -> list[int]:
    """Insert one batch (responses, then their answers) in the current transaction; return the response ids."""
    connection = db.session.connection()
    inserted = connection.execute(
        sa.insert(Response.__table__).returning(Response.__table__.c.id, sort_by_parameter_order=True),
        [rows.response for rows in batch],
    ).scalars().all()
    answers = [
        {**answer, "response_id": response_id}
        for response_id, rows in zip(inserted, batch)
        for answer in rows.answers
    ]
    if answers:
        answer_ids = connection.execute(
            sa.insert(Answer.__table__).returning(Answer.__table__.c.id, sort_by_parameter_order=True), answers
        ).scalars().all()
        if matched := with_answer_ids([match for rows in batch for match in rows.matches], answer_ids):
            connection.execute(sa.insert(CommentMatch.__table__), matched)
    return list(inserted)


def _let_waiting_writers_in() -> None:
    if db.engine.dialect.name == "sqlite":
        time.sleep(SQLITE_PAUSE_SECONDS)


def _remove(response_ids: list[int]) -> None:
    """Undo the batches already committed (answers first: the count triggers see every deleted row)."""
    for offset in range(0, len(response_ids), DELETE_CHUNK):
        chunk = response_ids[offset:offset + DELETE_CHUNK]
        db.session.execute(sa.delete(Answer.__table__).where(Answer.__table__.c.response_id.in_(chunk)))
        db.session.execute(sa.delete(Response.__table__).where(Response.__table__.c.id.in_(chunk)))
        db.session.commit()


def store_paper_responses(rows: Sequence[PaperRows], audit: dict) -> int:
    """Write the responses in short transactions plus one audit entry; return how many answers were stored.

    On a database error nothing of this import remains and ``ImportWriteError`` says why.
    """
    written: list[int] = []
    try:
        for batch in _batches(rows, BATCH_RESPONSES):
            written.extend(_insert_batch(batch))
            db.session.commit()
            _let_waiting_writers_in()
        db.session.add(AuditLog(action="import-responses", entity="response", details=audit))
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        _remove(written)
        reason = type(getattr(exc, "orig", None) or exc).__name__
        raise ImportWriteError(f"the database refused the import ({reason}); nothing was stored") from exc
    return sum(len(r.answers) for r in rows)
