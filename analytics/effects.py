"""Did an improvement action change what residents say? Pure statistics over answer counts.

For a share (CSAT, "yes") in the action's scope, before against after the date the change took effect:

- the difference after − before in percentage points with its 95 % Newcombe (hybrid Wilson score) interval
  and the two-sided p-value of the score test (the pooled two-proportion z-test);
- the difference-in-differences against the pooled counters that had no action in either window, with a
  95 % interval by MOVER (Zou & Donner 2008) from the four Wilson intervals, so a season or an office-wide
  change is not credited to the action;
- the answers still needed after the change to detect a change of ``delta`` from the before share at 80 %
  power, α = 0.05 two-sided (normal approximation with Cohen's h, the before window's answers fixed);
- the action's control chart (``judged_chart``): new points against the frozen pre-action Laney p′ limits
  of ``analytics.spc``, re-based once a special-cause improvement shows;
- a verdict: ``improved`` / ``worse`` when the interval of the estimate that counts (the difference-in-
  differences when there are untreated counters, else the plain difference) lies wholly above / below zero,
  ``too_early`` while it does not and the after window is still running or has fewer answers than needed,
  ``no_change`` otherwise.

The arithmetic comes from statsmodels; this module only combines it. No Flask, no database.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import pandas as pd
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
    test_proportions_2indep,
)

from analytics import spc

ALPHA = 0.05
POWER = 0.80
DEFAULT_DELTA = 0.10
DEFAULT_WINDOW_WEEKS = 8
VERDICTS = ("improved", "no_change", "worse", "too_early")


@dataclass(frozen=True)
class Share:
    """``successes`` of ``n`` answers (e.g. ratings 4–5 of all ratings)."""

    successes: int
    n: int

    @property
    def value(self) -> float | None:
        return self.successes / self.n if self.n else None

    def __add__(self, other: Share) -> Share:
        return Share(self.successes + other.successes, self.n + other.n)


@dataclass(frozen=True)
class Windows:
    """The before and after windows as local days: ``[before_start, before_end)`` and ``[after_start, after_end)``."""

    before_start: date
    before_end: date
    after_start: date
    after_end: date

    def as_dict(self) -> dict:
        return {key: value.isoformat() for key, value in asdict(self).items()}


def effect_windows(effective_date: date, weeks: int = DEFAULT_WINDOW_WEEKS, problem_since: date | None = None) -> Windows:
    """Equal windows of ``weeks`` around ``effective_date``; the before window ends at ``problem_since`` when a
    signal prompted the action, so the fall (and its natural recovery) is not credited to the action."""
    length = timedelta(weeks=weeks)
    before_end = min(problem_since, effective_date) if problem_since else effective_date
    return Windows(before_end - length, before_end, effective_date, effective_date + length)


def wilson(share: Share, alpha: float = ALPHA) -> tuple[float, float]:
    low, high = proportion_confint(share.successes, share.n, alpha=alpha, method="wilson")
    return float(low), float(high)


@dataclass(frozen=True)
class Difference:
    """after − before, in percentage points, with its 95 % interval (and the p-value where one is computed)."""

    before: float
    after: float
    difference_pp: float
    ci_low_pp: float
    ci_high_pp: float
    p_value: float | None = None

    @property
    def above_zero(self) -> bool:
        return self.ci_low_pp > 0

    @property
    def below_zero(self) -> bool:
        return self.ci_high_pp < 0


def before_after(before: Share, after: Share, alpha: float = ALPHA) -> Difference | None:
    """The Newcombe interval of after − before and the score test's p-value; None without answers on a side."""
    if not before.n or not after.n:
        return None
    low, high = confint_proportions_2indep(after.successes, after.n, before.successes, before.n,
                                           method="newcomb", compare="diff", alpha=alpha)
    test = test_proportions_2indep(after.successes, after.n, before.successes, before.n,
                                   method="score", compare="diff", correction=False)
    p_value = 1.0 if math.isnan(test.pvalue) else float(test.pvalue)
    return Difference(before.value, after.value, 100 * (after.value - before.value), 100 * float(low),
                      100 * float(high), p_value)


