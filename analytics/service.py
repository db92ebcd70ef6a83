"""Indicators for a period and a scope, as the JSON structure shared by the CLI, the API, dashboards and reports.

One ``GROUP BY`` (over the day and hour counts kept by triggers) fetches answer counts per (month ×
counter × question × value) for the period and the previous one; everything else — office, department,
counter and month breakdowns, changes, objectives — is summed from those few hundred rows in pandas.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pandas as pd
from flask import current_app

from analytics import queries
from analytics.indicators import grouped_questions, questions_from_counts, with_changes
from analytics.objectives import ObjectiveSpec, evaluate_objective
from analytics.periods import Period, parse_period
from served.services import add_served_indicators

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class ScopeError(ValueError):
    """An unknown department or counter code, or a counter outside the given department."""


@dataclass(frozen=True)
class Scope:
    kind: str  # office | department | service_point
    code: str | None
    name: str
    department_code: str | None
    service_points: pd.DataFrame  # rows of queries.service_point_catalog() in scope

    @property
    def service_point_ids(self) -> list[int] | None:
        return None if self.kind == "office" else [int(i) for i in self.service_points["id"]]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "code": self.code, "name": self.name}


def office_timezone() -> str:
    return current_app.config["OPINIA_TIMEZONE"]


def as_period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else parse_period(period, office_timezone())


def resolve_scope(department_code: str | None = None, service_point_code: str | None = None) -> Scope:
    """The whole office, one department or one counter; ``ScopeError`` for unknown or mismatched codes."""
    catalog = queries.service_point_catalog()
    if service_point_code:
        rows = catalog[catalog["code"] == service_point_code]
        if rows.empty:
            raise ScopeError(f"unknown service point {service_point_code!r}")
        row = rows.iloc[0]
        if department_code and row["department_code"] != department_code:
            raise ScopeError(f"service point {service_point_code!r} does not belong to department {department_code!r}")
        return Scope("service_point", service_point_code, row["name"], row["department_code"], rows)
    if department_code:
        departments = queries.department_catalog()
        match = departments[departments["code"] == department_code]
        if match.empty:
            raise ScopeError(f"unknown department {department_code!r}")
        rows = catalog[catalog["department_code"] == department_code]
        return Scope("department", department_code, match.iloc[0]["name"], department_code, rows)
    return Scope("office", None, current_app.config.get("OPINIA_OFFICE_NAME", "office"), None, catalog)


def _boundaries(periods: list[Period]) -> list[datetime]:
    """Bucket edges: every period's start and end and every local month start between them."""
    edges = {p.start for p in periods} | {p.end for p in periods}
    for period in periods:
        edges |= {month.start for month in period.months()}
    return sorted(edges)


@dataclass
class _Counts:
    answers: pd.DataFrame  # bucket, start, service_point, department, code, kind, value, count
    responses: pd.DataFrame  # bucket, start, service_point, department, count


def _fetch_counts(boundaries: list[datetime], scope: Scope, question_ids: dict[int, tuple[str, str]], source: str) -> _Counts:
    points = scope.service_points.set_index("id")
    bucket_start = pd.Series(boundaries[:-1])

    def label(frame: pd.DataFrame) -> dict:
        return {
            "bucket": frame["bucket"],
            "start": frame["bucket"].map(bucket_start),
            "service_point": frame["service_point_id"].map(points["code"]),
            "department": frame["service_point_id"].map(points["department_code"]),
        }

    answers = queries.answer_counts(boundaries, scope.service_point_ids, question_ids, source)
    answers = pd.DataFrame({
        **label(answers),
        "code": answers["question_id"].map(lambda qid: question_ids[qid][0]),
        "kind": answers["question_id"].map(lambda qid: question_ids[qid][1]),
        "value": answers["value"],
        "count": answers["count"].astype("int64"),
    })
    responses = queries.response_counts(boundaries, scope.service_point_ids, source)
    responses = pd.DataFrame({**label(responses), "count": responses["count"].astype("int64")})
    return _Counts(answers, responses)


