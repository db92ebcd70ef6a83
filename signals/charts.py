"""Control charts of every scope and proportion question of the office, from one query of the count tables.

A chart is drawn for the office, every department and every counter, for each question whose answers make a
proportion (``rating_5`` → CSAT, the share of 4–5; ``yes_no`` → the share of "yes"). Points are ISO weeks
in the office's time zone, or months where the scope's median answers per week is under 20. The series
starts at the office's first answer, so the baseline (its first 12 points, or the first 12 after a re-base)
never moves; the running week or month is the last point.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from analytics import queries as analytics_queries
from analytics import spc
from analytics.objectives import ObjectiveSpec
from analytics.periods import local_midnight_utc, period_containing, period_containing_day
from signals import queries

INDICATOR_OF_KIND = {"rating_5": "csat", "yes_no": "yes_share"}


@dataclass
class ChartSeries:
    """One control chart: its scope, question, grain, the points (``analytics.spc.CHART_COLUMNS``) and assurance."""

    scope_kind: str
    scope_code: str | None
    scope_name: str
    department_code: str | None
    question_code: str
    indicator: str
    grain: str
    points: pd.DataFrame
    assurance: str | None = None
    objective: ObjectiveSpec | None = None

    @property
    def key(self) -> str:
        return f"{self.scope_kind}:{self.scope_code or '-'}:{self.question_code}"

    @property
    def last_segment(self) -> pd.DataFrame:
        return self.points[self.points["segment"] == self.points["segment"].iloc[-1]]

    @property
    def baseline(self) -> tuple[date, date] | None:
        base = self.last_segment[self.last_segment["baseline"]]
        return (base["start"].iloc[0], base["start"].iloc[-1]) if len(base) else None


@dataclass
class OfficeCounts:
    """Answers and successes per piece of time (``week``, ``month`` local start days) × counter × question."""

    frame: pd.DataFrame
    catalog: pd.DataFrame
    question_kinds: dict[str, str]
    tz_name: str
    now: datetime
    question_ids: dict[int, tuple[str, str]] = field(default_factory=dict)
    weeks: list[date] = field(default_factory=list)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _boundaries(first: date, last: date, tz: ZoneInfo) -> tuple[list[datetime], list[date], list[date]]:
    """Local week and month starts from ``first`` to past ``last`` (as UTC instants), with the weeks and months."""
    weeks = [_monday(first) + timedelta(weeks=i) for i in range((_monday(last) - _monday(first)).days // 7 + 2)]
    months, month = [], date(first.year, first.month, 1)
    while month <= last:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    edges = sorted({*weeks, *months, month})
    return [local_midnight_utc(day, tz) for day in edges], weeks[:-1], months


def office_counts(now: datetime, tz_name: str) -> OfficeCounts | None:
    """The whole office's proportion answers since its first answer, cut at local weeks and months."""
    first = queries.first_answer_hour()
    questions, ids = analytics_queries.question_catalog()
    kinds = {qid: kind for qid, (_code, kind) in ids.items() if kind in INDICATOR_OF_KIND}
    if first is None or not kinds:
        return None
    tz = ZoneInfo(tz_name)
    boundaries, weeks, _months = _boundaries(first.astimezone(tz).date(), now.astimezone(tz).date(), tz)
    frame = queries.proportion_counts(boundaries, kinds)
    days = [b.astimezone(tz).date() for b in boundaries]
    bucket = frame["bucket"].to_numpy(dtype=int)
    frame["day"] = np.array(days, dtype=object)[bucket]
    frame["week"] = np.array([_monday(day) for day in days], dtype=object)[bucket]
    frame["month"] = np.array([day.replace(day=1) for day in days], dtype=object)[bucket]
    frame["question"] = frame["question_id"].map({qid: code for qid, (code, _kind) in ids.items()})
    catalog = analytics_queries.service_point_catalog()
    frame = frame.merge(catalog[["id", "department_code"]], left_on="service_point_id", right_on="id", how="left")
    question_kinds = {q["code"]: q["kind"] for q in questions if q["kind"] in INDICATOR_OF_KIND}
    return OfficeCounts(frame, catalog, question_kinds, tz_name, now, ids, weeks)


LEVELS = (("office", None), ("department", "department_code"), ("service_point", "service_point_id"))


@dataclass
class ScopeSeries:
    """One scope's answers to one question, per week and per month (``start``, ``n``, ``count``)."""

    kind: str
    code: str | None
    name: str
    department_code: str | None
    question: str
    weekly: pd.DataFrame
    monthly: pd.DataFrame


def _per(frame: pd.DataFrame, keys: list[str], grain: str) -> dict:
    grouped = frame.groupby(keys + [grain], sort=True)[["n", "success"]].sum().reset_index()
    grouped = grouped.rename(columns={grain: "start", "success": "count"})
    return {key if isinstance(key, tuple) else (key,): rows for key, rows in grouped.groupby(keys, sort=True)}