def difference_in_differences(treated: tuple[Share, Share], control: tuple[Share, Share],
                              alpha: float = ALPHA) -> Difference | None:
    """(treated after − before) − (control after − before) with a MOVER interval from the four Wilson intervals.

    ``before``/``after`` of the result hold the control group's change in percentage points and the treated
    group's, so a reader sees both differences that were subtracted.
    """
    shares = (*treated, *control)
    if any(not s.n for s in shares):
        return None
    (t0, t1), (c0, c1) = treated, control
    intervals = [wilson(s, alpha) for s in shares]
    (t0_lo, t0_hi), (t1_lo, t1_hi), (c0_lo, c0_hi), (c1_lo, c1_hi) = intervals
    treated_change = t1.value - t0.value
    control_change = c1.value - c0.value
    estimate = treated_change - control_change
    # Terms entering with + take their distance to the lower limit for the lower bound; terms with − the upper.
    lower = estimate - math.sqrt((t1.value - t1_lo) ** 2 + (t0_hi - t0.value) ** 2
                                 + (c1_hi - c1.value) ** 2 + (c0.value - c0_lo) ** 2)
    upper = estimate + math.sqrt((t1_hi - t1.value) ** 2 + (t0.value - t0_lo) ** 2
                                 + (c1.value - c1_lo) ** 2 + (c0_hi - c0.value) ** 2)
    return Difference(100 * control_change, 100 * treated_change, 100 * estimate, 100 * lower, 100 * upper)


def target_share(before_share: float, delta: float) -> float:
    """The share a change of ``delta`` leads to: upwards (an improvement) unless that passes 100 %."""
    return before_share + delta if before_share + delta <= 1 else before_share - delta


def answers_needed_after(before: Share, delta: float = DEFAULT_DELTA, alpha: float = ALPHA,
                         power: float = POWER) -> int | None:
    """How many answers after the change detect a change of ``delta`` from the before share (two-sided test of
    two proportions, ``power``, ``alpha``), the before window's answers being fixed. None when no number of
    answers after the change can reach that power with so few answers before (or none at all)."""
    if not before.n or delta <= 0:
        return None
    effect = abs(proportion_effectsize(target_share(before.value, delta), before.value))
    if effect == 0:
        return None
    z = NormalIndPower()
    # With n_before fixed, the power approaches that of an infinite after window; below it no n_after suffices.
    if z.power(effect, nobs1=before.n, alpha=alpha, ratio=1e9) <= power:
        return None
    ratio = z.solve_power(effect_size=effect, nobs1=before.n, alpha=alpha, power=power, ratio=None)
    return math.ceil(float(ratio) * before.n)


