"""The management review's part on improvement (ISO 9001 §9.3.2 a, e–f and §9.3.3): the report sections
"Działania doskonalące" and "Wnioski", and the quarter's record.

Wording is Polish (the report is a Polish document). Conclusions are drafted from the period's signals,
objectives and actions — opportunities for improvement (§9.3.3 a), needs for change (b) and resources (c) — and the
quality manager edits them before the final report is downloaded; that final PDF is kept as the review's
record (``ManagementReviewRecord``).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale

from actions import queries
from actions.measure import measure
from actions.models import ImprovementAction, ManagementReviewRecord
from admin.services import audit
from analytics.effects import Effect
from analytics.periods import Period
from extensions import db
from signals import queries as signals_queries
from signals.messages import describe
from signals.services import scope_names
from survey.models import User, utcnow

STATUS_PL = {"planned": "zaplanowane", "in_progress": "w realizacji", "implemented": "wdrożone",
             "effective": "skuteczne", "not_effective": "nieskuteczne", "too_early": "za wcześnie na ocenę"}
VERDICT_PL = {"improved": "poprawa", "no_change": "bez zmiany", "worse": "pogorszenie",
              "too_early": "za wcześnie na ocenę"}
KIND_PL = {"correction": "korekcja", "corrective": "działanie korygujące", "improvement": "doskonalenie"}


def _pp(value: float) -> str:
    return f"{value:+.1f}".replace(".", ",").replace("-", "−") + " pp"


def effect_text(effect: Effect | None) -> str:
    """The measured effect in one line of figures (Polish)."""
    if effect is None:
        return "brak daty wejścia zmiany"
    estimate = effect.estimate
    if estimate is None:
        return "brak odpowiedzi przed lub po zmianie"
    against = "względem stanowisk bez działań" if effect.did is not None else "po − przed"
    text = (f"{_pp(estimate.difference_pp)} {against} (95% przedział {_pp(estimate.ci_low_pp)} do "
            f"{_pp(estimate.ci_high_pp)})")
    if effect.verdict == "too_early" and effect.still_needed:
        text += f"; potrzeba jeszcze {effect.still_needed} odpowiedzi"
    return text


@dataclass
class ActionRow:
    title: str
    kind: str
    scope: str
    owner: str
    status: str
    due: str
    overdue: bool
    effective: str
    verdict: str
    effect: str


@dataclass
class ImprovementSection:
    actions: list[ActionRow]
    overdue: list[ActionRow]
    earlier_open: list[ActionRow]
    conclusions: list[str]
    conclusions_saved: bool
    notes: list[str] = field(default_factory=list)


def _scope_name(action: ImprovementAction) -> str:
    if action.service_point is not None:
        return f"{action.service_point.name} ({action.service_point.code})"
    if action.department is not None:
        return f"{action.department.name} ({action.department.code})"
    return "cały urząd"


def _row(action: ImprovementAction, effect: Effect | None, today: date) -> ActionRow:
    return ActionRow(action.title, KIND_PL[action.kind], _scope_name(action), action.owner.email,
                     STATUS_PL[action.status], action.due_date.isoformat(), action.is_overdue(today),
                     action.effective_date.isoformat() if action.effective_date else "—",
                     VERDICT_PL[effect.verdict] if effect else VERDICT_PL["too_early"], effect_text(effect))


def _in_scope(action: ImprovementAction, department_code: str | None) -> bool:
    if department_code is None:
        return True
    department = action.scope_department
    return department is not None and department.code == department_code


def period_signals(period: Period, department_code: str | None, acted_on: set[int]) -> list[dict]:
    """The period's signals worded in Polish, each with whether an action names it as its prompt."""
    with force_locale("pl"):
        names = scope_names()
        return [{"kind": s.kind, "acted_on": s.id in acted_on,
                 "message": describe(s, names.get((s.scope_kind, s.scope_code), s.scope_code or ""))}
                for s in signals_queries.signals_since(period.start, period.end, department_code)]


