"""Bursts at a counter, found in minutes rather than at the end of a quarter (pure functions).

- A **burst** (HappyOrNot style): within ``window_minutes`` (default 60) at one counter, at least
  ``min_answers`` (4) ratings of which at least ``low_share`` (half) are 1 or 2. Something is going wrong at
  the counter right now.
- A **suspicious burst** is a data-quality signal: within ``window_minutes`` (default 10) at one counter, at
  least ``min_responses`` (10) responses *and* at least ``factor`` (5) times the counter's usual rate for
  that much time. The usual rate is the counter's mean responses per hour over the hours in which it had any
  (the last four weeks, read from the hourly counts): a counter that normally gets 3 answers an hour would
  need 10 in ten minutes, a busy one with 60 an hour would need 50. Someone may be tapping the tablet
  repeatedly; staff should look before trusting those answers.

Both take the non-paper answers only (a paper batch is typed in at once and would look like a burst).
Windows that overlap or touch are merged into one burst with its first and last answer.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

BURST_COLUMNS = ["service_point_id", "start", "end", "n", "low"]


@dataclass(frozen=True)
class BurstSettings:
    window_minutes: int = 60
    min_answers: int = 4
    low_share: float = 0.5
    low_ratings: tuple[int, ...] = (1, 2)


@dataclass(frozen=True)
class SuspiciousSettings:
    window_minutes: int = 10
    min_responses: int = 10
    factor: float = 5.0


def _window_ends(times: np.ndarray, window: np.timedelta64) -> np.ndarray:
    """For each sorted time t[i], the index just past the last time in ``[t[i], t[i] + window)``."""
    return np.searchsorted(times, times + window, side="left")


def _merge(times: np.ndarray, firsts: np.ndarray, ends: np.ndarray) -> list[tuple[int, int]]:
    """Merge qualifying windows ``[first, end)`` (indices into ``times``) that overlap into ``(first, end)`` spans."""
    spans: list[tuple[int, int]] = []
    for first, end in zip(firsts, ends):
        if spans and first < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], int(end)))
        else:
            spans.append((int(first), int(end)))
    return spans


def _as_times(column: pd.Series) -> np.ndarray:
    return pd.to_datetime(column, utc=True).dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")


def low_rating_bursts(answers: pd.DataFrame, settings: BurstSettings = BurstSettings()) -> pd.DataFrame:
    """``answers``: ``service_point_id, submitted_at, rating``. Returns ``BURST_COLUMNS`` (``low``: ratings 1–2)."""
    rows = []
    window = np.timedelta64(settings.window_minutes, "m")
    for point, group in answers.groupby("service_point_id", sort=True):
        group = group.sort_values("submitted_at")
        times = _as_times(group["submitted_at"])
        low = np.isin(group["rating"].to_numpy(), settings.low_ratings)
        cumulative_low = np.concatenate([[0], np.cumsum(low)])
        firsts = np.arange(len(times))
        ends = _window_ends(times, window)
        n, lows = ends - firsts, cumulative_low[ends] - cumulative_low[firsts]
        qualifies = (n >= settings.min_answers) & (lows >= settings.low_share * n)
        for first, end in _merge(times, firsts[qualifies], ends[qualifies]):
            rows.append((point, times[first], times[end - 1], end - first, int(cumulative_low[end] - cumulative_low[first])))
    return _burst_frame(rows)


def suspicious_bursts(responses: pd.DataFrame, usual_per_hour: dict[int, float],
                      settings: SuspiciousSettings = SuspiciousSettings()) -> pd.DataFrame:
    """``responses``: ``service_point_id, submitted_at``; ``usual_per_hour``: each counter's usual rate.

    Returns ``BURST_COLUMNS`` (``low`` is 0: the ratings do not matter here).
    """
    rows = []
    window = np.timedelta64(settings.window_minutes, "m")
    for point, group in responses.groupby("service_point_id", sort=True):
        times = np.sort(_as_times(group["submitted_at"]))
        expected = usual_per_hour.get(point, 0.0) * settings.window_minutes / 60
        threshold = max(settings.min_responses, settings.factor * expected)
        firsts = np.arange(len(times))
        ends = _window_ends(times, window)
        qualifies = (ends - firsts) >= threshold
        for first, end in _merge(times, firsts[qualifies], ends[qualifies]):
            rows.append((point, times[first], times[end - 1], end - first, 0))
    return _burst_frame(rows)


def usual_rate_per_hour(hour_counts: pd.DataFrame) -> dict[int, float]:
    """``hour_counts``: ``service_point_id, hour, n`` — mean responses per hour with any, per counter."""
    busy = hour_counts[hour_counts["n"] > 0]
    return {int(point): float(n) for point, n in busy.groupby("service_point_id")["n"].mean().items()}


def _burst_frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=BURST_COLUMNS)
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column]).dt.tz_localize("UTC")
    return frame
