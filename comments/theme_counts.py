"""A scope's comments counted by (themes after manual tags, rating) from ``comment_facts``, and each theme's
examples: what ``analytics.themes.theme_figures`` turns into a dashboard's themes section.

A cold build reads one GROUP BY per period (a few hundred rows, however many comments), the comments staff
tagged by hand, and for the examples only the newest comments of the lowest ratings, until each theme has
its few. Comments not matched with the current codebook (stored before it, or before an edit) are matched
here and remembered, as ``comments.matches`` does for the comments list.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from analytics.count_queries import hourly_counts_cover, text_answer_total
from analytics.periods import Period
from analytics.themes import ThemeCounts, apply_tags
from comments import queries
from comments.codebook import codebook_version, current_codebook
from comments.matches import remember, stored_themes
from extensions import db

RATING_ORDER = (1, 2, 3, 4, 5, None)  # as ``analytics.themes.example_order``


def tagged(matched: frozenset[str], tags: str | None) -> frozenset[str]:
    """A comment's themes after its manual tags (``+code``/``-code`` marks, see ``queries._tags_of_comment``)."""
    if tags is None:
        return matched
    marks = tags.split()
    return apply_tags(matched, [m[1:] for m in marks if m[0] == "+"], [m[1:] for m in marks if m[0] == "-"])


def complete_facts(start: datetime, end: datetime, service_point_ids: Sequence[int] | None) -> None:
    """``comment_facts`` caught up with new answers and checked against the answer count tables: a window
    with another number of rows than text answers (a comment committed after a later one was caught up) is
    refilled. A summary checks its two periods at once."""
    queries.catch_up_facts()
    if not hourly_counts_cover([start, end]) or queries.fact_total(start, end, service_point_ids) != text_answer_total(
            start, end, service_point_ids, queries.text_question_ids()):
        queries.complete_facts(start, end, service_point_ids)
    db.session.commit()


class _Window:
    """One period and scope of comments, with the themes of those not matched with the current codebook."""

    def __init__(self, period: Period, service_point_ids: Sequence[int] | None, version: str) -> None:
        self.args = (period.start, period.end, service_point_ids)
        self.version = version
        self.groups = queries.theme_counts(*self.args)
        self.unmatched: list[tuple] = []
        self.fresh: dict[int, frozenset[str]] = {}
        if any(codebook != version for _rating, codebook, _themes, _n in self.groups):
            self._match(queries.unmatched_comments(*self.args, version))
        self.tagged = queries.tagged_comments(*self.args)
        self.tags = {row[0]: row[4] for row in [*self.tagged, *self.unmatched]}

    def _match(self, unmatched: list[tuple]) -> None:
        codebook = current_codebook()
        texts = queries.texts_of([row[0] for row in unmatched])
        self.fresh = {answer_id: codebook.match(texts.get(answer_id) or "") for answer_id, *_ in unmatched}
        remember([(answer_id, stored_themes(found)) for answer_id, found in self.fresh.items()], self.version)
        self.groups = queries.theme_counts(*self.args)
        self.unmatched = queries.unmatched_comments(*self.args, self.version)  # not stored: a busy database

    def themes_of(self, answer_id: int, codebook: str | None, themes: str | None, tags: str | None) -> frozenset[str]:
        if codebook == self.version and themes is not None:
            matched = frozenset(themes.split())
        elif answer_id in self.fresh:
            matched = self.fresh[answer_id]
        else:  # matched again since the window was read (another codebook edit): match it here
            matched = current_codebook().match(queries.texts_of([answer_id]).get(answer_id) or "")
        return tagged(matched, tags)

    def counts(self) -> dict[tuple[frozenset[str], int | None], int]:
        counts: dict[tuple[frozenset[str], int | None], int] = defaultdict(int)
        parsed: dict[str, frozenset[str]] = {}
        for rating, codebook, themes, n in self.groups:
            if codebook == self.version:  # the others are in ``unmatched``
                counts[(parsed.setdefault(themes, frozenset(themes.split())), rating)] += n
        for answer_id, rating, codebook, themes, tags in self.tagged:
            if codebook == self.version:  # counted above without its tags
                counts[(parsed.setdefault(themes, frozenset(themes.split())), rating)] -= 1
                counts[(self.themes_of(answer_id, codebook, themes, tags), rating)] += 1
        for answer_id, rating, codebook, themes, tags in self.unmatched:
            counts[(self.themes_of(answer_id, codebook, themes, tags), rating)] += 1
        return {key: n for key, n in counts.items() if n}

    def examples(self, counts: ThemeCounts, codes: Sequence[str], per_theme: int) -> dict[str, list[dict]]:
        """Each theme's ``per_theme`` comments of the lowest ratings, newest first (``answer_id`` and ``rating``;
        the caller reads their texts)."""
        chosen: dict[str, list[dict]] = {code: [] for code in codes}
        for rating in RATING_ORDER:
            wanted = {code for code in codes if len(chosen[code]) < per_theme
                      and any(code in found and r == rating for (found, r) in counts)}
            if not wanted:
                continue
            rows = queries.comments_rated(*self.args, rating)
            for answer_id, codebook, themes in rows:
                for code in wanted & self.themes_of(answer_id, codebook, themes, self.tags.get(answer_id)):
                    chosen[code].append({"answer_id": answer_id, "text": None, "rating": rating})
                    if len(chosen[code]) == per_theme:
                        wanted.discard(code)
                if not wanted:
                    break
            rows.close()
        return chosen


def count_comments(period: Period, previous: Period, service_point_ids: Sequence[int] | None, codes: Sequence[str],
                   examples: int = 3) -> tuple[ThemeCounts, ThemeCounts, dict[str, list[dict]]]:
    """The counts of ``period`` and ``previous`` and the examples of ``period`` for the themes ``codes``."""
    version = codebook_version()
    complete_facts(min(previous.start, period.start), max(previous.end, period.end), service_point_ids)
    current = _Window(period, service_point_ids, version)
    current_counts = current.counts()
    previous_counts = _Window(previous, service_point_ids, version).counts()
    return current_counts, previous_counts, current.examples(current_counts, codes, examples)
