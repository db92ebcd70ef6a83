"""The SQL of the comments capability: comments of a scope and period, their tags, the codebook, retention."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from comments.models import CommentFact, CommentMatch, CommentPieceCount, CommentTag, RedactionCount, Theme
from comments.redaction import redaction_rows
from extensions import db
from survey.models import Answer, Question, Response

COMMENT_COLUMNS = ["answer_id", "text", "rating", "submitted_at", "service_point_id"]
THEMED_COLUMNS = ["answer_id", "rating", "submitted_at", "service_point_id"]
BATCH = 1000


def _text_question_ids():
    return sa.select(Question.id).where(Question.kind == "text")


def _comment_conditions(start: datetime, end: datetime, service_point_ids: Sequence[int] | None) -> list:
    conditions = [Answer.question_id.in_(_text_question_ids()), Answer.value_text.is_not(None), Answer.value_text != "",
                  Response.submitted_at >= start, Response.submitted_at < end]
    if service_point_ids is not None:
        conditions.append(Response.service_point_id.in_(list(service_point_ids)))
    return conditions


def _comments_statement(start: datetime, end: datetime, service_point_ids: Sequence[int] | None, *columns):
    """The comments of the period and scope, each with its response's lowest ``rating_5`` answer (as the comments
    list shows), read by one range scan; the rating comes from the response's own answers (an index lookup per
    comment), so the ratings of responses without a comment are never read."""
    rating_answer = aliased(Answer)
    rating = (sa.select(sa.func.min(rating_answer.value_int))
              .where(rating_answer.response_id == Answer.response_id,
                     rating_answer.question_id.in_(sa.select(Question.id).where(Question.kind == "rating_5")))
              .correlate(Answer).scalar_subquery())
    return (
        sa.select(Answer.id, Answer.value_text, rating, sa.type_coerce(Response.submitted_at, sa.String),
                  Response.service_point_id, *columns)
        .join(Response, Response.id == Answer.response_id)
        .where(*_comment_conditions(start, end, service_point_ids))
    )


def _frame(rows, extra: Sequence[str] = ()) -> pd.DataFrame:
    """Timestamps parsed in one vectorised step (per-row conversion dominated at 10^4 comments)."""
    frame = pd.DataFrame(rows, columns=[*COMMENT_COLUMNS, *extra])
    frame["rating"] = frame["rating"].astype("float64")
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True, format="ISO8601")
    return frame


def comment_frame(start: datetime, end: datetime, service_point_ids: Sequence[int] | None) -> pd.DataFrame:
    """Every comment of the period and scope: ``answer_id, text, rating, submitted_at, service_point_id``
    (Core rows, no ORM)."""
    statement = _comments_statement(start, end, service_point_ids)
    return _frame(db.session.connection().execute(statement).all())


def _tags_of_comment():
    """A comment's manual tags as one string, ``+code`` added and ``-code`` taken off, or NULL without tags."""
    mark = sa.case((CommentTag.added, sa.literal("+")), else_=sa.literal("-"))
    return (sa.select(sa.func.aggregate_strings(mark + CommentTag.theme_code, " "))
            .where(CommentTag.answer_id == CommentFact.answer_id).correlate(CommentFact).scalar_subquery())


# ---- comment_facts: each comment's time, counter, rating and match in one row ---------------------------


def _fact_rows(*conditions):
    """``comment_facts`` rows of the text answers meeting ``conditions`` (the ``_comments_statement`` rating)."""
    rating_answer = aliased(Answer)
    rating = (sa.select(sa.func.min(rating_answer.value_int))
              .where(rating_answer.response_id == Answer.response_id,
                     rating_answer.question_id.in_(sa.select(Question.id).where(Question.kind == "rating_5")))
              .correlate(Answer).scalar_subquery())
    has_text = sa.and_(Answer.value_text.is_not(None), Answer.value_text != "")
    return (sa.select(Answer.id, Response.service_point_id, Response.submitted_at, rating,
                      sa.case((has_text, sa.true()), else_=sa.false()), CommentMatch.codebook, CommentMatch.themes)
            .join(Response, Response.id == Answer.response_id)
            .outerjoin(CommentMatch, CommentMatch.answer_id == Answer.id)
            .where(Answer.question_id.in_(_text_question_ids()), *conditions))


FACT_COLUMNS = ["answer_id", "service_point_id", "submitted_at", "rating", "has_text", "codebook", "themes"]


def _insert_facts(select) -> None:
    table = CommentFact.__table__
    insert = (postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert)(table)
    db.session.execute(insert.from_select(FACT_COLUMNS, select)
                       .on_conflict_do_nothing(index_elements=[table.c.answer_id]))


def catch_up_facts() -> None:
    """Add the rows of the text answers stored since the highest one already kept (a primary-key range over the
    new answers only; the first call, after the migration, reads every comment once)."""
    last = db.session.scalar(sa.select(sa.func.max(CommentFact.answer_id))) or 0
    _insert_facts(_fact_rows(Answer.id > last))


