"""The office's proportion counts for the control charts, read in chunks of time that are cached separately.

The charts start at the office's first answer, so every rebuild used to read its whole history (a year of
count rows, the biggest statement of a cold dashboard). A new answer only changes the running week, and a
paper form for an old date only the quarter it falls in. The boundaries are therefore cut at every local
quarter start and at the latest boundary already passed; each chunk is cached (``dashboard.cache``) until an
answer arrives within its own time window or the set-up changes, and the chunks are glued back together with
their bucket numbers shifted, so the result is the same rows as one statement over everything.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
from flask import current_app

from dashboard.cache import MISSING, DashboardCache, max_age
from signals import queries

MAX_CHUNKS = 64  # about 15 years of quarters plus the running part


def chunk_edges(boundaries: Sequence[datetime], now: datetime, tz: ZoneInfo) -> list[int]:
    """Indexes into ``boundaries`` where a chunk starts or ends: the first and last boundary, every local
    quarter start (1 Jan, 1 Apr, 1 Jul, 1 Oct) and the latest boundary not after ``now``."""
    last = len(boundaries) - 1
    edges = {0, last}
    for index, boundary in enumerate(boundaries):
        local = boundary.astimezone(tz)
        if local.day == 1 and local.month in (1, 4, 7, 10):
            edges.add(index)
    latest_passed = bisect_right(boundaries, now) - 1
    if latest_passed >= 0:
        edges.add(latest_passed)
    return sorted(edges)


def _cache() -> DashboardCache:
    return current_app.extensions.setdefault("opinia_signals_counts_cache", DashboardCache(max_entries=MAX_CHUNKS))


def _runs(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent ``(low, high)`` index spans joined: ``[(0, 3), (3, 7), (9, 12)]`` → ``[(0, 7), (9, 12)]``."""
    runs: list[tuple[int, int]] = []
    for low, high in spans:
        if runs and runs[-1][1] == low:
            runs[-1] = (runs[-1][0], high)
        else:
            runs.append((low, high))
    return runs


def chunked_proportion_counts(boundaries: Sequence[datetime], kinds: dict[int, str], now: datetime,
                              tz: ZoneInfo) -> pd.DataFrame:
    """``signals.queries.proportion_counts(boundaries, kinds)``, each chunk read once per set of its answers.

    The chunks not cached are read with one statement per run of adjacent ones (a cold start: one statement
    for the whole history instead of one per quarter), then cut apart and cached one by one."""
    edges = chunk_edges(boundaries, now, tz)
    if len(edges) < 2:
        return queries.proportion_counts(boundaries, kinds)
    cache, kinds_key = _cache(), tuple(sorted(kinds.items()))
    spans = list(zip(edges, edges[1:]))
    keys = {(low, high): ("proportion-counts", tuple(boundaries[low:high + 1]), kinds_key) for low, high in spans}
    stamp = cache.stamp()
    found = {(low, high): cache.lookup(keys[(low, high)], (boundaries[low], boundaries[high]), stamp, max_age())
             for low, high in spans}
    for run_low, run_high in _runs([span for span, frame in found.items() if frame is MISSING]):
        frame = queries.proportion_counts(boundaries[run_low:run_high + 1], kinds)
        for low, high in spans:
            if run_low <= low and high <= run_high:
                part = frame[(frame["bucket"] >= low - run_low) & (frame["bucket"] < high - run_low)]
                found[(low, high)] = part.assign(bucket=part["bucket"] - (low - run_low)).reset_index(drop=True)
                cache.store(keys[(low, high)], found[(low, high)], stamp)
    frames = [frame.assign(bucket=frame["bucket"] + low) for (low, _high), frame in found.items() if len(frame)]
    if not frames:
        return queries.empty_proportion_counts()
    return pd.concat(frames, ignore_index=True)
