"""Markers of improvement actions for the dashboards' trend charts: which actions, when, and what they did."""
from __future__ import annotations

from flask_babel import gettext as _

from actions import queries
from actions.forms import STATUS_LABELS, VERDICT_LABELS
from actions.measure import measure
from actions.models import ImprovementAction
from dashboard.formatting import percentage_points


def _applies(action: ImprovementAction, department_code: str | None, service_point_code: str | None) -> bool:
    """Office-wide actions show everywhere; a department's on it and its counters; a counter's on both."""
    if action.scope == "office":
        return True
    department = action.scope_department
    if service_point_code is not None and action.service_point is not None:
        return action.service_point.code == service_point_code
    if action.scope == "department":
        return department is not None and department.code == department_code
    return service_point_code is None and department is not None and department.code == department_code


def marker_text(action: ImprovementAction) -> str:
    effect = measure(action)
    text = f"{action.title} — {STATUS_LABELS[action.status]}"
    if effect is not None and effect.estimate is not None:
        text += _("; efekt: %(verdict)s, %(diff)s", verdict=VERDICT_LABELS[effect.verdict],
                  diff=percentage_points(effect.estimate.difference_pp / 100))
    return text


def trend_markers(department_code: str | None, service_point_code: str | None, by_day: bool = False) -> list[dict]:
    """``{"x": "YYYY-MM", "text": ...}`` (``by_day``: ``"YYYY-MM-DD"``) for every action in scope that has
    taken effect."""
    return [{"x": a.effective_date.isoformat() if by_day else f"{a.effective_date:%Y-%m}", "text": marker_text(a)}
            for a in queries.actions_with_effective_date() if _applies(a, department_code, service_point_code)]


def control_chart_markers(scope_kind: str, scope_code: str | None, department_code: str | None) -> list[dict]:
    """Markers for a signals' control chart of a scope (office, department or counter), by effective day."""
    if scope_kind == "office":
        return [{"x": a.effective_date.isoformat(), "text": marker_text(a)}
                for a in queries.actions_with_effective_date() if a.scope == "office"]
    point = scope_code if scope_kind == "service_point" else None
    return trend_markers(department_code or scope_code, point, by_day=True)