def recounted_facts() -> list[tuple]:
    """Every row ``comment_facts`` should hold, from the raw tables (for the tests that compare the two)."""
    return sorted(tuple(row) for row in db.session.execute(_fact_rows()).all())


def _fact_window(start: datetime, end: datetime, service_point_ids: Sequence[int] | None, *more) -> list:
    conditions = [CommentFact.submitted_at >= start, CommentFact.submitted_at < end, *more]
    if service_point_ids is not None:
        conditions.append(CommentFact.service_point_id.in_(list(service_point_ids)))
    return conditions


def text_question_ids() -> list[int]:
    return list(db.session.scalars(_text_question_ids()))


def fact_total(start: datetime, end: datetime, service_point_ids: Sequence[int] | None) -> int:
    """How many text answers of the window have a row (with or without their text)."""
    if _in_pieces(start, end):
        return db.session.scalar(sa.select(sa.func.sum(CommentPieceCount.n))
                                 .where(*_piece_window(start, end, service_point_ids))) or 0
    return db.session.scalar(sa.select(sa.func.count()).select_from(CommentFact)
                             .where(*_fact_window(start, end, service_point_ids))) or 0


def _in_pieces(start: datetime, end: datetime) -> bool:
    """Whether the window is whole pieces of ``comment_piece_counts`` (a month, a quarter, a year)."""
    from analytics.queries import pieces_hold

    return pieces_hold([start, end])


def _piece_window(start: datetime, end: datetime, service_point_ids: Sequence[int] | None, *more) -> list:
    conditions = [CommentPieceCount.piece >= start, CommentPieceCount.piece < end, *more]
    if service_point_ids is not None:
        conditions.append(CommentPieceCount.service_point_id.in_(list(service_point_ids)))
    return conditions


def complete_facts(start: datetime, end: datetime, service_point_ids: Sequence[int] | None) -> None:
    """Add the rows the window misses (a text answer committed after a higher one was caught up): reads every
    response of the window, so only called when the counts say a row is missing."""
    conditions = [Response.submitted_at >= start, Response.submitted_at < end]
    if service_point_ids is not None:
        conditions.append(Response.service_point_id.in_(list(service_point_ids)))
    _insert_facts(_fact_rows(*conditions))


def theme_counts(start: datetime, end: datetime,
                 service_point_ids: Sequence[int] | None) -> list[tuple[int | None, str | None, str | None, int]]:
    """``(rating, codebook, themes, comments)`` of the window's comments, manual tags aside: summed from
    ``comment_piece_counts`` when the window is whole pieces, else one GROUP BY over the covering index; a few
    hundred rows for any number of comments."""
    if _in_pieces(start, end):
        return _piece_theme_counts(start, end, service_point_ids)
    statement = (sa.select(CommentFact.rating, CommentFact.codebook, CommentFact.themes, sa.func.count())
                 .where(*_fact_window(start, end, service_point_ids, CommentFact.has_text.is_(True)))
                 .group_by(CommentFact.rating, CommentFact.codebook, CommentFact.themes))
    return [tuple(row) for row in db.session.connection().execute(statement)]


def _piece_theme_counts(start: datetime, end: datetime,
                        service_point_ids: Sequence[int] | None) -> list[tuple[int | None, str | None, str | None, int]]:
    """``theme_counts`` summed from ``comment_piece_counts``: rating 0 and codebook ``''`` stand for NULL."""
    counts = CommentPieceCount
    total = sa.func.sum(counts.n)
    statement = (sa.select(counts.rating, counts.codebook, counts.themes, total)
                 .where(*_piece_window(start, end, service_point_ids, counts.has_text.is_(True)))
                 .group_by(counts.rating, counts.codebook, counts.themes).having(total > 0))
    return [(rating or None, codebook or None, themes if codebook else None, int(n))
            for rating, codebook, themes, n in db.session.connection().execute(statement)]


def _comment_rows(start, end, service_point_ids, *conditions):
    return (sa.select(CommentFact.answer_id, CommentFact.rating, CommentFact.codebook, CommentFact.themes,
                      _tags_of_comment())
            .where(*_fact_window(start, end, service_point_ids, CommentFact.has_text.is_(True), *conditions)))


def tagged_comments(start: datetime, end: datetime, service_point_ids: Sequence[int] | None) -> list[tuple]:
    """``(answer_id, rating, codebook, themes, tags)`` of the window's comments that staff tagged by hand."""
    tagged = CommentFact.answer_id.in_(sa.select(CommentTag.answer_id))
    return [tuple(row) for row in db.session.execute(_comment_rows(start, end, service_point_ids, tagged))]


def unmatched_comments(start: datetime, end: datetime, service_point_ids: Sequence[int] | None,
                       codebook: str) -> list[tuple]:
    """``(answer_id, rating, codebook, themes, tags)`` of the window's comments not matched with ``codebook``."""
    stale = sa.or_(CommentFact.codebook.is_(None), CommentFact.codebook != codebook)
    return [tuple(row) for row in db.session.execute(_comment_rows(start, end, service_point_ids, stale))]


