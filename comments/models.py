"""Tables of the comments capability. No table holds a resident's personal data: removed values are only
counted, and tags point at answers, never copy their text."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from extensions import db
from survey.models import UTCDateTime, utcnow

SUGGESTION_STATES = ("open", "accepted", "dismissed")


class Theme(db.Model):
    """A theme of the codebook: its words are lemmas (see ``analytics.themes``); never deleted, deactivated."""

    __tablename__ = "comment_themes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    name_pl: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    words: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    position: so.Mapped[int] = so.mapped_column(default=0)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CommentTag(db.Model):
    """A theme added to (``added``) or taken off (not ``added``) one comment by a member of staff."""

    __tablename__ = "comment_tags"
    __table_args__ = (sa.UniqueConstraint("answer_id", "theme_code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    answer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    theme_code: so.Mapped[str] = so.mapped_column(sa.String(64))
    added: so.Mapped[bool]
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class RedactionCount(db.Model):
    """How many values of one kind were removed from comments (the values themselves are never kept)."""

    __tablename__ = "comment_redaction_counts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    service_point_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("service_points.id"))
    source: so.Mapped[str] = so.mapped_column(sa.String(20))  # web | kiosk | paper | cleanup
    kind: so.Mapped[str] = so.mapped_column(sa.String(30))
    n: so.Mapped[int]


class ThemeSuggestion(db.Model):
    """Words the codebook misses that often come together (NMF over TF-IDF), for the quality manager."""

    __tablename__ = "comment_theme_suggestions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    words: so.Mapped[list[str]] = so.mapped_column(sa.JSON)
    comments: so.Mapped[int] = so.mapped_column(default=0)
    examples: so.Mapped[list[Any]] = so.mapped_column(sa.JSON, default=list)  # answer ids, never texts
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="open")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    decided_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    theme_code: so.Mapped[str | None] = so.mapped_column(sa.String(64))


class CommentMatch(db.Model):
    """The codebook's themes found in one comment, remembered so that a dashboard built cold reads them instead
    of lemmatising every comment again. ``codebook`` names the codebook they were found with (see
    ``comments.codebook.codebook_version``); a row of another codebook, or a missing row, is matched again.
    Holds theme codes only, never the text."""

    __tablename__ = "comment_matches"

    answer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True)
    codebook: so.Mapped[str] = so.mapped_column(sa.String(16))
    themes: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # codes separated by spaces


class CommentFact(db.Model):
    """Everything a themes summary counts of one comment, so that a cold build groups one index range instead
    of looking up every response, its rating and its match: the response's time, counter and lowest
    ``rating_5`` answer, whether the text is still stored (retention empties it) and the codebook's match as
    ``comment_matches`` remembers it (``codebook``, ``themes``; NULL when none).

    Every text answer gets its row (``comments.queries.catch_up_facts``: the answers above the highest one
    already here, with their match, so the write paths stay as they are); ``remember_matches`` and
    ``forget_matches`` keep the match in step; rows go with their answer (``ON DELETE CASCADE``), and
    ``comments.queries.complete_facts`` refills a window whose row count differs from the answer count tables.
    ``tests/comments/test_comment_facts.py`` checks the rows against a recount from the raw tables."""

    __tablename__ = "comment_facts"
    __table_args__ = (
        sa.Index("ix_comment_facts_point_time", "service_point_id", "submitted_at", "has_text", "rating", "codebook",
                 "themes"),
        sa.Index("ix_comment_facts_time", "submitted_at", "has_text", "rating", "codebook", "themes"),
    )

    answer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True,
                                                 autoincrement=False)
    service_point_id: so.Mapped[int]
    submitted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    rating: so.Mapped[int | None]
    has_text: so.Mapped[bool]
    codebook: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    themes: so.Mapped[str | None] = so.mapped_column(sa.Text)


class CommentPieceCount(db.Model):
    """``comment_facts`` counted per piece of local week and month (``analytics/chart_pieces.py``) × counter ×
    what a themes summary groups by, kept by triggers on ``comment_facts`` (``comments/piece_counts.py``): a
    month or a quarter is read as a few hundred rows however many comments it holds. NULLs are stored as
    ``rating`` 0, ``codebook`` and ``themes`` ``''`` (a key cannot hold NULL; a comment has a codebook exactly
    when it has themes, and ratings are 1–5)."""

    __tablename__ = "comment_piece_counts"
    __table_args__ = {"sqlite_with_rowid": False}

    piece: so.Mapped[datetime] = so.mapped_column(UTCDateTime, primary_key=True)
    service_point_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    has_text: so.Mapped[bool] = so.mapped_column(primary_key=True)
    rating: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    codebook: so.Mapped[str] = so.mapped_column(sa.String(16), primary_key=True)
    themes: so.Mapped[str] = so.mapped_column(sa.Text, primary_key=True)
    n: so.Mapped[int] = so.mapped_column(default=0)
