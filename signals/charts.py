"""Control charts of every scope and proportion question of the office, from one query of the count tables.

A chart is drawn for the office, every department and every counter, for each question whose answers make a
proportion (``rating_5`` → CSAT, the share of 4–5; ``yes_no`` → the share of "yes"). Points are ISO weeks
in the office's time zone, or months where the scope's median answers per week is under 20. The series
starts at the office's first answer, so the baseline (its first 12 points, or the first 12 after a re-base)
never moves; the running week or month is the last point.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cached_property
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from analytics import queries as analytics_queries
from analytics import spc
from analytics.objectives import ObjectiveSpec
from analytics.chart_pieces import chart_boundaries, monday
from analytics.periods import local_midnight_utc, period_containing, period_containing_day
from signals import queries
from signals.counts import chunked_proportion_counts

INDICATOR_OF_KIND = {"rating_5": "csat", "yes_no": "yes_share"}


@dataclass
class ChartSeries:
    """One control chart: its scope, question, grain, the points (``columns``: one array per
    ``analytics.spc.CHART_COLUMNS`` name; ``points``: the same as a DataFrame, built when asked) and assurance."""

    scope_kind: str
    scope_code: str | None
    scope_name: str
    department_code: str | None
    question_code: str
    indicator: str
    grain: str
    columns: dict[str, np.ndarray]
    assurance: str | None = None
    objective: ObjectiveSpec | None = None

    @property
    def key(self) -> str:
        return f"{self.scope_kind}:{self.scope_code or '-'}:{self.question_code}"

    @cached_property
    def points(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns, columns=spc.CHART_COLUMNS)

    @property
    def baseline(self) -> tuple[date, date] | None:
        segment, baseline = self.columns["segment"], self.columns["baseline"]
        if len(segment) == 0:
            return None
        base = np.flatnonzero((segment == segment[-1]) & baseline.astype(bool))
        return (self.columns["start"][base[0]], self.columns["start"][base[-1]]) if len(base) else None


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


def office_counts(now: datetime, tz_name: str) -> OfficeCounts | None:
    """The whole office's proportion answers since its first answer, cut at local weeks and months."""
    first = queries.first_answer_hour()
    questions, ids = analytics_queries.question_catalog()
    kinds = {qid: kind for qid, (_code, kind) in ids.items() if kind in INDICATOR_OF_KIND}
    if first is None or not kinds:
        return None
    tz = ZoneInfo(tz_name)
    boundaries, weeks, _months = chart_boundaries(first.astimezone(tz).date(), now.astimezone(tz).date(), tz)
    if queries.chart_counts_fit(tz_name, boundaries):
        frame = queries.chart_count_rows(boundaries, kinds)
    else:
        frame = chunked_proportion_counts(boundaries, kinds, now, tz)
    days = [b.astimezone(tz).date() for b in boundaries]
    bucket = frame["bucket"].to_numpy(dtype=int)
    frame["day"] = np.array(days, dtype=object)[bucket]
    frame["week"] = np.array([monday(day) for day in days], dtype=object)[bucket]
    frame["month"] = np.array([day.replace(day=1) for day in days], dtype=object)[bucket]
    frame["question"] = frame["question_id"].map({qid: code for qid, (code, _kind) in ids.items()})
    catalog = analytics_queries.service_point_catalog()
    frame = frame.merge(catalog[["id", "department_code"]], left_on="service_point_id", right_on="id", how="left")
    question_kinds = {q["code"]: q["kind"] for q in questions if q["kind"] in INDICATOR_OF_KIND}
    return OfficeCounts(frame, catalog, question_kinds, tz_name, now, ids, weeks)


LEVELS = (("office", None), ("department", "department_code"), ("service_point", "service_point_id"))


@dataclass
class Counts:
    """Answers ``n`` and successes ``count`` per piece of time ``start`` (sorted; only pieces with rows)."""

    start: np.ndarray
    n: np.ndarray
    count: np.ndarray


