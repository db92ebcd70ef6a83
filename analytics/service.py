"""Indicators for a period and a scope, as the JSON structure shared by the CLI, the API, dashboards and reports.

One ``GROUP BY`` (over the day and hour counts kept by triggers) fetches answer counts per (month ×
counter × question × value) for the period and the one it is compared with, another the responses; everything
else — office, department, counter and month breakdowns, changes, objectives — is summed from those few hundred
rows in plain Python (``analytics.tally``: pandas would cost more than the sums on so few rows).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pandas as pd
from flask import current_app

from analytics import comment_queries, queries
from analytics import tally as tallies
from analytics.indicators import questions_from_distributions, with_changes
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
    service_points: pd.DataFrame  # rows of queries.office_catalog()'s counters in scope (with ``active``)
    departments: pd.DataFrame  # every department of the office: queries.office_catalog()'s first frame

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
    departments, catalog = queries.office_catalog()
    if service_point_code:
        rows = catalog[catalog["code"] == service_point_code]
        if rows.empty:
            raise ScopeError(f"unknown service point {service_point_code!r}")
        row = rows.iloc[0]
        if department_code and row["department_code"] != department_code:
            raise ScopeError(f"service point {service_point_code!r} does not belong to department {department_code!r}")
        return Scope("service_point", service_point_code, row["name"], row["department_code"], rows, departments)
    if department_code:
        match = departments[departments["code"] == department_code]
        if match.empty:
            raise ScopeError(f"unknown department {department_code!r}")
        rows = catalog[catalog["department_code"] == department_code]
        return Scope("department", department_code, match.iloc[0]["name"], department_code, rows, departments)
    return Scope("office", None, current_app.config.get("OPINIA_OFFICE_NAME", "office"), None, catalog, departments)


def _boundaries(periods: list[Period]) -> list[datetime]:
    """Bucket edges: every period's start and end and every local month start between them."""
    edges = {p.start for p in periods} | {p.end for p in periods}
    for period in periods:
        edges |= {month.start for month in period.months()}
    return sorted(edges)


def _fetch_counts(periods: list[Period], scope: Scope, question_ids: dict[int, tuple[str, str]], source: str,
                  by_month: Period | None = None, with_hours: bool = False) -> tuple[list[tallies.GroupCounts], list[tuple]]:
    """The counts of each of ``periods`` (office, departments, counters; months of ``by_month``), from one
    answer-count and one response-count ``GROUP BY`` covering them all; ``with_hours``: the same response
    statement also brings the responses per UTC hour of the last period (``(moment, count)`` rows, for
    ``weekday_hour_cells``)."""
    boundaries = _boundaries(periods)
    starts = boundaries[:-1]
    months = {month.start for month in by_month.months()} if by_month else set()
    points = scope.service_points
    layout = tallies.Layout(
        bucket_periods=[next((i for i, p in enumerate(periods) if p.start <= start < p.end), None) for start in starts],
        bucket_months=[start if start in months else None for start in starts],
        counters=dict(zip(points["id"].tolist(), points["code"].tolist())),
        departments=dict(zip(points["id"].tolist(), points["department_code"].tolist())),
    )
    answers = queries.answer_count_rows(boundaries, scope.service_point_ids, question_ids, source)
    if with_hours:
        responses, hours = queries.response_count_and_hour_rows(boundaries, periods[-1].start, periods[-1].end,
                                                                scope.service_point_ids, source)
    else:
        responses, hours = queries.response_count_rows(boundaries, scope.service_point_ids, source), []
    codes = {qid: code for qid, (code, _kind) in question_ids.items()}
    return tallies.tally(layout, answers, responses, codes, len(periods)), hours


def _questions(counts: tallies.GroupCounts, group, questions: list[dict]) -> list[dict]:
    return questions_from_distributions(counts.distributions(group), questions)


def _with_changes(current: tallies.GroupCounts, previous: tallies.GroupCounts, group, questions: list[dict]) -> list[dict]:
    return with_changes(_questions(current, group, questions), _questions(previous, group, questions))


