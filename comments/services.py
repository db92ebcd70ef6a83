"""Rules of the comments capability: redaction before storing, themes of a scope and period, manual tags,
retention. Whatever changes what a dashboard shows (tags, redaction, retention, codebook) empties its cache."""
from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from flask import current_app

from analytics.periods import Period
from analytics.comment_queries import CommentsPage, comments as comment_rows
from analytics.service import as_period, resolve_scope
from analytics.themes import apply_tags, theme_figures
from comments import queries
from comments.codebook import active_themes, current_codebook
from comments.matches import remembered_matches
from comments.theme_counts import complete_facts, count_comments, tagged
from comments.models import CommentTag
from comments.redaction import redact
from comments.retention import protected_comment_ids
from extensions import db
from survey.models import AuditLog, User, utcnow

DEFAULT_RETENTION_MONTHS = 24
COMMENTS_PER_PAGE = 20


def _empty_dashboards() -> None:
    from dashboard.cache import app_cache

    app_cache().clear()


# ---- personal data ----------------------------------------------------------------------------------


def redact_stored_comments(user: User | None = None) -> dict[str, int]:
    """Remove personal data from comments stored before redaction existed; audited with the counts."""
    total: Counter = Counter()
    changed = 0
    for answer_id, text, service_point_id in list(queries.stored_comments()):
        result = redact(text)
        if result.changed:
            queries.replace_text(answer_id, result.text)
            queries.record_redactions(Counter(result.counts), service_point_id, "cleanup")
            total.update(result.counts)
            changed += 1
    db.session.add(AuditLog(user_id=user.id if user else None, action="redact", entity="comment",
                            details={"comments": changed, "removed": dict(total)}))
    db.session.commit()
    if changed:
        _empty_dashboards()
    return {"comments": changed, **dict(total)}


# ---- themes of a scope and period ---------------------------------------------------------------------


@dataclass
class ThemeSummary:
    period: Period
    previous: Period
    comments: int
    previous_comments: int
    themes: list[dict]
    service_point_ids: tuple[int, ...] | None = field(default=None, repr=False)

    def as_dict(self) -> dict:
        return {"period": self.period.label, "previous_period": self.previous.label, "comments": self.comments,
                "previous_comments": self.previous_comments, "themes": self.themes}

    @cached_property
    def themed(self) -> pd.DataFrame:
        """Every comment of the period and scope: ``answer_id, rating, submitted_at, service_point_id, themes``
        (after manual tags, no text), read on first use (a theme's comments list)."""
        return _themed_comments(self.period, self.service_point_ids)

    @cached_property
    def answer_themes(self) -> pd.DataFrame:
        """``themed`` with each comment's ``text`` (read on first use: the text search of a theme's comments)."""
        texts = queries.texts_of([int(i) for i in self.themed["answer_id"]])
        frame = self.themed.assign(text=[texts.get(int(i)) for i in self.themed["answer_id"]])
        return frame[["answer_id", "text", "rating", "submitted_at", "service_point_id", "themes"]]


def _themed_comments(period: Period, service_point_ids) -> pd.DataFrame:
    """The comments of the period and scope with their ``themes`` after manual tags, without their text, from
    ``comment_facts``; comments not matched with the current codebook are matched (and remembered)."""
    complete_facts(period.start, period.end, service_point_ids)
    frame = queries.comments_for_themes(period.start, period.end, service_point_ids)
    matched = remembered_matches(frame)
    themes = [tagged(matched_themes, tags) for matched_themes, tags in zip(matched, frame["tags"])]
    return frame[queries.THEMED_COLUMNS].assign(themes=pd.Series(themes, index=frame.index, dtype=object))


def compute_theme_summary(period: Period | str, department_code: str | None = None,
                          service_point_code: str | None = None, lang: str = "pl") -> ThemeSummary:
    """Every active theme's figures for the period and scope, against the previous period (uncached): counted
    by SQL (``comments.theme_counts``), texts read only for the examples."""
    period = as_period(period)
    previous = period.previous()
    scope = resolve_scope(department_code, service_point_code)
    specs = active_themes()
    current, before, examples = count_comments(period, previous, scope.service_point_ids, [t.code for t in specs])
    themes = theme_figures(current, before, specs, lang, examples)
    _fill_example_texts(themes)
    ids = None if scope.service_point_ids is None else tuple(scope.service_point_ids)
    return ThemeSummary(period, previous, sum(current.values()), sum(before.values()), themes, ids)


