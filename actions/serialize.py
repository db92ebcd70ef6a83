"""An action as JSON (the API's contract), with its measured effect."""
from __future__ import annotations

from datetime import date

from actions.models import ImprovementAction
import pandas as pd

from analytics.effects import Effect, chart_points


def scope_of(action: ImprovementAction) -> dict:
    if action.service_point is not None:
        return {"kind": "service_point", "code": action.service_point.code,
                "department": action.service_point.department.code}
    if action.department is not None:
        return {"kind": "department", "code": action.department.code, "department": action.department.code}
    return {"kind": "office", "code": None, "department": None}


def chart_json(chart: tuple[pd.DataFrame, date | None] | None) -> dict | None:
    if chart is None:
        return None
    frame, rebased = chart
    return {"grain": "week", "rebased_from": rebased.isoformat() if rebased else None, "points": chart_points(frame)}


def action_json(action: ImprovementAction, effect: Effect | None, today: date,
                chart: tuple[pd.DataFrame, date | None] | None = None) -> dict:
    return {
        "id": action.id,
        "title": action.title,
        "description": action.description,
        "kind": action.kind,
        "scope": scope_of(action),
        "indicator": action.indicator,
        "question": action.question_code,
        "status": action.status,
        "overdue": action.is_overdue(today),
        "owner": action.owner.email,
        "due_date": action.due_date.isoformat(),
        "effective_date": action.effective_date.isoformat() if action.effective_date else None,
        "prompted_by": {"signal": action.signal_id, "objective": action.objective_id,
                        "comments": [c.id for c in action.comments]},
        "problem_since": action.problem_since.isoformat() if action.problem_since else None,
        "notes": action.notes,
        "effectiveness_note": action.effectiveness_note,
        "published": action.publish,
        "window_weeks": action.window_weeks,
        "delta": action.delta,
        "verdict": effect.verdict if effect else "too_early",
        "effect": effect.as_dict() if effect else None,
        "control_chart": chart_json(chart),
    }