@dataclass(frozen=True)
class Effect:
    """The measured effect of one action; ``as_dict`` is the API's ``effect`` object."""

    windows: Windows
    before: Share
    after: Share
    difference: Difference | None
    control_before: Share | None
    control_after: Share | None
    did: Difference | None
    needed_after: int | None
    still_needed: int | None
    window_complete: bool
    verdict: str

    @property
    def estimate(self) -> Difference | None:
        """The estimate the verdict rests on: against the untreated counters when there are any."""
        return self.did if self.did is not None else self.difference

    def as_dict(self) -> dict:
        def difference(d: Difference | None) -> dict | None:
            return None if d is None else {k: _rounded(v) for k, v in asdict(d).items()}

        def share(s: Share | None) -> dict | None:
            return None if s is None else {"successes": s.successes, "n": s.n, "value": _rounded(s.value)}

        return {
            "verdict": self.verdict,
            "windows": self.windows.as_dict(),
            "before": share(self.before),
            "after": share(self.after),
            "difference": difference(self.difference),
            "control": {"before": share(self.control_before), "after": share(self.control_after)}
            if self.control_before is not None else None,
            "difference_in_differences": difference(self.did),
            "answers_needed_after": self.needed_after,
            "answers_still_needed": self.still_needed,
            "after_window_complete": self.window_complete,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def verdict(estimate: Difference | None, still_needed: int | None, window_complete: bool) -> str:
    if estimate is not None and estimate.above_zero:
        return "improved"
    if estimate is not None and estimate.below_zero:
        return "worse"
    if estimate is None or not window_complete or still_needed is None or still_needed > 0:
        return "too_early"
    return "no_change"


def measure_effect(windows: Windows, before: Share, after: Share, today: date,
                   control: tuple[Share, Share] | None = None, delta: float = DEFAULT_DELTA) -> Effect:
    """Everything measured about one action; ``control`` are the pooled untreated counters (None if none)."""
    difference = before_after(before, after)
    did = difference_in_differences((before, after), control) if control else None
    needed = answers_needed_after(before, delta)
    still_needed = None if needed is None else max(0, needed - after.n)
    complete = today >= windows.after_end
    estimate = did if did is not None else difference
    control_before, control_after = control if control else (None, None)
    return Effect(windows, before, after, difference, control_before, control_after, did, needed, still_needed,
                  complete, verdict(estimate, still_needed, complete))


def window_shares(counts: pd.DataFrame, treated: set[int], controls: set[int]) -> dict[str, Share]:
    """``treated_before``, ``treated_after``, ``control_before``, ``control_after`` from per-counter counts.

    ``counts`` has columns ``window`` (``before``/``after``), ``service_point_id``, ``successes``, ``n``.
    """
    result = {}
    for group, ids in (("treated", treated), ("control", controls)):
        for window in ("before", "after"):
            rows = counts[(counts["window"] == window) & counts["service_point_id"].isin(ids)]
            result[f"{group}_{window}"] = Share(int(rows["successes"].sum()), int(rows["n"].sum()))
    return result


def judged_chart(points: pd.DataFrame, cut: date, baseline_points: int = spc.MIN_BASELINE_POINTS) -> tuple[pd.DataFrame, date | None]:
    """The action's control chart: the last ``baseline_points`` points before ``cut`` (where the problem began,
    or the effective date) fix the Laney p′ limits, frozen; every later point is judged against them. Once a
    later point is a special-cause improvement, the chart is re-based from that point (its own new limits),
    so the improved process becomes the new normal. Returns the chart (``spc.CHART_COLUMNS``) and the
    re-basing date, or None.

    ``points`` has ``start`` (date), ``count`` (successes) and ``n`` per point.
    """
    data = points[points["n"] > 0].sort_values("start")
    before = data[data["start"] < cut].tail(baseline_points)
    after = data[data["start"] >= cut]
    frame = pd.concat([before, after], ignore_index=True)
    if before.empty:
        return spc.spc_chart(frame, baseline_points=baseline_points), None
    baseline = len(before)
    chart = spc.spc_chart(frame, baseline_points=baseline)
    new_points = chart.iloc[baseline:]
    improved = new_points[new_points["mark"] == spc.IMPROVEMENT]
    if improved.empty:
        return chart, None
    rebased = improved.iloc[0]["start"]
    return spc.spc_chart(frame, rebase_dates=[rebased], baseline_points=baseline), rebased


def chart_points(chart: pd.DataFrame) -> list[dict]:
    """The chart as JSON-friendly points."""
    return [{
        "start": row.start.isoformat(), "n": int(row.n), "value": _rounded(row.value), "center": _rounded(row.center),
        "lower": _rounded(row.lower), "upper": _rounded(row.upper), "segment": int(row.segment),
        "baseline": bool(row.baseline), "trial": bool(row.trial), "mark": row.mark,
    } for row in chart.itertuples()]