@dataclass
class ScopeSeries:
    """One scope's answers to one question, per week and per month."""

    kind: str
    code: str | None
    name: str
    department_code: str | None
    question: str
    weekly: Counts
    monthly: Counts


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``values`` in sorted order of the distinct values (-1 for a missing one)."""
    codes, uniques = pd.factorize(values, sort=True)
    return codes, np.asarray(uniques, dtype=object)


def _per(scope: np.ndarray, question: np.ndarray, time: np.ndarray, sizes: tuple[int, int, int],
         n: np.ndarray, success: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, answers and successes summed per (scope, question, piece of time): three arrays of ``sizes``."""
    keep = (scope >= 0) & (question >= 0) & (time >= 0)
    flat = np.ravel_multi_index((scope[keep], question[keep], time[keep]), sizes)
    total = int(np.prod(sizes))
    rows = np.bincount(flat, minlength=total).reshape(sizes)
    answers = np.bincount(flat, weights=n[keep], minlength=total).reshape(sizes)
    successes = np.bincount(flat, weights=success[keep], minlength=total).reshape(sizes)
    return rows, answers, successes


def scope_series(counts: OfficeCounts, office_name: str) -> list[ScopeSeries]:
    """The weekly and monthly series of the office, every department and every counter, per question (the
    count rows summed once per level with ``numpy.bincount``, not grouped per chart). Scopes and questions
    come in sorted order; a series has the pieces of time in which its scope had count rows."""
    catalog, frame = counts.catalog, counts.frame
    names = {("office", None): (office_name, None)}
    names |= {("department", c): (n, c) for c, n in catalog[["department_code", "department_name"]].itertuples(index=False)}
    names |= {("service_point", int(i)): (n, d) for i, n, d in catalog[["id", "name", "department_code"]].itertuples(index=False)}
    point_codes = {int(i): c for i, c in catalog[["id", "code"]].itertuples(index=False)}
    question, questions = _factorize(frame["question"])
    week, weeks = _factorize(frame["week"])
    month, months = _factorize(frame["month"])
    n, success = frame["n"].to_numpy(dtype=float), frame["success"].to_numpy(dtype=float)
    found = []
    for kind, column in LEVELS:
        if column is None:
            scope, scopes = np.zeros(len(frame), dtype=int), np.array([None], dtype=object)
        else:
            scope, scopes = _factorize(frame[column])
        weekly = _per(scope, question, week, (len(scopes), len(questions), len(weeks)), n, success)
        monthly = _per(scope, question, month, (len(scopes), len(questions), len(months)), n, success)
        for s_index, scope_key in enumerate(scopes):
            for q_index, question_code in enumerate(questions):
                if not weekly[0][s_index, q_index].any():
                    continue
                key = int(scope_key) if kind == "service_point" else scope_key
                name, department = names.get((kind, key), ("", None))
                code = point_codes.get(key) if kind == "service_point" else scope_key
                found.append(ScopeSeries(kind, code, name, department, question_code,
                                         _series(weekly, weeks, s_index, q_index),
                                         _series(monthly, months, s_index, q_index)))
    return found


def _series(summed: tuple[np.ndarray, np.ndarray, np.ndarray], starts: np.ndarray, scope: int, question: int) -> Counts:
    rows, answers, successes = summed
    present = rows[scope, question] > 0
    return Counts(starts[present], answers[scope, question][present].astype(np.int64),
                  successes[scope, question][present].astype(np.int64))


def _weekly_n(weekly: Counts, weeks: list[date]) -> np.ndarray:
    """Answers per week from the scope's first answer on (weeks without any count as 0)."""
    per_week = dict(zip(weekly.start, weekly.n))
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


def _period_n(monthly: Counts, period_kind: str, tz_name: str) -> list[int]:
    """Answers per period of the objective's kind (from the month counts: quarters and years are whole months)."""
    totals: dict[str, int] = {}
    for month, n in zip(monthly.start, monthly.n):
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
    if series.weekly.n.sum() == 0:
        return None
    grain = spc.choose_grain(_weekly_n(series.weekly, counts.weeks))
    rows = series.weekly if grain == "week" else series.monthly
    columns = spc.spc_columns(list(rows.start), rows.count, rows.n,
                              _rebase_dates(rebases, series.kind, series.code, series.question))
    if len(columns["start"]) == 0:
        return None
    chart = ChartSeries(series.kind, series.code, series.name, series.department_code, series.question, indicator,
                        grain, columns)
    objective = matching_objective(objectives, series.kind, series.code, indicator, series.question)
    if objective is not None:
        chart.objective = objective
        chart.assurance = spc.assurance(float(columns["center"][-1]), float(columns["sigma_z"][-1]),
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