def _breakdown(current: tallies.GroupCounts, previous: tallies.GroupCounts, group_of, entries: list[tuple[str, str]],
               questions: list[dict], extra=None) -> list[dict]:
    """Per-group indicators (with changes) for every ``(code, name)`` in ``entries``, also groups with no answers;
    ``group_of(code)`` is the group's key in the counts."""
    result = []
    for code, name in entries:
        group = group_of(code)
        entry = {"code": code, "name": name, **(extra(code) if extra else {}), "responses": current.responses_of(group)}
        entry["questions"] = _with_changes(current, previous, group, questions)
        result.append(entry)
    return result


def _by_month(current: tallies.GroupCounts, period: Period, questions: list[dict]) -> list[dict]:
    return [
        {
            "month": f"{month.first_day.year}-{month.first_day.month:02d}",
            "from": month.first_day.isoformat(),
            "to": month.last_day.isoformat(),
            "responses": current.responses_of(tallies.month(month.start)),
            "questions": _questions(current, tallies.month(month.start), questions),
        }
        for month in period.months()
    ]


def _department_entries(scope: Scope) -> list[tuple[str, str]]:
    """Every department for the office (also those without counters), else the scope's own department."""
    departments = scope.departments
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
    (previous, current), hours = _fetch_counts([previous_period, period], scope, question_ids, source,
                                               by_month=period, with_hours=True)

    responses = current.responses_of(tallies.OFFICE)
    office = {"responses": responses, "questions": _with_changes(current, previous, tallies.OFFICE, questions)}
    points_table = scope.service_points
    by_department = _breakdown(current, previous, tallies.department, _department_entries(scope), questions)
    department_of = dict(zip(points_table["code"], points_table["department_code"]))
    by_service_point = _breakdown(current, previous, tallies.service_point, list(zip(points_table["code"], points_table["name"])),
                                  questions, extra=lambda code: {"department": department_of[code]})
    result = {
        "period": period.label,
        "period_info": {**period.as_dict(), "running": period.is_running(today), "days": period.days,
                        "days_elapsed": period.days_elapsed(today)},
        "previous_period": {
            **previous_period.as_dict(),
            "responses": previous.responses_of(tallies.OFFICE),
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
        "by_weekday_hour": weekday_hour_cells(hours, period.tz_name),
        "objectives": _evaluate_objectives(scope, office, by_department, by_service_point),
    }
    # The queue system's figures (CAF 6.2), added in one step of their own: see served.services.
    return add_served_indicators(result, period, scope.service_points, scope.kind != "office", question_ids)


def weekday_hour_counts(period: Period | str, scope: Scope | None = None, *, source: str = "auto") -> list[dict]:
    """Responses per local weekday (0 = Monday) and hour, only the non-empty cells, for heat maps."""
    period = as_period(period)
    scope = scope or resolve_scope()
    return weekday_hour_cells(queries.response_hour_rows(period.start, period.end, scope.service_point_ids, source),
                              period.tz_name)


def weekday_hour_cells(hours: Iterable[tuple[datetime, int]], tz_name: str) -> list[dict]:
    """``(moment, count)`` rows (aware UTC) summed per local weekday and hour, in order (pure)."""
    cells: dict[tuple[int, int], int] = {}
    tz = ZoneInfo(tz_name)
    for moment, count in hours:
        local = moment.astimezone(tz)
        cells[local.weekday(), local.hour] = cells.get((local.weekday(), local.hour), 0) + int(count)
    return [
        {"weekday": weekday, "weekday_name": WEEKDAYS[weekday], "hour": hour, "responses": count}
        for (weekday, hour), count in sorted(cells.items())
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
    (counts,), _hours = _fetch_counts([period], scope, question_ids, source, by_month=period)
    return _by_month(counts, period, questions)


def comments_page(
    period: Period | str | None = None,
    department_code: str | None = None,
    service_point_code: str | None = None,
    *,
    text: str | None = None,
    ratings: list[int] | None = None,
    page: int = 1,
    per_page: int = comment_queries.COMMENTS_PER_PAGE,
) -> comment_queries.CommentsPage:
    """Comments in a scope (and optionally a period), newest first; see ``queries.comments``."""
    scope = resolve_scope(department_code, service_point_code)
    resolved = as_period(period) if period is not None else None
    return comment_queries.comments(
        resolved.start if resolved else None,
        resolved.end if resolved else None,
        scope.service_point_ids,
        text=text,
        ratings=ratings,
        page=page,
        per_page=per_page,
    )