def scope_series(counts: OfficeCounts, office_name: str) -> list[ScopeSeries]:
    """The weekly and monthly series of the office, every department and every counter, per question (one
    ``GROUP BY`` per level, not per chart)."""
    catalog = counts.catalog
    names = {("office", None): (office_name, None)}
    names |= {("department", c): (n, c) for c, n in catalog[["department_code", "department_name"]].itertuples(index=False)}
    names |= {("service_point", int(i)): (n, d) for i, n, d in catalog[["id", "name", "department_code"]].itertuples(index=False)}
    point_codes = {int(i): c for i, c in catalog[["id", "code"]].itertuples(index=False)}
    found = []
    for kind, column in LEVELS:
        keys = ([column] if column else []) + ["question"]
        weekly, monthly = _per(counts.frame, keys, "week"), _per(counts.frame, keys, "month")
        for key, week_rows in weekly.items():
            scope_key = key[0] if column else None
            name, department = names.get((kind, int(scope_key) if kind == "service_point" else scope_key), ("", None))
            code = point_codes.get(int(scope_key)) if kind == "service_point" else scope_key
            found.append(ScopeSeries(kind, code, name, department, key[-1], week_rows, monthly[key]))
    return found


def _weekly_n(weekly: pd.DataFrame, weeks: list[date]) -> np.ndarray:
    """Answers per week from the scope's first answer on (weeks without any count as 0)."""
    per_week = dict(zip(weekly["start"], weekly["n"]))
    if not per_week:
        return np.array([])
    first = min(per_week)
    return np.array([per_week.get(week, 0) for week in weeks if week >= first], dtype=float)


def _rebase_dates(rebases, kind: str, code: str | None, question: str) -> list[date]:
    return [r.starts_on for r in rebases
            if r.scope_kind == kind and (r.scope_code or None) == code and r.question_code in (None, "", question)]


def matching_objective(objectives: list[ObjectiveSpec], kind: str, code: str | None, indicator: str,
                       question: str) -> ObjectiveSpec | None:
    return next((o for o in objectives if o.scope == kind and o.scope_code == code and o.indicator == indicator
                 and o.question_code in (None, question)), None)


def _period_n(monthly: pd.DataFrame, period_kind: str, tz_name: str) -> list[int]:
    """Answers per period of the objective's kind (from the month counts: quarters and years are whole months)."""
    totals: dict[str, int] = {}
    for month, n in zip(monthly["start"], monthly["n"]):
        label = period_containing_day(month, period_kind, tz_name).label
        totals[label] = totals.get(label, 0) + int(n)
    return list(totals.values())


def build_charts(counts: OfficeCounts, office_name: str, objectives: list[ObjectiveSpec], rebases) -> list[ChartSeries]:
    """Every chart of the office (scopes × proportion questions with answers)."""
    charts = []
    for series in scope_series(counts, office_name):
        kind = counts.question_kinds.get(series.question)
        chart = _chart(counts, series, INDICATOR_OF_KIND[kind], objectives, rebases) if kind else None
        if chart is not None:
            charts.append(chart)
    return charts


def _chart(counts: OfficeCounts, series: ScopeSeries, indicator: str, objectives, rebases) -> ChartSeries | None:
    if series.weekly["n"].sum() == 0:
        return None
    grain = spc.choose_grain(_weekly_n(series.weekly, counts.weeks))
    rows = series.weekly if grain == "week" else series.monthly
    points = spc.spc_chart(rows, _rebase_dates(rebases, series.kind, series.code, series.question))
    if points.empty:
        return None
    chart = ChartSeries(series.kind, series.code, series.name, series.department_code, series.question, indicator,
                        grain, points)
    objective = matching_objective(objectives, series.kind, series.code, indicator, series.question)
    if objective is not None:
        last = chart.last_segment.iloc[-1]
        chart.objective = objective
        chart.assurance = spc.assurance(float(last["center"]), float(last["sigma_z"]),
                                        _period_n(series.monthly, objective.period_kind, counts.tz_name),
                                        objective.target, objective.comparator)
    return chart


def running_period_counts(counts: OfficeCounts, objective: ObjectiveSpec) -> tuple[str, date, int, int]:
    """``(period label, first day, n, successes)`` of the objective's scope and question in its running period."""
    period = period_containing(counts.now, objective.period_kind, counts.tz_name)
    frame = counts.frame
    rows = frame[(frame["day"] >= period.first_day) & (frame["day"] <= period.last_day)]
    if objective.scope == "department":
        rows = rows[rows["department_code"] == objective.department_code]
    elif objective.scope == "service_point":
        codes = counts.catalog.set_index("id")["code"]
        rows = rows[rows["service_point_id"].map(codes) == objective.service_point_code]
    if objective.question_code:
        rows = rows[rows["question"] == objective.question_code]
    else:
        kind = {v: k for k, v in INDICATOR_OF_KIND.items()}[objective.indicator]
        first = next((q for q, k in counts.question_kinds.items() if k == kind), None)
        rows = rows[rows["question"] == first]
    return period.label, period.first_day, int(rows["n"].sum()), int(rows["success"].sum())


def utc_start(day: date, tz_name: str) -> datetime:
    return local_midnight_utc(day, ZoneInfo(tz_name)).astimezone(timezone.utc)