def comments_rated(start: datetime, end: datetime, service_point_ids: Sequence[int] | None, rating: int | None):
    """``(answer_id, codebook, themes)`` of the window's comments with ``rating`` (None: without a rating),
    newest first, streamed: the candidates for a theme's examples, read only until each theme has its few."""
    same = CommentFact.rating.is_(None) if rating is None else CommentFact.rating == rating
    statement = (sa.select(CommentFact.answer_id, CommentFact.codebook, CommentFact.themes)
                 .where(*_fact_window(start, end, service_point_ids, CommentFact.has_text.is_(True), same))
                 .order_by(CommentFact.submitted_at.desc(), CommentFact.answer_id.desc()))
    return db.session.connection().execute(statement.execution_options(stream_results=True, max_row_buffer=200))


def comments_for_themes(start: datetime, end: datetime, service_point_ids: Sequence[int] | None) -> pd.DataFrame:
    """Every comment of the period and scope (text still stored) for a theme's comments list: ``answer_id, rating,
    submitted_at, service_point_id``, the remembered match (``codebook``, ``matched``) and ``tags``."""
    statement = (
        sa.select(CommentFact.answer_id, CommentFact.rating, sa.type_coerce(CommentFact.submitted_at, sa.String),
                  CommentFact.service_point_id, CommentFact.codebook, CommentFact.themes, _tags_of_comment())
        .where(*_fact_window(start, end, service_point_ids, CommentFact.has_text.is_(True)))
    )
    rows = db.session.connection().execute(statement).all()
    frame = pd.DataFrame(rows, columns=[*THEMED_COLUMNS, "codebook", "matched", "tags"])
    frame["rating"] = frame["rating"].astype("float64")
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True, format="ISO8601")
    return frame


def texts_of(answer_ids: Sequence[int]) -> dict[int, str | None]:
    """The stored texts of some comments, by answer id."""
    texts: dict[int, str | None] = {}
    ids = list(answer_ids)
    for first in range(0, len(ids), BATCH):
        texts.update(db.session.execute(sa.select(Answer.id, Answer.value_text)
                                        .where(Answer.id.in_(ids[first:first + BATCH]))).all())
    return texts


def forget_facts_text(answer_ids: Sequence[int]) -> None:
    """Mark emptied comments: their rows stay (the window still counts them), without text."""
    for first in range(0, len(answer_ids), BATCH):
        db.session.execute(sa.update(CommentFact).where(CommentFact.answer_id.in_(answer_ids[first:first + BATCH]))
                           .values(has_text=False))


def remember_matches(rows: Sequence[tuple[int, str]], codebook: str) -> None:
    """Store ``(answer_id, themes)`` found with ``codebook``, replacing what an older codebook found."""
    table = CommentMatch.__table__
    insert = (postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert)(table)
    statement = insert.on_conflict_do_update(index_elements=[table.c.answer_id],
                                             set_={"codebook": insert.excluded.codebook, "themes": insert.excluded.themes})
    facts = (sa.update(CommentFact.__table__).where(CommentFact.__table__.c.answer_id == sa.bindparam("id"))
             .values(codebook=sa.bindparam("new_codebook"), themes=sa.bindparam("new_themes")))
    for first in range(0, len(rows), BATCH):
        batch = rows[first:first + BATCH]
        db.session.execute(statement, [{"answer_id": answer_id, "codebook": codebook, "themes": themes}
                                       for answer_id, themes in batch])
        db.session.execute(facts, [{"id": answer_id, "new_codebook": codebook, "new_themes": themes}
                                   for answer_id, themes in batch])


def forget_matches(answer_ids: Sequence[int]) -> None:
    """Drop the remembered themes of comments whose text changed."""
    for first in range(0, len(answer_ids), BATCH):
        batch = answer_ids[first:first + BATCH]
        db.session.execute(sa.delete(CommentMatch).where(CommentMatch.answer_id.in_(batch)))
        db.session.execute(sa.update(CommentFact).where(CommentFact.answer_id.in_(batch))
                           .values(codebook=None, themes=None))


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
    forget_matches(answer_ids)
    forget_facts_text(answer_ids)
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
    forget_matches([answer_id])
    db.session.execute(sa.update(Answer).where(Answer.id == answer_id).values(value_text=text))


def redaction_totals() -> dict[str, int]:
    statement = sa.select(RedactionCount.kind, sa.func.sum(RedactionCount.n)).group_by(RedactionCount.kind)
    return {kind: int(n) for kind, n in db.session.execute(statement)}


def record_redactions(removed: Counter, service_point_id: int | None, source: str) -> None:
    """Counts of what was removed from comments (never the values)."""
    if removed:
        db.session.execute(sa.insert(RedactionCount), redaction_rows(removed, service_point_id, source))
