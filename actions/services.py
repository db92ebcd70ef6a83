"""The rules of improvement actions. Every change is audited in the same transaction and empties the
dashboards' cache (the dashboards' trend charts carry the actions' markers).

- the quality manager and the admin manage every action; a department head only those of their own
  departments (and of counters in them) — anything else is refused with ``ActionForbidden`` (a 403);
- an action cannot be closed as effective or not effective without an effectiveness note, and cannot be
  implemented (or judged) without the date its change took effect;
- an action prompted by a signal takes the day its problem began from the signal's ``since``;
- closing an action as effective re-bases the signals' control chart of its scope from the week its own
  chart first showed a special-cause improvement (``signals.services.add_rebase``);
- ``answer_ids_linked_to_open_actions`` tells comment retention which comments must be kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from actions import queries
from actions.models import (
    ACTION_SCOPES,
    JUDGED_STATUSES,
    KINDS,
    MEASURED_INDICATORS,
    NOT_STARTED,
    STATUSES,
    ImprovementAction,
)
from admin.services import ChangeRejected, _apply, audit
from analytics.service import office_timezone
from dashboard.cache import app_cache
from extensions import db
from signals.models import ChartRebase, Signal
from signals.services import add_rebase
from survey.models import Department, QualityObjective, ServicePoint, User
from survey.permissions import sees_whole_office

__all__ = ["ActionForbidden", "ActionInput", "ChangeRejected", "answer_ids_linked_to_open_actions", "can_manage_action",
           "save_action", "set_status"]


class ActionForbidden(PermissionError):
    """The user may not see or change this action (or create one in this scope)."""


@dataclass
class ActionInput:
    """What a form (or a script) gives to create or edit an action."""

    title: str
    kind: str
    scope: str
    owner: User
    due_date: date
    description: str = ""
    department: Department | None = None
    service_point: ServicePoint | None = None
    indicator: str = "csat"
    question_code: str | None = None
    objective: QualityObjective | None = None
    signal_id: int | None = None
    problem_since: date | None = None
    effective_date: date | None = None
    notes: str = ""
    publish: bool = False
    window_weeks: int = 8
    delta: float = 0.10
    comment_ids: list[int] = field(default_factory=list)


def can_manage_scope(user: User, department: Department | None) -> bool:
    if sees_whole_office(user):
        return True
    return department is not None and any(d.id == department.id for d in user.departments)


def can_manage_action(user: User, action: ImprovementAction) -> bool:
    return can_manage_scope(user, action.scope_department)


def _check_input(data: ActionInput) -> None:
    if not data.title.strip():
        raise ChangeRejected("title", _("Podaj tytuł działania."))
    if data.kind not in KINDS:
        raise ChangeRejected("kind", _("Nieznany rodzaj działania."))
    if data.scope not in ACTION_SCOPES:
        raise ChangeRejected("scope", _("Nieznany zakres działania."))
    if data.scope == "department" and data.department is None:
        raise ChangeRejected("department_id", _("Wybierz wydział."))
    if data.scope == "service_point" and data.service_point is None:
        raise ChangeRejected("service_point_id", _("Wybierz stanowisko."))
    if data.indicator not in MEASURED_INDICATORS:
        raise ChangeRejected("indicator", _("Nieznany wskaźnik."))
    if not 1 <= data.window_weeks <= 52:
        raise ChangeRejected("window_weeks", _("Okno pomiaru: od 1 do 52 tygodni."))
    if not 0.01 <= data.delta <= 0.5:
        raise ChangeRejected("delta", _("Wykrywana zmiana: od 1 do 50 punktów procentowych."))
    if data.problem_since and data.effective_date and data.problem_since > data.effective_date:
        raise ChangeRejected("problem_since", _("Początek problemu nie może być późniejszy niż data wejścia zmiany."))


def _scope_department(data: ActionInput) -> Department | None:
    if data.scope == "service_point":
        return data.service_point.department
    return data.department if data.scope == "department" else None


def _values(data: ActionInput) -> dict:
    return {
        "title": data.title.strip(), "description": data.description.strip(), "kind": data.kind, "scope": data.scope,
        "department": data.department if data.scope == "department" else None,
        "service_point": data.service_point if data.scope == "service_point" else None,
        "indicator": data.indicator, "question_code": data.question_code or None, "objective": data.objective,
        "signal_id": data.signal_id, "problem_since": data.problem_since, "owner": data.owner,
        "due_date": data.due_date, "effective_date": data.effective_date, "notes": data.notes.strip(),
        "publish": data.publish, "window_weeks": data.window_weeks, "delta": data.delta,
    }


def _json_safe(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def _changed(actor: User, action: ImprovementAction, verb: str, changes: dict) -> None:
    """Audit, commit, and empty the dashboards' cache of this worker (others see the changed fingerprint)."""
    db.session.flush()
    audit(actor, verb, "improvement_action", action.id, changes={name: _json_safe(pair) for name, pair in changes.items()})
    db.session.commit()
    app_cache().clear()