def _fill_example_texts(themes: list[dict]) -> None:
    texts = queries.texts_of(sorted({example["answer_id"] for theme in themes for example in theme["examples"]}))
    for theme in themes:
        for example in theme["examples"]:
            example["text"] = texts.get(example["answer_id"])


def theme_summary(period: Period | str, department_code: str | None = None, service_point_code: str | None = None,
                  lang: str = "pl") -> ThemeSummary:
    """``compute_theme_summary`` kept in the dashboards' cache (emptied by tags, codebook edits, redaction,
    retention; rebuilt when an answer arrives within the two periods)."""
    from dashboard.cache import app_cache, max_age

    period = as_period(period)
    window = (period.previous().start, period.end)
    return app_cache().get_or_build(("themes", period, department_code, service_point_code, lang), window,
                                    lambda: compute_theme_summary(period, department_code, service_point_code, lang),
                                    max_age())


def theme_codes() -> set[str]:
    return {theme.code for theme in active_themes()}


def comments_with_theme(summary: ThemeSummary, theme: str, *, text: str | None = None,
                        ratings: Iterable[int] | None = None, page: int = 1,
                        per_page: int = COMMENTS_PER_PAGE) -> CommentsPage:
    """The comments of a summary's period and scope that raise ``theme`` (after tags), newest first."""
    frame = summary.answer_themes if text else summary.themed
    chosen = frame[frame["themes"].map(lambda themes: theme in themes)] if len(frame) else frame
    if text:
        chosen = chosen[chosen["text"].fillna("").str.contains(text, case=False, regex=False)]
    if ratings:
        chosen = chosen[chosen["rating"].isin(list(ratings))]
    chosen = chosen.sort_values(["submitted_at", "answer_id"], ascending=False)
    page = max(1, page)
    ids = [int(i) for i in chosen["answer_id"].iloc[(page - 1) * per_page: page * per_page]]
    items = comment_rows(answer_ids=ids, per_page=max(1, len(ids))).items if ids else []
    return CommentsPage(items, len(chosen), page, per_page)


def themes_of_comment(answer_id: int, text: str | None) -> frozenset[str]:
    tags = queries.tags_of(answer_id)
    matched = current_codebook().match(text) if text else frozenset()
    return apply_tags(matched, [t.theme_code for t in tags if t.added], [t.theme_code for t in tags if not t.added])


# ---- manual tags ------------------------------------------------------------------------------------


def set_tag(answer_id: int, theme_code: str, added: bool | None, user: User | None) -> None:
    """Add (``True``) or take off (``False``) a theme by hand, or return to the codebook's match (``None``)."""
    tag = next((t for t in queries.tags_of(answer_id) if t.theme_code == theme_code), None)
    before = None if tag is None else tag.added
    if added is None:
        if tag is not None:
            db.session.delete(tag)
    elif tag is None:
        db.session.add(CommentTag(answer_id=answer_id, theme_code=theme_code, added=added,
                                  user_id=user.id if user else None))
    else:
        tag.added, tag.user_id, tag.at = added, user.id if user else None, utcnow()
    db.session.add(AuditLog(user_id=user.id if user else None, action="tag", entity="comment", entity_id=answer_id,
                            details={"theme": theme_code, "old": before, "new": added}))
    db.session.commit()
    _empty_dashboards()


# ---- retention --------------------------------------------------------------------------------------


def retention_months() -> int:
    return int(current_app.config.get("OPINIA_COMMENT_RETENTION_MONTHS", DEFAULT_RETENTION_MONTHS))


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day when it is shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def purge_comments(now: datetime | None = None, months: int | None = None) -> dict[str, int]:
    """Empty the text of comments older than the retention period, except those registered as protected
    (see ``comments.retention``); the answers, counts and tags stay. Audited with the counts."""
    months = retention_months() if months is None else months
    cutoff = months_before(now or utcnow(), months)
    protected = protected_comment_ids()
    ids = queries.comments_older_than(cutoff, protected)
    queries.empty_texts(ids)
    kept = len(queries.comments_older_than(cutoff, set())) if protected else 0
    db.session.add(AuditLog(action="purge", entity="comment",
                            details={"emptied": len(ids), "kept_for_open_actions": kept, "months": months,
                                     "before": cutoff.isoformat()}))
    db.session.commit()
    if ids:
        _empty_dashboards()
    return {"emptied": len(ids), "kept": kept, "cutoff": cutoff}


