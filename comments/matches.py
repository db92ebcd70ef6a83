"""The codebook's themes of a comment as ``comment_matches`` remembers them: found when the comment is stored
(web, kiosk, paper import), so that dashboards read them instead of lemmatising every comment; comments stored
before, or matched with an older codebook, are matched when a dashboard first needs them."""
from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import pandas as pd
import sqlalchemy as sa
from flask import current_app

from analytics.themes import Codebook
from comments import queries
from comments.codebook import codebook_of, codebook_version, current_codebook, version_of
from extensions import db


def stored_themes(themes: frozenset[str]) -> str:
    return " ".join(sorted(themes))


class CommentMatcher:
    """The current codebook and its version, looked up once for many comments (a paper import), and only
    when there is a comment. Storing a comment never seeds the codebook (that is the dashboards' first
    read, audited): before it exists, nothing is remembered and dashboards match the comments later."""

    @cached_property
    def _codebook(self) -> tuple[Codebook, str] | None:
        """One read of the codebook's rows per matcher (a resident's comment is one round trip, not five)."""
        fingerprint = queries.codebook_fingerprint()
        return (codebook_of(fingerprint), version_of(fingerprint)) if fingerprint else None

    def rows(self, texts: Sequence[str | None]) -> list[dict | None]:
        """Per text, the ``comment_matches`` values (without ``answer_id``) to store; None for no comment."""
        if not any(texts) or self._codebook is None:
            return [None] * len(texts)
        codebook, version = self._codebook
        return [{"codebook": version, "themes": stored_themes(codebook.match(text))} if text else None
                for text in texts]


def match_rows(texts: Sequence[str | None]) -> list[dict | None]:
    """``CommentMatcher.rows`` with the current codebook."""
    return CommentMatcher().rows(texts)


def with_answer_ids(rows: Sequence[dict | None], answer_ids: Sequence[int]) -> list[dict]:
    """The rows of ``match_rows`` for the answers just inserted (same order), ready for one INSERT."""
    return [{**row, "answer_id": answer_id} for row, answer_id in zip(rows, answer_ids) if row is not None]


def remembered_matches(frame: pd.DataFrame) -> list[frozenset[str]]:
    """Each comment's themes as the codebook finds them (before manual tags), for a frame of
    ``queries.comments_for_themes``: read where remembered with the current codebook, else matched and
    remembered."""
    version = codebook_version()
    parsed: dict[str, frozenset[str]] = {}
    result: list[frozenset[str] | None] = [
        parsed.setdefault(themes, frozenset(themes.split())) if codebook == version else None
        for codebook, themes in zip(frame["codebook"], frame["matched"])]
    stale = [row for row, themes in enumerate(result) if themes is None]
    if stale:
        codebook = current_codebook()
        texts = queries.texts_of([int(frame["answer_id"].iat[row]) for row in stale])
        for row in stale:
            result[row] = codebook.match(texts[int(frame["answer_id"].iat[row])] or "")
        remember([(int(frame["answer_id"].iat[row]), stored_themes(result[row])) for row in stale], version)
    return result


def remember(rows: list[tuple[int, str]], version: str) -> None:
    """Store new matches; when the database is busy (a long import on SQLite), a later build tries again."""
    try:
        queries.remember_matches(rows, version)
        db.session.commit()
    except sa.exc.OperationalError:
        db.session.rollback()
        current_app.logger.warning("comment themes not remembered (database busy): %d comments", len(rows))
