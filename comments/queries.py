"""The SQL of the comments capability: comments of a scope and period, their tags, the codebook, retention."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from comments.models import CommentTag, RedactionCount, Theme
from comments.redaction import redaction_rows
from extensions import db
from survey.models import Answer, Question, Response

COMMENT_COLUMNS = ["answer_id", "text", "rating", "submitted_at", "service_point_id"]
BATCH = 1000


def _text_question_ids():
    return sa.select(Question.id).where(Question.kind == "text")


def _comment_conditions(start: datetime, end: datetime, service_point_ids: Sequence[int] | None) -> list:
    conditions = [Answer.question_id.in_(_text_question_ids()), Answer.value_text.is_not(None), Answer.value_text != "",
                  Response.submitted_at >= start, Response.submitted_at < end]
    if service_point_ids is not None:
        conditions.append(Response.service_point_id.in_(list(service_point_ids)))
    return conditions


def comment_frame(start: datetime, end: datetime, service_point_ids: Sequence[int] | None) -> pd.DataFrame:
    """Every comment of the period and scope: ``answer_id, text, rating, submitted_at, service_point_id``.

    Two range scans — the comments, and the ratings of the same responses grouped by response — joined in
    pandas; Core rows (no ORM), timestamps parsed in one vectorised step (per-row conversion dominated at
    10^4 comments).
    """
    statement = (
        sa.select(Answer.id, Answer.response_id, Answer.value_text,
                  sa.type_coerce(Response.submitted_at, sa.String), Response.service_point_id)
        .join(Response, Response.id == Answer.response_id)
        .where(*_comment_conditions(start, end, service_point_ids))
    )
    frame = pd.DataFrame(db.session.connection().execute(statement).all(),
                         columns=["answer_id", "response_id", "text", "submitted_at", "service_point_id"])
    ratings = _ratings_in(start, end, service_point_ids)
    frame["rating"] = frame["response_id"].map(ratings).astype("float64")
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True, format="ISO8601")
    return frame[COMMENT_COLUMNS]


def _ratings_in(start: datetime, end: datetime, service_point_ids: Sequence[int] | None) -> dict[int, int]:
    """The first ``rating_5`` answer (the lowest, as the comments list shows) of each response in the range."""
    conditions = [Answer.question_id.in_(sa.select(Question.id).where(Question.kind == "rating_5")),
                  Response.submitted_at >= start, Response.submitted_at < end]
    if service_point_ids is not None:
        conditions.append(Response.service_point_id.in_(list(service_point_ids)))
    statement = (sa.select(Answer.response_id, sa.func.min(Answer.value_int))
                 .join(Response, Response.id == Answer.response_id).where(*conditions).group_by(Answer.response_id))
    return dict(db.session.connection().execute(statement).all())


def tags_in(start: datetime, end: datetime, service_point_ids: Sequence[int] | None) -> pd.DataFrame:
    """Manual tags of the comments of a period and scope: ``answer_id, theme_code, added``."""
    statement = (
        sa.select(CommentTag.answer_id, CommentTag.theme_code, CommentTag.added)
        .join(Answer, Answer.id == CommentTag.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.submitted_at >= start, Response.submitted_at < end,
               sa.true() if service_point_ids is None else Response.service_point_id.in_(list(service_point_ids)))
    )
    return pd.DataFrame(db.session.execute(statement).all(), columns=["answer_id", "theme_code", "added"])


def tags_of(answer_id: int) -> list[CommentTag]:
    return list(db.session.scalars(sa.select(CommentTag).where(CommentTag.answer_id == answer_id)))


def comment_answer(answer_id: int) -> tuple[Answer, Response] | None:
    """A comment (a text answer) and its response, or None when ``answer_id`` is no comment."""
    row = db.session.execute(
        sa.select(Answer, Response).join(Response, Response.id == Answer.response_id)
        .where(Answer.id == answer_id, Answer.question_id.in_(_text_question_ids()))
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def codebook_rows(active_only: bool = False) -> list[Theme]:
    statement = sa.select(Theme).order_by(Theme.position, Theme.id)
    if active_only:
        statement = statement.where(Theme.active.is_(True))
    return list(db.session.scalars(statement))


def codebook_fingerprint() -> tuple:
    """What a compiled codebook depends on; read on every use, it is a dozen small rows."""
    return tuple(db.session.execute(
        sa.select(Theme.code, Theme.name_pl, Theme.name_en, Theme.words, Theme.active, Theme.position)
        .order_by(Theme.position, Theme.id)).all())


def theme_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Theme)) or 0


def comments_older_than(cutoff: datetime, keep: set[int]) -> list[int]:
    """Answer ids of comments submitted before ``cutoff`` whose text is still stored, except ``keep``."""
    statement = (
        sa.select(Answer.id)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.question_id.in_(_text_question_ids()), Answer.value_text.is_not(None),
               Response.submitted_at < cutoff)
    )
    return [answer_id for answer_id in db.session.scalars(statement) if answer_id not in keep]


def empty_texts(answer_ids: Sequence[int]) -> None:
    for start in range(0, len(answer_ids), BATCH):
        db.session.execute(sa.update(Answer).where(Answer.id.in_(answer_ids[start:start + BATCH])).values(value_text=None))


def stored_comments() -> Iterator[tuple[int, str, int]]:
    """``(answer_id, text, service_point_id)`` of every stored comment, read in batches by id."""
    last = 0
    while True:
        rows = db.session.execute(
            sa.select(Answer.id, Answer.value_text, Response.service_point_id)
            .join(Response, Response.id == Answer.response_id)
            .where(Answer.id > last, Answer.question_id.in_(_text_question_ids()), Answer.value_text.is_not(None))
            .order_by(Answer.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def replace_text(answer_id: int, text: str) -> None:
    db.session.execute(sa.update(Answer).where(Answer.id == answer_id).values(value_text=text))


def redaction_totals() -> dict[str, int]:
    statement = sa.select(RedactionCount.kind, sa.func.sum(RedactionCount.n)).group_by(RedactionCount.kind)
    return {kind: int(n) for kind, n in db.session.execute(statement)}


def record_redactions(removed: Counter, service_point_id: int | None, source: str) -> None:
    """Counts of what was removed from comments (never the values)."""
    if removed:
        db.session.execute(sa.insert(RedactionCount), redaction_rows(removed, service_point_id, source))