def draft_conclusions(objectives: list[dict], measured: list[tuple[ImprovementAction, Effect | None]],
                      overdue: int, earlier_open: int, signals: list[dict] = ()) -> list[str]:
    """Conclusions to discuss, one sentence each: what worked, what needs change, what needs resources."""
    lines = []
    for signal in signals:
        if signal["kind"] == "improvement":
            lines.append(f"Szansa doskonalenia: {signal['message']} – ustalić przyczynę i utrwalić.")
        elif signal["kind"] in ("concern", "objective_at_risk", "burst") and not signal["acted_on"]:
            lines.append(f"Potrzeba zmiany: {signal['message']} – nie ma jeszcze działania; rozważyć działanie "
                         f"korygujące.")
    for action, effect in measured:
        if effect is not None and effect.verdict == "improved":
            lines.append(f"Szansa doskonalenia: działanie „{action.title}” ({_scope_name(action)}) poprawiło wynik "
                         f"({effect_text(effect)}) – utrwalić je i rozważyć w innych wydziałach.")
        elif effect is not None and effect.verdict == "worse":
            lines.append(f"Potrzeba zmiany: po działaniu „{action.title}” ({_scope_name(action)}) wynik się pogorszył "
                         f"({effect_text(effect)}) – przeanalizować przyczyny.")
        elif action.status == "not_effective":
            lines.append(f"Potrzeba zmiany: działanie „{action.title}” oceniono jako nieskuteczne – zaplanować inne.")
    for objective in objectives:
        if objective["status"] == "not_met":
            lines.append(f"Potrzeba zmiany: cel „{objective['name']}” nie został osiągnięty ({objective['reason']}) – "
                         f"ustalić działanie korygujące.")
        elif objective["status"] == "insufficient_data":
            lines.append(f"Cel „{objective['name']}”: za mało danych ({objective['reason']}) – zwiększyć liczbę "
                         f"zbieranych opinii.")
    if overdue or earlier_open:
        lines.append(f"Zasoby: {overdue} działań po terminie i {earlier_open} otwartych z wcześniejszych przeglądów – "
                     f"sprawdzić, czy właściciele mają czas i środki na ich realizację.")
    return lines or ["Brak działań i celów wymagających decyzji w tym okresie."]


def saved_record(period_label: str) -> ManagementReviewRecord | None:
    return db.session.scalar(sa.select(ManagementReviewRecord).where(ManagementReviewRecord.period == period_label))


def improvement_section(period: Period, department_code: str | None, objectives: list[dict],
                        today: date) -> ImprovementSection:
    """The actions of the period (status, measured effect, overdue ones), those still open from earlier
    reviews, and the conclusions (the saved ones for an office-wide review, else a draft)."""
    touching = [a for a in queries.actions_touching(period.first_day, period.last_day, period.start, period.end)
                if _in_scope(a, department_code)]
    measured = [(a, measure(a, today)) for a in touching]
    rows = [_row(a, effect, today) for a, effect in measured]
    earlier = [a for a in queries.open_actions_due_before(period.first_day) if _in_scope(a, department_code)
               and a not in touching]
    earlier_rows = [_row(a, measure(a, today), today) for a in earlier]
    overdue = [row for row in rows if row.overdue]
    record = saved_record(period.label) if department_code is None else None
    if record is not None and record.conclusions:
        conclusions, saved = [c["text"] for c in record.conclusions], True
    else:
        acted_on = {a.signal_id for a, _effect in measured if a.signal_id} | {a.signal_id for a in earlier if a.signal_id}
        signals = period_signals(period, department_code, acted_on)
        conclusions = draft_conclusions(objectives, measured, len(overdue), len(earlier_rows), signals)
        saved = False
    return ImprovementSection(rows, overdue, earlier_rows, conclusions, saved)


def save_conclusions(actor: User, period_label: str, lines: list[str]) -> ManagementReviewRecord:
    """Store the edited conclusions of a quarter's review (audited)."""
    record = saved_record(period_label) or ManagementReviewRecord(period=period_label, conclusions=[])
    new = [{"text": line.strip()} for line in lines if line.strip()]
    old = record.conclusions or []
    record.conclusions = new
    if record.id is None:
        db.session.add(record)
    db.session.flush()
    audit(actor, "update", "management_review", record.id, changes={"conclusions": [old, new]}, period=period_label)
    db.session.commit()
    return record


def keep_final_report(actor: User, period_label: str, pdf: bytes) -> ManagementReviewRecord:
    """Keep the final report's PDF as the quarter's review record (the newest download replaces an older one)."""
    record = saved_record(period_label) or ManagementReviewRecord(period=period_label, conclusions=[])
    record.final_pdf = pdf
    record.final_sha256 = hashlib.sha256(pdf).hexdigest()
    record.finalized_at = utcnow()
    record.finalized_by_id = actor.id
    if record.id is None:
        db.session.add(record)
    db.session.flush()
    audit(actor, "finalize", "management_review", record.id, period=period_label, sha256=record.final_sha256)
    db.session.commit()
    return record


def review_records() -> list[ManagementReviewRecord]:
    statement = sa.select(ManagementReviewRecord).where(ManagementReviewRecord.final_pdf.is_not(None))
    return list(db.session.scalars(statement.order_by(ManagementReviewRecord.period.desc())))
