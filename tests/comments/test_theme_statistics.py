"""``analytics.themes.theme_statistics`` and ``apply_tags``: pure figures from comments with themes."""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import pytest

from analytics.themes import MIN_GROUP, ThemeSpec, apply_tags, suggest_topics, theme_statistics

THEMES = [ThemeSpec("waiting", "Czekanie", "Waiting", ("czekać",)), ThemeSpec("courtesy", "Uprzejmość", "Courtesy", ("miły",))]
WHEN = datetime(2026, 8, 1, tzinfo=timezone.utc)


def frame(rows: list[tuple[float | None, set[str]]]) -> pd.DataFrame:
    return pd.DataFrame({
        "answer_id": range(1, len(rows) + 1),
        "text": [f"komentarz {i}" for i in range(len(rows))],
        "rating": [r for r, _ in rows],
        "submitted_at": [WHEN] * len(rows),
        "themes": [frozenset(t) for _, t in rows],
    })


def test_share_mean_change_and_examples_lowest_rating_first():
    current = frame([(1, {"waiting"}), (5, {"courtesy"}), (2, {"waiting", "courtesy"}), (None, set())])
    previous = frame([(3, {"waiting"}), (4, set())])
    stats = {t["code"]: t for t in theme_statistics(current, previous, THEMES)}
    waiting = stats["waiting"]
    assert (waiting["comments"], waiting["share"], waiting["mean_rating"]) == (2, 0.5, 1.5)
    assert waiting["previous_share"] == 0.5 and waiting["change"] == 0.0
    assert [e["rating"] for e in waiting["examples"]] == [1, 2]
    assert waiting["low_high_ratio"] is None  # fewer than ten low and ten high comments
    assert stats["courtesy"]["name"] == "Uprzejmość"


def test_low_high_ratio_only_with_ten_comments_in_each_group():
    low = [(1, {"waiting"})] * 6 + [(2, set())] * 4
    high = [(5, {"waiting"})] * 2 + [(4, set())] * 8
    stats = {t["code"]: t for t in theme_statistics(frame(low + high), frame([]), THEMES)}
    assert stats["waiting"]["low_high_ratio"] == pytest.approx(0.6 / 0.2)
    assert stats["courtesy"]["low_high_ratio"] is None  # never among the high ones: no ratio
    fewer = frame(low[: MIN_GROUP - 1] + high)
    assert theme_statistics(fewer, frame([]), THEMES)[0]["low_high_ratio"] is None


def test_no_comments_give_empty_figures_not_errors():
    stats = theme_statistics(frame([]), frame([]), THEMES)
    assert all(t["comments"] == 0 and t["share"] is None and t["change"] is None for t in stats)


def test_manual_tags_add_and_remove_themes():
    assert apply_tags(frozenset({"waiting"}), ["courtesy"], ["waiting"]) == {"courtesy"}


def test_suggested_topics_group_words_that_come_together():
    documents = [["terminal", "karta", "płatność"]] * 6 + [["tłumacz", "migowy", "język"]] * 6 + [["inny"]] * 3
    topics = suggest_topics(documents, topics=2, min_df=3)
    assert {frozenset(t["words"]) for t in topics} == {frozenset({"terminal", "karta", "płatność"}),
                                                      frozenset({"tłumacz", "migowy", "język"})}
    assert suggest_topics([["a"]], topics=2) == []
