"""Statistical process control for proportions: Laney p′ charts, the Making Data Count rules, assurance.

Pure functions (arrays and DataFrames in, numbers out), usable without Flask. The semantics follow the NHS
"Making Data Count" programme as implemented by NHSRplotthedots, applied to a p′ chart (Laney 2002):

- ``laney_limits(counts, n, baseline=slice)``: the centre p̄ = Σx/Σn and σz over the baseline points. Each
  point's z = (p − p̄)/σpi with σpi = √(p̄(1−p̄)/n); σz = mean moving range of z / 1.128, *not* floored at 1
  (σz = 1 gives the ordinary p-chart). Limits of a point with n answers: p̄ ± k·σz·σpi, clipped to [0, 1].
- The baseline is the first ``MIN_BASELINE_POINTS`` (12) points of a segment; the centre and σz stay frozen
  after it. A segment with fewer points uses all it has and its limits are *trial* (they will still move).
  ``rebase_from(starts, dates)`` starts a new segment at the first point on or after each date (part 2 of the
  steering work re-bases after an improvement action); every segment has its own baseline and rules.
- ``mark_points(values, center, lower, upper, lower_2, upper_2, improvement=+1)``: each point gets the first
  rule that holds of ``beyond_limit`` (strictly outside a limit), ``trend`` (part of 7 points each strictly
  higher, or each strictly lower, than the one before), ``two_of_three`` (2 of 3 consecutive points beyond
  two sigma on one side — beyond three counts — all three on that side of the centre; the points beyond two
  sigma are marked) and ``shift`` (part of a run of 7 on one side of the centre; a point on the centre breaks
  it), or ``None``; and a mark ``common``, ``concern`` or ``improvement`` by its direction against
  ``improvement`` (+1: higher is better).
- ``assurance(...)``: can the process meet a target? The limits are taken for the objective's own period
  (n̄ = median answers per such period): ``pass`` when the whole band is on the good side of the target,
  ``fail`` when it is on the wrong side, ``hit_and_miss`` when the target lies within the band.

``spc_chart(frame)`` puts it together for one series (``start``, ``count``, ``n`` per point).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

MIN_BASELINE_POINTS = 12
RUN_LENGTH = 7
TREND_LENGTH = 7
D2 = 1.128  # the moving range of two points estimates sigma as mean(MR) / d2
MONTHLY_BELOW_MEDIAN_N = 20

BEYOND_LIMIT, TREND, TWO_OF_THREE, SHIFT = "beyond_limit", "trend", "two_of_three", "shift"
COMMON, CONCERN, IMPROVEMENT = "common", "concern", "improvement"
PROVISIONAL_SHARE_OF_MEDIAN_N = 0.5
PASS, FAIL, HIT_AND_MISS = "pass", "fail", "hit_and_miss"
CHART_COLUMNS = ["start", "n", "count", "value", "center", "lower", "upper", "lower_2", "upper_2",
                 "sigma_z", "segment", "baseline", "trial", "rule", "mark"]


@dataclass(frozen=True)
class Limits:
    """A segment's frozen centre and σz, the baseline points they came from, and whether they are trial."""

    center: float
    sigma_z: float
    baseline: slice
    trial: bool

    def at(self, n, sigmas: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper limits for points with ``n`` answers, clipped to [0, 1]."""
        n = np.asarray(n, dtype=float)
        sigma_p = np.sqrt(self.center * (1 - self.center) / n)
        spread = sigmas * self.sigma_z * sigma_p
        return np.clip(self.center - spread, 0.0, 1.0), np.clip(self.center + spread, 0.0, 1.0)


def laney_limits(counts, n, baseline: slice | None = None) -> Limits:
    """Centre and σz of a Laney p′ chart from the points in ``baseline`` (default: the first 12).

    With p̄ at 0 or 1 every σpi is 0 and z is undefined: σz is then 1 (an ordinary p-chart, whose limits
    collapse onto the centre), so any point off the centre is a signal.
    """
    counts, n = np.asarray(counts, dtype=float), np.asarray(n, dtype=float)
    baseline = baseline if baseline is not None else slice(0, MIN_BASELINE_POINTS)
    x, m = counts[baseline], n[baseline]
    if len(m) == 0 or m.sum() <= 0:
        raise ValueError("a baseline needs at least one point with answers")
    center = float(x.sum() / m.sum())
    trial = len(m) < MIN_BASELINE_POINTS
    if center * (1 - center) == 0 or len(m) < 2:
        return Limits(center, 1.0, baseline, trial)
    z = (x / m - center) / np.sqrt(center * (1 - center) / m)
    sigma_z = float(np.mean(np.abs(np.diff(z))) / D2)
    return Limits(center, sigma_z, baseline, trial)


def rebase_from(starts: Sequence[date], dates: Sequence[date]) -> np.ndarray:
    """Segment number of every point: a new segment begins at the first point on or after each re-base date."""
    dates = sorted(set(dates))
    if not dates:
        return np.zeros(len(starts), dtype=int)
    days = np.array([np.datetime64(day, "D") for day in starts], dtype="datetime64[D]")
    segment = np.zeros(len(days), dtype=int)
    for when in dates:
        segment += days >= np.datetime64(when, "D")
    return segment


def _runs_of(values: np.ndarray, length: int) -> np.ndarray:
    """True for every element of a run of at least ``length`` equal, non-zero values."""
    marked = np.zeros(len(values), dtype=bool)
    values = values.tolist()  # plain numbers: a Python loop over numpy scalars is several times slower
    start = 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[start]:
            if values[start] != 0 and index - start >= length:
                marked[start:index] = True
            start = index
    return marked


def _trend_points(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points in a trend of ``TREND_LENGTH`` (6 strictly rising or falling steps) and the trend's direction."""
    steps = np.sign(np.diff(values))
    marked = np.zeros(len(values), dtype=bool)
    direction = np.zeros(len(values), dtype=int)
    step_run = _runs_of(steps, TREND_LENGTH - 1)
    for index in np.flatnonzero(step_run):
        marked[index:index + 2] = True
        direction[index:index + 2] = steps[index]
    return marked, direction


def _two_of_three(beyond_two: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Points beyond two sigma in some window of 3 with 2+ such points, all 3 on the same side of the centre."""
    marked = np.zeros(len(side), dtype=bool)
    if len(side) < 3:
        return marked
    beyond = beyond_two.astype(int)
    windows = ((beyond[:-2] + beyond[1:-1] + beyond[2:]) >= 2) & (np.abs(side[:-2] + side[1:-1] + side[2:]) == 3)
    for offset in range(3):  # each qualifying window [first, first + 3) marks its points beyond two sigma
        marked[offset:len(side) - 2 + offset] |= windows & beyond_two[offset:len(side) - 2 + offset]
    return marked


def _marks(values: np.ndarray, center: np.ndarray, lower: np.ndarray, upper: np.ndarray, lower_2: np.ndarray,
           upper_2: np.ndarray, improvement: int) -> tuple[np.ndarray, np.ndarray]:
    side = np.sign(values - center).astype(int)
    outside = (values > upper) | (values < lower)
    beyond_two = (values > upper_2) | (values < lower_2)
    trend, trend_direction = _trend_points(values)
    rules_in_order = ((BEYOND_LIMIT, outside, side), (TREND, trend, trend_direction),
                      (TWO_OF_THREE, _two_of_three(beyond_two, side), side), (SHIFT, _runs_of(side, RUN_LENGTH), side))
    rules = np.full(len(values), None, dtype=object)
    direction = np.zeros(len(values), dtype=int)
    for name, holds, way in reversed(rules_in_order):  # the last written wins: the first rule that holds
        rules[holds] = name
        direction[holds] = way[holds]
    marks = np.where(direction * improvement > 0, IMPROVEMENT, CONCERN).astype(object)
    marks[rules == None] = COMMON  # noqa: E711 (elementwise: the points no rule marks)
    return rules, marks


def mark_points(values, center, lower, upper, lower_2, upper_2, improvement: int = 1) -> pd.DataFrame:
    """``rule`` and ``mark`` of every point of one segment (see the module's docstring)."""
    arrays = [np.asarray(a, dtype=float) for a in (values, center, lower, upper, lower_2, upper_2)]
    rules, marks = _marks(*arrays, improvement)
    return pd.DataFrame({"rule": rules, "mark": marks})


def segment_limits(counts, n, baseline_points: int = MIN_BASELINE_POINTS) -> Limits:
    """The frozen limits of one segment: its first ``baseline_points`` points, trial while it has fewer."""
    return laney_limits(counts, n, slice(0, baseline_points))


def spc_chart(frame: pd.DataFrame, rebase_dates: Sequence[date] = (), improvement: int = 1,
              baseline_points: int = MIN_BASELINE_POINTS) -> pd.DataFrame:
    """A whole p′ chart for one series: ``frame`` has ``start``, ``count`` (successes) and ``n`` per point.

    Points without answers are dropped. Returns ``CHART_COLUMNS``: ``baseline`` is True for the points the
    limits of their segment were computed from, ``trial`` for segments shorter than the baseline.
    """
    columns = spc_columns(list(frame["start"]), frame["count"].to_numpy(dtype=float), frame["n"].to_numpy(dtype=float),
                          rebase_dates, improvement, baseline_points)
    return pd.DataFrame(columns, columns=CHART_COLUMNS)


def spc_columns(starts: Sequence[date], counts, n, rebase_dates: Sequence[date] = (), improvement: int = 1,
                baseline_points: int = MIN_BASELINE_POINTS) -> dict[str, np.ndarray]:
    """``spc_chart`` as plain arrays (one per ``CHART_COLUMNS`` name), without building a DataFrame: the
    signals compute every chart of the office and only some are ever shown as a table or figure."""
    counts, n = np.asarray(counts, dtype=float), np.asarray(n, dtype=float)
    keep = np.flatnonzero(n > 0)
    if len(keep) == 0:
        return {name: np.array([], dtype=object) for name in CHART_COLUMNS}
    order = keep[np.argsort(np.array([starts[i] for i in keep], dtype=object), kind="stable")]
    starts = np.array([starts[i] for i in order], dtype=object)
    counts, n = counts[order], n[order]
    segments = rebase_from(list(starts), rebase_dates)
    if not segments.any():
        return _segment_columns(starts, counts, n, 0, improvement, baseline_points)
    parts = [_segment_columns(starts[segments == number], counts[segments == number], n[segments == number],
                              int(number), improvement, baseline_points)
             for number in np.unique(segments)]
    return {name: np.concatenate([part[name] for part in parts]) for name in CHART_COLUMNS}


def _segment_columns(starts: np.ndarray, counts: np.ndarray, n: np.ndarray, segment: int, improvement: int,
                     baseline_points: int) -> dict[str, np.ndarray]:
    limits = segment_limits(counts, n, baseline_points)
    values = counts / n
    size = len(values)
    center = np.full(size, limits.center)
    lower, upper = limits.at(n, 3)
    lower_2, upper_2 = limits.at(n, 2)
    rules, marks = _marks(values, center, lower, upper, lower_2, upper_2, improvement)
    return {
        "start": starts, "n": n.astype(int), "count": counts.astype(int), "value": values, "center": center,
        "lower": lower, "upper": upper, "lower_2": lower_2, "upper_2": upper_2,
        "sigma_z": np.full(size, limits.sigma_z), "segment": np.full(size, segment),
        "baseline": np.arange(size) < baseline_points, "trial": np.full(size, limits.trial),
        "rule": rules, "mark": marks,
    }


def choose_grain(weekly_n) -> str:
    """``week`` unless the median answers per week is under 20 (then monthly points say more)."""
    weekly_n = np.asarray(weekly_n, dtype=float)
    if len(weekly_n) == 0 or float(np.median(weekly_n)) < MONTHLY_BELOW_MEDIAN_N:
        return "month"
    return "week"


def assurance(center: float, sigma_z: float, period_n, target: float | None, comparator: str = ">=") -> str | None:
    """``pass`` / ``fail`` / ``hit_and_miss`` of a target against the limits for the objective's own period.

    ``period_n`` are the answers of each past period of the objective's length (e.g. quarters); their median
    n̄ gives the limits p̄ ± 3·σz·√(p̄(1−p̄)/n̄). Weekly limits against a quarterly target would be far wider
    than the quarter's own spread and almost always say ``hit_and_miss``. ``None`` without a target or data.
    """
    period_n = np.asarray(period_n, dtype=float)
    period_n = period_n[period_n > 0]
    if target is None or len(period_n) == 0:
        return None
    lower, upper = Limits(center, sigma_z, slice(0, 0), False).at(float(np.median(period_n)), 3)
    higher_is_better = comparator in (">=", ">")
    good_side, bad_side = (lower, upper) if higher_is_better else (upper, lower)
    if _beats(good_side, target, comparator):
        return PASS
    if not _beats(bad_side, target, comparator):
        return FAIL
    return HIT_AND_MISS


def _beats(value: float, target: float, comparator: str) -> bool:
    return {">=": value >= target, ">": value > target, "<=": value <= target, "<": value < target}[comparator]


def latest_run(chart: pd.DataFrame) -> pd.DataFrame:
    """The points at the end of a chart that share the last point's rule and mark (empty when it is common).

    A signal is open while its rule holds at the newest point; it started at the first point of this run.
    """
    first = run_start(chart["rule"].to_numpy(), chart["mark"].to_numpy(), chart["segment"].to_numpy())
    return chart.iloc[0:0] if first is None else chart.iloc[first:]


def judged_length(mark, n) -> int:
    """How many points, from the first, judge whether a signal holds: all of them, unless the newest is common
    cause on fewer than half the median answers of a point — typically the running month's first days. Those
    few answers cannot show that a problem has gone; the points before it judge (a concern does not close on
    the first of every month only to open again a week later)."""
    n = np.asarray(n, dtype=float)
    if len(n) > 1 and mark[-1] == COMMON and n[-1] < PROVISIONAL_SHARE_OF_MEDIAN_N * float(np.median(n)):
        return len(n) - 1
    return len(n)


def run_start(rule, mark, segment) -> int | None:
    """Index of the first point of ``latest_run`` (from a chart's columns), or None when the last is common."""
    if len(mark) == 0 or mark[-1] == COMMON:
        return None
    same = (rule == rule[-1]) & (mark == mark[-1]) & (segment == segment[-1])
    breaks = np.flatnonzero(~same)
    return int(breaks[-1] + 1) if len(breaks) else 0
