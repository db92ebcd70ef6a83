"""The measured effect of an action: its windows' answer counts from the database, the statistics from
``analytics.effects``.

The treated counters are those in the action's scope; the untreated ones are the office's other counters
that no action (of any scope covering them) took effect at during either window. An office-wide action has
none, so it is judged by its own before/after difference.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from actions import queries
from actions.models import ImprovementAction
from analytics import effects, spc
from analytics import queries as analytics_queries
from analytics.periods import local_midnight_utc
from analytics.service import office_timezone
from dashboard.filters import local_today


def windows_of(action: ImprovementAction) -> effects.Windows | None:
    if action.effective_date is None:
        return None
    return effects.effect_windows(action.effective_date, action.window_weeks, action.problem_since)


def treated_counter_ids(scope: str, department_id: int | None, service_point_id: int | None,
                        catalog: pd.DataFrame) -> set[int]:
    if scope == "office":
        return set(int(i) for i in catalog["id"])
    if scope == "service_point":
        return {int(service_point_id)} if service_point_id else set()
    return set(int(i) for i in catalog.loc[catalog["department_id"] == department_id, "id"])


def _utc(day: date) -> datetime:
    return local_midnight_utc(day, ZoneInfo(office_timezone()))


def _window_counts(windows: effects.Windows, indicator: str, question_code: str | None) -> pd.DataFrame:
    """Per-counter counts labelled ``before`` / ``after`` (a gap between them, if any, is dropped)."""
    days = sorted({windows.before_start, windows.before_end, windows.after_start, windows.after_end})
    counts = queries.share_counts([_utc(d) for d in days], indicator, question_code)
    labels = {days.index(windows.before_start): "before", days.index(windows.after_start): "after"}
    counts = counts.assign(window=counts["bucket"].map(labels))
    return counts[counts["window"].notna()]


def measure(action: ImprovementAction, today: date | None = None) -> effects.Effect | None:
    """The action's effect, or None while it has no effective date."""
    windows = windows_of(action)
    if windows is None:
        return None
    today = today or local_today(office_timezone())
    catalog = analytics_queries.service_point_catalog()
    treated = treated_counter_ids(action.scope, action.department_id, action.service_point_id, catalog)
    others = queries.effective_actions_between(windows.before_start, windows.after_end)
    touched = set().union(*[treated_counter_ids(scope, dept, point, catalog) for _id, scope, dept, point in others]) \
        if others else set()
    controls = set(int(i) for i in catalog["id"]) - treated - touched
    shares = effects.window_shares(_window_counts(windows, action.indicator, action.question_code), treated, controls)
    control = (shares["control_before"], shares["control_after"]) if controls else None
    if control and not (control[0].n and control[1].n):
        control = None
    return effects.measure_effect(windows, shares["treated_before"], shares["treated_after"], today, control,
                                  action.delta)



def control_chart(action: ImprovementAction, today: date | None = None) -> tuple[pd.DataFrame, date | None] | None:
    """The action's weekly control chart in its scope: 12 weeks before the problem began (or the effective date)
    fix the limits, frozen; the weeks since are judged against them and re-based after a special-cause
    improvement (``analytics.effects.judged_chart``). None without an effective date."""
    windows = windows_of(action)
    if windows is None:
        return None
    today = today or local_today(office_timezone())
    cut = windows.before_end
    weeks = max(1, min((windows.after_end - cut).days, (today - cut).days + 7) // 7)
    days = [cut + timedelta(weeks=i) for i in range(-spc.MIN_BASELINE_POINTS, weeks + 1)]
    counts = queries.share_counts([_utc(d) for d in days], action.indicator, action.question_code)
    catalog = analytics_queries.service_point_catalog()
    treated = treated_counter_ids(action.scope, action.department_id, action.service_point_id, catalog)
    counts = counts[counts["service_point_id"].isin(treated)]
    weekly = counts.groupby(counts["bucket"].astype(int))[["successes", "n"]].sum()
    weekly = weekly.reindex(range(len(days) - 1), fill_value=0)
    points = pd.DataFrame({"start": days[:-1], "count": weekly["successes"].astype(int).to_list(),
                           "n": weekly["n"].astype(int).to_list()})
    return effects.judged_chart(points, cut)