def save_action(actor: User, action: ImprovementAction | None, data: ActionInput) -> ImprovementAction:
    """Create (``action`` None) or edit an action; ``ActionForbidden`` / ``ChangeRejected`` before any write."""
    if action is not None and not can_manage_action(actor, action):
        raise ActionForbidden()
    _check_input(data)
    if not can_manage_scope(actor, _scope_department(data)):
        raise ActionForbidden()
    if action is not None and action.status != "planned" and data.effective_date is None:
        raise ChangeRejected("effective_date", _("Działanie wdrożone musi mieć datę wejścia zmiany."))
    if data.signal_id is not None:
        data.problem_since = data.problem_since or problem_began(data.signal_id)
    creating = action is None
    action = action or ImprovementAction(status="planned")
    changes = _apply(action, _values(data))
    comments = queries.comments_by_ids(data.comment_ids)
    if [c.id for c in action.comments] != sorted(c.id for c in comments):
        changes["comments"] = [[c.id for c in action.comments], sorted(c.id for c in comments)]
        action.comments = sorted(comments, key=lambda c: c.id)
    if creating:
        db.session.add(action)
    if creating or changes:
        _changed(actor, action, "create" if creating else "update", changes)
    return action


def problem_began(signal_id: int) -> date:
    """The local day the prompting signal's problem began (its ``since``)."""
    signal = db.session.get(Signal, signal_id)
    if signal is None:
        raise ChangeRejected("title", _("Sygnał, który miał skłonić do działania, nie istnieje."))
    return signal.since.astimezone(ZoneInfo(office_timezone())).date()


def _scope_code(action: ImprovementAction) -> str | None:
    if action.service_point is not None:
        return action.service_point.code
    return action.department.code if action.department is not None else None


def rebase_after_improvement(actor: User, action: ImprovementAction) -> ChartRebase | None:
    """Start a new baseline of the signals' chart of the action's scope where the action's chart re-based."""
    from actions.measure import control_chart

    chart = control_chart(action)
    if chart is None or chart[1] is None:
        return None
    question = queries.question_code_for(action.indicator, action.question_code)
    scope_code = _scope_code(action)
    if queries.rebase_exists(action.scope, scope_code, question, chart[1]):
        return None
    return add_rebase(action.scope, scope_code, question, chart[1],
                      _("Poprawa po działaniu „%(title)s”", title=action.title)[:500], actor)


def set_status(actor: User, action: ImprovementAction, status: str, effectiveness_note: str = "") -> None:
    """Move an action to ``status``; judging it (effective / not effective) needs a note saying why."""
    if not can_manage_action(actor, action):
        raise ActionForbidden()
    if status not in STATUSES:
        raise ChangeRejected("status", _("Nieznany stan działania."))
    note = effectiveness_note.strip()
    if status in JUDGED_STATUSES and not (note or action.effectiveness_note):
        raise ChangeRejected("effectiveness_note",
                             _("Aby zamknąć działanie jako skuteczne lub nieskuteczne, opisz ocenę skuteczności."))
    if status not in NOT_STARTED and action.effective_date is None:
        raise ChangeRejected("status", _("Najpierw podaj datę, od której zmiana obowiązuje."))
    values = {"status": status}
    if note:
        values["effectiveness_note"] = note
    changes = _apply(action, values)
    if changes:
        _changed(actor, action, "status", changes)
    if status == "effective":
        rebase_after_improvement(actor, action)


def answer_ids_linked_to_open_actions() -> set[int]:
    """Ids of the residents' comments (answers) selected on actions still open: retention must keep them."""
    return queries.answer_ids_of_open_actions()