def _in_period(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    return frame[(frame["start"] >= period.start) & (frame["start"] < period.end)]


def _responses_by(frame: pd.DataFrame, key: str) -> dict:
    return {k: int(v) for k, v in frame.groupby(key)["count"].sum().items()} if len(frame) else {}


def _breakdown(
    current: _Counts, previous: _Counts, key: str, entries: list[tuple[str, str]], questions: list[dict], extra=None
) -> list[dict]:
    """Per-group indicators (with changes) for every ``(code, name)`` in ``entries``, also groups with no answers."""
    now = grouped_questions(current.answers, key, questions)
    before = grouped_questions(previous.answers, key, questions)
    responses = _responses_by(current.responses, key)
    empty = questions_from_counts(current.answers.iloc[0:0], questions)
    result = []
    for code, name in entries:
        entry = {"code": code, "name": name, **(extra(code) if extra else {}), "responses": responses.get(code, 0)}
        entry["questions"] = with_changes(now.get(code, empty), before.get(code, empty))
        result.append(entry)
    return result


def _by_month(current: _Counts, period: Period, questions: list[dict]) -> list[dict]:
    by_start = grouped_questions(current.answers, "start", questions)
    responses = _responses_by(current.responses, "start")
    empty = questions_from_counts(current.answers.iloc[0:0], questions)
    return [
        {
            "month": f"{month.first_day.year}-{month.first_day.month:02d}",
            "from": month.first_day.isoformat(),
            "to": month.last_day.isoformat(),
            "responses": responses.get(pd.Timestamp(month.start), 0),
            "questions": by_start.get(pd.Timestamp(month.start), empty),
        }
        for month in period.months()
    ]


def _department_entries(scope: Scope) -> list[tuple[str, str]]:
    """Every department for the office (also those without counters), else the scope's own department."""
    departments = queries.department_catalog()
    if scope.kind != "office":
        departments = departments[departments["code"] == scope.department_code]
    return list(zip(departments["code"], departments["name"]))


def _objectives_in_scope(scope: Scope) -> list[ObjectiveSpec]:
    specs = queries.active_objectives()
    if scope.kind == "office":
        return specs
    points = set(scope.service_points["code"])
    if scope.kind == "department":
        return [s for s in specs if (s.scope == "department" and s.department_code == scope.code)
                or (s.scope == "service_point" and s.service_point_code in points)]
    return [s for s in specs if s.scope == "service_point" and s.service_point_code == scope.code]


def _evaluate_objectives(scope: Scope, office: dict, departments: list[dict], points: list[dict]) -> list[dict]:
    groups = {("department", d["code"]): d for d in departments} | {("service_point", p["code"]): p for p in points}
    results = []
    for spec in _objectives_in_scope(scope):
        group = office if spec.scope == "office" else groups.get((spec.scope, spec.scope_code))
        questions, responses = (group["questions"], group["responses"]) if group else ([], 0)
        results.append(evaluate_objective(spec, questions, responses))
    return results


def compute_indicators(
    period: Period | str,
    department_code: str | None = None,
    service_point_code: str | None = None,
    *,
    source: str = "auto",
    now: datetime | None = None,
) -> dict:
    """Every indicator of a period and scope: the JSON contract of the CLI and ``GET /api/v1/indicators``.

    Raises ``PeriodError`` / ``ScopeError`` (both ``ValueError``) with a message fit for the user.
    ``source`` picks the counts read (``auto``, ``hourly`` or ``raw``, see ``queries.answer_counts``).
    Changes are measured against ``period.comparison(today)``: a period that has not ended yet (``running``
    in ``period_info``) is compared with the same number of days of the previous period
    (``previous_period.same_days_of`` names that period), decided here once for the API, the CLI, the
    dashboards and the report.
    """
    period = as_period(period)
    today = (now or datetime.now(timezone.utc)).astimezone(ZoneInfo(period.tz_name)).date()
    previous_period = period.comparison(today)
    scope = resolve_scope(department_code, service_point_code)
    questions, question_ids = queries.question_catalog()
    counts = _fetch_counts(_boundaries([previous_period, period]), scope, question_ids, source)
    current = _Counts(_in_period(counts.answers, period), _in_period(counts.responses, period))
    previous = _Counts(_in_period(counts.answers, previous_period), _in_period(counts.responses, previous_period))

    responses = int(current.responses["count"].sum())
    office = {
        "responses": responses,
        "questions": with_changes(questions_from_counts(current.answers, questions),
                                  questions_from_counts(previous.answers, questions)),
    }
    points_table = scope.service_points
    by_department = _breakdown(current, previous, "department", _department_entries(scope), questions)
    department_of = dict(zip(points_table["code"], points_table["department_code"]))
    by_service_point = _breakdown(current, previous, "service_point", list(zip(points_table["code"], points_table["name"])),
                                  questions, extra=lambda code: {"department": department_of[code]})
    result = {
        "period": period.label,
        "period_info": {**period.as_dict(), "running": period.is_running(today), "days": period.days,
                        "days_elapsed": period.days_elapsed(today)},
        "previous_period": {
            **previous_period.as_dict(),
            "responses": int(previous.responses["count"].sum()),
            "same_days_of": period.previous().label if period.is_running(today) else None,
            "days": previous_period.days,
        },
        "timezone": period.tz_name,
        "scope": scope.as_dict(),
        "responses": responses,
        "questions": office["questions"],
        "by_department": by_department,
        "by_service_point": by_service_point,
        "by_month": _by_month(current, period, questions),
        "by_weekday_hour": weekday_hour_counts(period, scope, source=source),
        "objectives": _evaluate_objectives(scope, office, by_department, by_service_point),
    }
    # The queue system's figures (CAF 6.2), added in one step of their own: see served.services.
    return add_served_indicators(result, period, scope.service_points, scope.kind != "office", question_ids)


def weekday_hour_counts(period: Period | str, scope: Scope | None = None, *, source: str = "auto") -> list[dict]:
    """Responses per local weekday (0 = Monday) and hour, only the non-empty cells, for heat maps."""
    period = as_period(period)
    scope = scope or resolve_scope()
    hours = queries.responses_by_utc_hour(period.start, period.end, scope.service_point_ids, source)
    if hours.empty:
        return []
    local = hours["hour"].dt.tz_convert(period.tz_name)
    cells = hours.assign(weekday=local.dt.weekday, hour=local.dt.hour).groupby(["weekday", "hour"])["count"].sum()
    return [
        {"weekday": int(weekday), "weekday_name": WEEKDAYS[weekday], "hour": int(hour), "responses": int(count)}
        for (weekday, hour), count in cells.items()
    ]


def indicators_by_month(
    period: Period | str, department_code: str | None = None, service_point_code: str | None = None, *,
    source: str = "auto", kinds: Sequence[str] | None = None,
) -> list[dict]:
    """Per-month indicators over a period (e.g. the last 12 months), for CSAT-by-month charts with intervals.

    ``kinds`` (e.g. ``["rating_5"]``) limits the questions to those kinds: a chart of one indicator then
    reads only its own counts.
    """
    period = as_period(period)
    scope = resolve_scope(department_code, service_point_code)
    questions, question_ids = queries.question_catalog()
    if kinds is not None:
        questions = [q for q in questions if q["kind"] in kinds]
        question_ids = {qid: code_kind for qid, code_kind in question_ids.items() if code_kind[1] in kinds}
    counts = _fetch_counts(_boundaries([period]), scope, question_ids, source)
    return _by_month(counts, period, questions)


def comments_page(
    period: Period | str | None = None,
    department_code: str | None = None,
    service_point_code: str | None = None,
    *,
    text: str | None = None,
    ratings: list[int] | None = None,
    page: int = 1,
    per_page: int = queries.COMMENTS_PER_PAGE,
) -> queries.CommentsPage:
    """Comments in a scope (and optionally a period), newest first; see ``queries.comments``."""
    scope = resolve_scope(department_code, service_point_code)
    resolved = as_period(period) if period is not None else None
    return queries.comments(
        resolved.start if resolved else None,
        resolved.end if resolved else None,
        scope.service_point_ids,
        text=text,
        ratings=ratings,
        page=page,
        per_page=per_page,
    )
