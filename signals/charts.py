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
    starts = [b.astimezone(tz).date() for b in boundaries]
    frame["day"] = [starts[int(b)] for b in frame["bucket"]]
    frame["week"] = [_monday(day) for day in frame["day"]]
    frame["month"] = [day.replace(day=1) for day in frame["day"]]
    frame["question"] = [ids[int(q)][0] for q in frame["question_id"]]
    catalog = analytics_queries.service_point_catalog()
    frame = frame.merge(catalog[["id", "department_code"]], left_on="service_point_id", right_on="id", how="left")
    question_kinds = {q["code"]: q["kind"] for q in questions if q["kind"] in INDICATOR_OF_KIND}
    return OfficeCounts(frame, catalog, question_kinds, tz_name, now, ids, weeks)


def scopes(counts: OfficeCounts, office_name: str) -> list[tuple[str, str | None, str, str | None, pd.DataFrame]]:
    """``(kind, code, name, department_code, rows)`` of the office, every department and every counter."""
    frame, catalog = counts.frame, counts.catalog
    found = [("office", None, office_name, None, frame)]
    for code, name in catalog[["department_code", "department_name"]].drop_duplicates().itertuples(index=False):
        found.append(("department", code, name, code, frame[frame["department_code"] == code]))
    for point_id, code, name, department in catalog[["id", "code", "name", "department_code"]].itertuples(index=False):
        found.append(("service_point", code, name, department, frame[frame["service_point_id"] == point_id]))
    return found


def _series(rows: pd.DataFrame, grain: str) -> pd.DataFrame:
    grouped = rows.groupby(grain, sort=True)[["n", "success"]].sum().reset_index()
    return grouped.rename(columns={grain: "start", "success": "count"})


def _weekly_n(rows: pd.DataFrame, weeks: list[date]) -> np.ndarray:
    """Answers per week from the scope's first answer on (weeks without any count as 0)."""
    per_week = rows.groupby("week")["n"].sum()
    if per_week.empty:
        return np.array([])
    first = per_week.index.min()
    return np.array([per_week.get(week, 0) for week in weeks if week >= first], dtype=float)


def _rebase_dates(rebases, kind: str, code: str | None, question: str) -> list[date]:
    return [r.starts_on for r in rebases
            if r.scope_kind == kind and (r.scope_code or None) == code and r.question_code in (None, "", question)]


def matching_objective(objectives: list[ObjectiveSpec], kind: str, code: str | None, indicator: str,
                       question: str) -> ObjectiveSpec | None:
    return next((o for o in objectives if o.scope == kind and o.scope_code == code and o.indicator == indicator
                 and o.question_code in (None, question)), None)


def _period_n(rows: pd.DataFrame, period_kind: str, tz_name: str) -> list[int]:
    """Answers per period of the objective's kind (from the month counts: quarters and years are whole months)."""
    monthly = rows.groupby("month")["n"].sum()
    keys = [period_containing_day(month, period_kind, tz_name).label for month in monthly.index]
    return [int(n) for n in monthly.groupby(keys).sum()]


def build_charts(counts: OfficeCounts, office_name: str, objectives: list[ObjectiveSpec], rebases) -> list[ChartSeries]:
    """Every chart of the office (scopes × proportion questions with answers)."""
    charts = []
    for kind, code, name, department, rows in scopes(counts, office_name):
        for question, question_kind in counts.question_kinds.items():
            chart = _chart(counts, kind, code, name, department, rows[rows["question"] == question], question,
                           INDICATOR_OF_KIND[question_kind], objectives, rebases)
            if chart is not None:
                charts.append(chart)
    return charts


def _chart(counts, kind, code, name, department, rows, question, indicator, objectives, rebases) -> ChartSeries | None:
    if rows.empty or rows["n"].sum() == 0:
        return None
    grain = spc.choose_grain(_weekly_n(rows, counts.weeks))
    points = spc.spc_chart(_series(rows, grain), _rebase_dates(rebases, kind, code, question))
    if points.empty:
        return None
    chart = ChartSeries(kind, code, name, department, question, indicator, grain, points)
    objective = matching_objective(objectives, kind, code, indicator, question)
    if objective is not None:
        last = chart.last_segment.iloc[-1]
        chart.objective = objective
        chart.assurance = spc.assurance(float(last["center"]), float(last["sigma_z"]),
                                        _period_n(rows, objective.period_kind, counts.tz_name), objective.target,
                                        objective.comparator)
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
