"""Service performance from the queue system (CAF 2020 criterion 6.2): pure functions, no database.

Definitions (the contract of the ``served`` keys in the indicators JSON):

- ``served``: customers served in the period (the queue system's count), ``None`` without queue data;
- ``average_wait_minutes``: the hours' average waits weighted by the customers served in them;
- ``response_rate``: survey responses / customers served, both counted only over the counter-hours that
  have queue data (an hour without queue data says nothing about how many were served);
- ``coverage``: the share of the period's opening counter-hours that have queue data.

Missing data is ``None`` (JSON ``null``), never 0: without any queue data in a group all four are ``None``
(its ``covered_hours`` is 0 and ``opening_hours`` says how many there were). Opening hours come from a short text such as
``"Mon 08:00-17:00; Tue-Fri 07:30-15:30"``; Polish public holidays are closed days.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from analytics.indicators import rating_5_indicators

DEFAULT_OPENING_HOURS = "Mon-Fri 07:30-15:30"
DEFAULT_LOW_RESPONSE_RATE = 0.02
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Waiting-time bands (minutes, lower bound included), the same as the demo survey's own waiting question.
WAIT_BANDS: tuple[tuple[str, float, float | None], ...] = (
    ("lt5", 0, 5),
    ("5to15", 5, 15),
    ("15to30", 15, 30),
    ("gt30", 30, None),
)

WAIT_BAND_LABELS_PL = {"lt5": "poniżej 5 min", "5to15": "5–15 min", "15to30": "15–30 min", "gt30": "30 min i dłużej"}

SERVED_KEYS = ("served", "average_wait_minutes", "response_rate", "coverage")


# ---- opening hours -------------------------------------------------------------------------------------

class OpeningHoursError(ValueError):
    """Opening hours that cannot be read; the message shows the expected form."""


@dataclass(frozen=True)
class OpeningHours:
    """Opening minutes after midnight per weekday (0 = Monday): ``{weekday: ((start, end), ...)}``."""

    by_weekday: Mapping[int, tuple[tuple[int, int], ...]]

    def local_hours(self, weekday: int) -> set[int]:
        """The local clock hours (0–23) of a weekday that overlap the opening time."""
        hours: set[int] = set()
        for start, end in self.by_weekday.get(weekday, ()):
            hours |= set(range(start // 60, (end - 1) // 60 + 1))
        return hours


_GROUP = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_opening_hours(text: str) -> OpeningHours:
    """``"Mon 08:00-17:00; Tue-Fri 07:30-15:30"`` (weekdays in English, 24-hour clock) -> ``OpeningHours``."""
    by_weekday: dict[int, list[tuple[int, int]]] = {}
    example = "Mon 08:00-17:00; Tue-Fri 07:30-15:30"
    for group in filter(str.strip, text.lower().split(";")):
        match = _GROUP.match(group)
        if not match or match.group(1) not in WEEKDAY_NAMES or (match.group(2) or "mon") not in WEEKDAY_NAMES:
            raise OpeningHoursError(f"cannot read opening hours {group.strip()!r}; expected e.g. {example!r}")
        first = WEEKDAY_NAMES.index(match.group(1))
        last = WEEKDAY_NAMES.index(match.group(2)) if match.group(2) else first
        start = int(match.group(3)) * 60 + int(match.group(4))
        end = int(match.group(5)) * 60 + int(match.group(6))
        if not 0 <= start < end <= 24 * 60 or last < first:
            raise OpeningHoursError(f"opening hours {group.strip()!r} must run forwards within one day and week")
        for weekday in range(first, last + 1):
            by_weekday.setdefault(weekday, []).append((start, end))
    if not by_weekday:
        raise OpeningHoursError(f"no opening hours given; expected e.g. {example!r}")
    return OpeningHours({day: tuple(spans) for day, spans in by_weekday.items()})


def easter_sunday(year: int) -> date:
    """Western Easter (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month = (h + ll - 7 * m + 114) // 31
    day = (h + ll - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def polish_public_holidays(year: int) -> set[date]:
    """Days off work in Poland (ustawa o dniach wolnych od pracy), including 24 December from 2025."""
    easter = easter_sunday(year)
    fixed = [(1, 1), (1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 25), (12, 26)]
    if year >= 2025:
        fixed.append((12, 24))
    days = {date(year, month, day) for month, day in fixed}
    return days | {easter, easter + timedelta(days=1), easter + timedelta(days=49), easter + timedelta(days=60)}


def opening_slots(start: pd.Timestamp, end: pd.Timestamp, tz_name: str, opening: OpeningHours) -> pd.DatetimeIndex:
    """The UTC starts of every opening hour in ``[start, end)``: local hours overlapping the opening time on
    working days (public holidays closed). Both 02:00 hours of the October change count if 02:00 is open."""
    start, end = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")
    hours = pd.date_range(start.floor("h"), end, freq="h", inclusive="left")
    hours = hours[hours >= start]
    if hours.empty:
        return hours
    local = hours.tz_convert(tz_name)
    holidays = set().union(*(polish_public_holidays(y) for y in range(local[0].year, local[-1].year + 1)))
    open_hours = {day: opening.local_hours(day) for day in range(7)}
    keep = [
        hour in open_hours[weekday] and day not in holidays
        for weekday, hour, day in zip(local.weekday, local.hour, local.date)
    ]
    return hours[keep]


# ---- the indicators ------------------------------------------------------------------------------------

def _ratio(part: float, whole: float) -> float | None:
    return float(part) / float(whole) if whole else None


def served_summary(hours: pd.DataFrame, slots: pd.DatetimeIndex, counters: int) -> dict:
    """The four indicators (and their parts) of one group of counters.

    ``hours``: one row per counter-hour with queue data: ``hour`` (UTC), ``served``, ``walked_away``,
    ``average_wait_minutes`` (may be missing), ``responses`` (survey responses in that counter-hour).
    ``slots``: the period's opening hours; ``counters``: how many counters the group has.
    """
    if hours.empty:
        return {"served": None, "walked_away": None, "average_wait_minutes": None, "response_rate": None,
                "coverage": None, "responses_in_queue_hours": 0,
                "covered_hours": 0, "opening_hours": len(slots) * counters}
    served = int(hours["served"].sum())
    timed = hours[hours["average_wait_minutes"].notna() & (hours["served"] > 0)]
    waited = float((timed["average_wait_minutes"] * timed["served"]).sum())
    walked = hours["walked_away"].dropna()
    responses = int(hours["responses"].sum())
    covered = int(hours["hour"].isin(slots).sum())
    opening = len(slots) * counters
    return {
        "served": served,
        "walked_away": int(walked.sum()) if len(walked) else None,
        "average_wait_minutes": _ratio(waited, timed["served"].sum()),
        "response_rate": _ratio(responses, served),
        "coverage": _ratio(covered, opening),
        "responses_in_queue_hours": responses,
        "covered_hours": covered,
        "opening_hours": opening,
    }


def grouped_summaries(hours: pd.DataFrame, key: str, slots: pd.DatetimeIndex, counters: Mapping[str, int]) -> dict[str, dict]:
    """``served_summary`` per value of ``key`` (a department or counter code) for every group in ``counters``."""
    groups = dict(tuple(hours.groupby(key))) if len(hours) else {}
    empty = hours.iloc[0:0]
    return {code: served_summary(groups.get(code, empty), slots, n) for code, n in counters.items()}


def is_low_response_rate(rate: float | None, threshold: float = DEFAULT_LOW_RESPONSE_RATE) -> bool:
    """Too few answers per customer served for the survey to speak for the counter's customers."""
    return rate is not None and rate < threshold


def wait_band(minutes: float) -> str:
    for name, low, high in WAIT_BANDS:
        if minutes >= low and (high is None or minutes < high):
            return name
    return WAIT_BANDS[0][0]


def csat_by_wait_band(counts: pd.DataFrame) -> list[dict]:
    """CSAT with its Wilson interval for each waiting-time band.

    ``counts``: ``band``, ``value`` (rating 1–5) and ``count`` of the rating answers given in counter-hours
    whose average wait (measured by the queue system) falls into the band. Every band is listed.
    """
    result = []
    for name, low, high in WAIT_BANDS:
        part = counts[counts["band"] == name] if len(counts) else counts
        distribution = {int(v): int(c) for v, c in part.groupby("value")["count"].sum().items()} if len(part) else {}
        rating = rating_5_indicators(distribution)
        result.append({"band": name, "from_minutes": low, "to_minutes": high, "n": rating["n"],
                       **{key: rating[key] for key in ("csat", "csat_ci_low", "csat_ci_high", "mean")}})
    return result
