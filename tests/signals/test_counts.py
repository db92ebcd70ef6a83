"""The control charts' counts read in cached chunks of time (``signals.counts``): the same rows as one
statement over the whole history, and after a new answer only the chunk holding it is read again."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from tests.signals.conftest import add_week, steady_history

TZ = ZoneInfo("Europe/Warsaw")
COLUMNS = ["bucket", "service_point_id", "question_id", "n", "success"]


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[frame["n"] > 0][COLUMNS].astype("int64")
    return frame.sort_values(COLUMNS[:3]).reset_index(drop=True)


def _arguments():
    from analytics import queries as analytics_queries
    from signals import queries
    from analytics.chart_pieces import chart_boundaries
    from signals.charts import INDICATOR_OF_KIND
    from survey.models import utcnow

    _questions, ids = analytics_queries.question_catalog()
    kinds = {qid: kind for qid, (_code, kind) in ids.items() if kind in INDICATOR_OF_KIND}
    now = utcnow()
    first = queries.first_answer_hour()
    boundaries, _weeks, _months = chart_boundaries(first.astimezone(TZ).date(), now.astimezone(TZ).date(), TZ)
    return boundaries, kinds, now


def _chunked_and_whole():
    from signals import queries
    from signals.counts import chunked_proportion_counts

    boundaries, kinds, now = _arguments()
    return (_tidy(chunked_proportion_counts(boundaries, kinds, now, TZ)),
            _tidy(queries.proportion_counts(boundaries, kinds)))


def _misses() -> int:
    from signals.counts import _cache

    return _cache().misses


@pytest.fixture
def history(office):
    """Answers from 20 weeks ago to this week: the history crosses at least one quarter start."""
    steady_history(office["KM-1"], first_weeks_ago=20, last_weeks_ago=1)
    for weeks_ago in (9, 5, 2, 0):
        add_week(office["KM-2"], weeks_ago, good=7, total=11)
    return office


def test_chunk_edges_cut_at_quarters_and_at_the_latest_boundary_passed():
    from signals.counts import chunk_edges

    days = ["2026-06-29", "2026-07-01", "2026-07-06", "2026-08-01", "2026-10-01", "2026-10-05", "2026-10-12"]
    boundaries = [datetime.fromisoformat(day).replace(tzinfo=TZ).astimezone(timezone.utc) for day in days]
    now = datetime(2026, 10, 7, 12, tzinfo=timezone.utc)
    assert chunk_edges(boundaries, now, TZ) == [0, 1, 4, 5, 6]


def test_chunks_give_the_same_counts_as_one_statement(app, history):
    chunked, whole = _chunked_and_whole()
    assert len(whole) > 10 and whole["n"].sum() == 20 * 30 + 4 * 11
    pd.testing.assert_frame_equal(chunked, whole)


def test_a_new_answer_reads_only_its_own_chunk_again(app, history):
    _chunked_and_whole()
    before = _misses()
    _chunked_and_whole()
    assert _misses() == before  # nothing new: every chunk from the cache

    add_week(history["KM-2"], 0, good=1, total=3)  # this week: the running chunk
    chunked, whole = _chunked_and_whole()
    pd.testing.assert_frame_equal(chunked, whole)
    assert _misses() == before + 1

    add_week(history["KM-1"], 10, good=0, total=5)  # a late answer ten weeks back: that quarter's chunk only
    chunked, whole = _chunked_and_whole()
    pd.testing.assert_frame_equal(chunked, whole)
    assert _misses() == before + 2


def test_adjacent_spans_are_joined_into_runs():
    from signals.counts import _runs

    assert _runs([(0, 3), (3, 7), (9, 12), (12, 13), (20, 21)]) == [(0, 7), (9, 13), (20, 21)]
    assert _runs([]) == []


@pytest.fixture
def statements(monkeypatch):
    """The spans of boundaries each ``proportion_counts`` statement read (first and last boundary)."""
    from signals import queries

    read: list[tuple[datetime, datetime]] = []
    original = queries.proportion_counts

    def counting(boundaries, kinds):
        read.append((boundaries[0], boundaries[-1]))
        return original(boundaries, kinds)

    monkeypatch.setattr(queries, "proportion_counts", counting)
    return read


def test_a_cold_start_reads_every_chunk_with_one_statement(app, history, statements):
    from signals.counts import _cache, chunk_edges

    boundaries, _kinds, now = _arguments()
    assert len(chunk_edges(boundaries, now, TZ)) >= 3  # two chunks or more: the history crosses a quarter start
    chunked, whole = _chunked_and_whole()
    pd.testing.assert_frame_equal(chunked, whole)
    assert statements[0] == (boundaries[0], boundaries[-1])
    assert len(statements) == 2  # the chunked read, then the whole one of the comparison
    assert _cache().misses == len(chunk_edges(boundaries, now, TZ)) - 1  # every chunk cached on its own


def test_answers_in_two_chunks_apart_are_read_with_one_statement_each(app, history, statements):
    from signals.counts import chunk_edges

    _chunked_and_whole()
    add_week(history["KM-2"], 0, good=1, total=3)  # the running chunk
    add_week(history["KM-1"], 20, good=0, total=5)  # the week of the first answers: the first chunk
    boundaries, _kinds, now = _arguments()
    edges = chunk_edges(boundaries, now, TZ)
    statements.clear()
    chunked, whole = _chunked_and_whole()
    pd.testing.assert_frame_equal(chunked, whole)
    if len(edges) > 3:  # a chunk lies between the two: it stays cached
        assert statements[:2] == [(boundaries[edges[0]], boundaries[edges[1]]),
                                  (boundaries[edges[-2]], boundaries[edges[-1]])]
    else:
        assert statements[0] == (boundaries[0], boundaries[-1])
