"""What holds now: findings from the control charts, the objectives' running periods and the last hours' answers.

A finding is plain data (``Finding``); ``signals.services.refresh_signals`` turns findings into stored
signals, opening new ones and closing those whose finding is gone.

- **Charts**: the run of special-cause points at the end of a chart (``analytics.spc.run_start``) — its
  rule and mark, since its first point. A chart whose newest point is common cause has no signal, unless that
  point has too few answers to judge yet (``analytics.spc.judged_length``).
- **Objectives at risk**: a ``csat`` or ``yes_share`` objective whose running period's value is on the wrong
  side of the target; how conclusive that is: the one-sided p-value of the value against the target (normal
  approximation) and whether the sample reached the objective's minimum.
- **Bursts** and **suspicious bursts** (``analytics.bursts``) among the answers of the last
  ``OPINIA_BURST_SCAN_HOURS`` (6): answers typed in by residents arrive as they happen, so a burst once found
  stays a fact; its signal stays open for ``OPINIA_BURST_OPEN_HOURS`` after its last answer (see
  ``burst_still_open``) instead of the raw answers of two days being read again on every refresh.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pandas as pd

from analytics import bursts as burst_rules
from analytics import spc
from analytics.objectives import COMPARE, ObjectiveSpec
from signals import queries
from signals.charts import ChartSeries, OfficeCounts, running_period_counts, utc_start
from signals.settings import SignalSettings

SIGNIFICANCE = 0.05
HOURLY_RATE_DAYS = 28


@dataclass(frozen=True)
class Finding:
    key: str
    chart_key: str
    kind: str
    rule: str | None
    scope_kind: str
    scope_code: str | None
    department_code: str | None
    indicator: str | None
    question_code: str | None
    since: datetime
    details: dict = field(default_factory=dict)


def _day(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def chart_findings(charts: list[ChartSeries], tz_name: str) -> list[Finding]:
    findings = []
    for chart in charts:
        columns = chart.columns
        length = spc.judged_length(columns["mark"], columns["n"])
        first = spc.run_start(columns["rule"][:length], columns["mark"][:length], columns["segment"][:length])
        if first is None:
            continue
        last = length - 1
        start, mark, rule = columns["start"][first], columns["mark"][last], columns["rule"][last]
        chart_key = f"spc:{chart.key}:{mark}:{rule}"
        findings.append(Finding(
            key=f"{chart_key}:{_day(start)}", chart_key=chart_key, kind=mark, rule=rule,
            scope_kind=chart.scope_kind, scope_code=chart.scope_code, department_code=chart.department_code,
            indicator=chart.indicator, question_code=chart.question_code, since=utc_start(start, tz_name),
            details={"value": float(columns["value"][last]), "center": float(columns["center"][last]),
                     "n": int(columns["n"][last]), "points": length - first, "grain": chart.grain,
                     "trial": bool(columns["trial"][last]), "since_day": _day(start)},
        ))
    return findings


def _one_sided_p(value: float, target: float, n: int) -> float | None:
    """P of a value this far on the wrong side of the target if the process were exactly on target."""
    if n == 0 or target <= 0 or target >= 1:
        return None
    z = abs(value - target) / math.sqrt(target * (1 - target) / n)
    return 0.5 * math.erfc(z / math.sqrt(2))


def _objective_id(objective: ObjectiveSpec) -> str:
    text = f"{objective.scope}:{objective.scope_code}:{objective.indicator}:{objective.question_code}:{objective.name}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def objective_findings(counts: OfficeCounts, objectives: list[ObjectiveSpec]) -> list[Finding]:
    findings = []
    for objective in objectives:
        if objective.indicator not in ("csat", "yes_share"):
            continue
        label, first_day, n, successes = running_period_counts(counts, objective)
        if n == 0 or COMPARE[objective.comparator](successes / n, objective.target):
            continue
        value = successes / n
        p_value = _one_sided_p(value, objective.target, n)
        conclusive = n >= objective.min_sample and p_value is not None and p_value < SIGNIFICANCE
        chart_key = f"objective:{_objective_id(objective)}"
        findings.append(Finding(
            key=f"{chart_key}:{label}", chart_key=chart_key, kind="objective_at_risk", rule=None,
            scope_kind=objective.scope, scope_code=objective.scope_code,
            department_code=_department_of(counts, objective), indicator=objective.indicator,
            question_code=objective.question_code, since=utc_start(first_day, counts.tz_name),
            details={"objective": objective.name, "period": label, "value": value, "target": objective.target,
                     "comparator": objective.comparator, "n": n, "min_sample": objective.min_sample,
                     "p_value": p_value, "conclusive": conclusive},
        ))
    return findings


def _department_of(counts: OfficeCounts, objective: ObjectiveSpec) -> str | None:
    if objective.scope == "department":
        return objective.department_code
    if objective.scope == "service_point":
        match = counts.catalog[counts.catalog["code"] == objective.service_point_code]
        return None if match.empty else match.iloc[0]["department_code"]
    return None


def _points(counts: OfficeCounts) -> dict[int, tuple[str, str]]:
    return {int(i): (code, dept) for i, code, dept in counts.catalog[["id", "code", "department_code"]].itertuples(index=False)}


def _burst_finding(kind: str, chart_key: str, point: tuple[str, str], row, question: str | None, details: dict) -> Finding:
    start = row["start"].to_pydatetime()
    return Finding(
        key=f"{chart_key}:{start.strftime('%Y%m%dT%H%M')}", chart_key=chart_key, kind=kind, rule=None,
        scope_kind="service_point", scope_code=point[0], department_code=point[1],
        indicator="csat" if question else None, question_code=question, since=start,
        details={"n": int(row["n"]), "end": row["end"].isoformat(), **details},
    )


def burst_findings(counts: OfficeCounts, settings: SignalSettings) -> list[Finding]:
    now = counts.now
    since = now - timedelta(hours=settings.burst_scan_hours)
    points = _points(counts)
    rating_ids = {qid: code for qid, (code, kind) in counts.question_ids.items() if kind == "rating_5"}
    answers = queries.recent_answers(since, list(rating_ids))
    ratings = answers[answers["rating"].notna()]
    findings = []
    for question_id, rows in ratings.groupby("question_id"):
        question = rating_ids[int(question_id)]
        found = burst_rules.low_rating_bursts(rows, settings.bursts)
        for row in found.to_dict("records"):
            point = points[int(row["service_point_id"])]
            findings.append(_burst_finding("burst", f"burst:{point[0]}:{question}", point, _as_row(row), question,
                                           {"low": int(row["low"]), "minutes": settings.bursts.window_minutes}))
    responses = answers.drop_duplicates("response_id")
    usual = burst_rules.usual_rate_per_hour(queries.response_hour_counts(now - timedelta(days=HOURLY_RATE_DAYS), since))
    for row in burst_rules.suspicious_bursts(responses, usual, settings.suspicious).to_dict("records"):
        point_id = int(row["service_point_id"])
        point = points[point_id]
        findings.append(_burst_finding("suspicious_burst", f"suspicious:{point[0]}", point, _as_row(row), None,
                                       {"minutes": settings.suspicious.window_minutes, "usual_per_hour": usual.get(point_id, 0.0)}))
    return findings


def _as_row(row: dict) -> dict:
    return {**row, "start": pd.Timestamp(row["start"]).tz_convert(timezone.utc),
            "end": pd.Timestamp(row["end"]).tz_convert(timezone.utc)}


BURST_KINDS = ("burst", "suspicious_burst")


def burst_still_open(kind: str, details: dict, now: datetime, open_hours: int) -> bool:
    """A burst no longer in the scanned hours stays open until ``open_hours`` after its last answer."""
    if kind not in BURST_KINDS or "end" not in details:
        return False
    return datetime.fromisoformat(details["end"]) >= now - timedelta(hours=open_hours)
