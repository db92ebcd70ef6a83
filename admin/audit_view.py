"""The audit log as a person reads it: "Nadano nowy kod" rather than ``rotate_token``, the counter's name
rather than ``service_point #11``, "Okres: kwartał → rok" rather than ``period_kind: quarter``.

Other packages that write audit rows add their words with ``register_audit_words`` (actions, entities,
field names), so the log never shows an internal code.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from admin.display import comparator_text
from admin.forms import INDICATOR_LABELS, PERIOD_LABELS, ROLE_LABELS, SCOPE_LABELS
from admin.objectives import question_text, target_text
from extensions import db
from survey.models import AuditLog, Department, QualityObjective, ServicePoint, Survey, User

ACTION_LABELS: dict[str, Any] = {
    "login": _l("Logowanie"),
    "create": _l("Utworzenie"),
    "update": _l("Zmiana"),
    "activate": _l("Ponowna aktywacja"),
    "deactivate": _l("Dezaktywacja"),
    "rotate_token": _l("Nadanie nowego kodu (stare plakaty nie działają)"),
    "enrol_kiosk": _l("Ustawienie tabletu jako kiosku"),
    "new_version": _l("Nowa wersja ankiety"),
    "set_password": _l("Zmiana hasła"),
}
ENTITY_LABELS: dict[str, Any] = {
    "department": _l("Wydział"),
    "service_point": _l("Stanowisko"),
    "survey": _l("Ankieta"),
    "objective": _l("Cel jakości"),
    "user": _l("Konto"),
}
FIELD_LABELS: dict[str, Any] = {
    "code": _l("Kod"),
    "name": _l("Nazwa"),
    "department": _l("Wydział"),
    "location_note": _l("Gdzie"),
    "survey": _l("Ankieta"),
    "scope": _l("Zakres"),
    "service_point": _l("Stanowisko"),
    "indicator": _l("Wskaźnik"),
    "question_code": _l("Pytanie"),
    "comparator": _l("Warunek"),
    "target": _l("Wartość docelowa"),
    "min_sample": _l("Najmniejsza liczba odpowiedzi"),
    "period_kind": _l("Okres"),
    "email": _l("E-mail"),
    "role": _l("Rola"),
    "departments": _l("Wydziały"),
    "version": _l("Wersja"),
    "active": _l("Aktywny"),
}
NAMED_BY = {"department": (Department, "name"), "service_point": (ServicePoint, "name"),
            "objective": (QualityObjective, "name"), "user": (User, "email")}


def register_audit_words(actions: dict | None = None, entities: dict | None = None, fields: dict | None = None) -> None:
    """Words for another package's audit rows (lazy strings, translated when shown)."""
    ACTION_LABELS.update(actions or {})
    ENTITY_LABELS.update(entities or {})
    FIELD_LABELS.update(fields or {})


@dataclass(frozen=True)
class AuditEntry:
    at: Any
    who: str
    action: str
    entity: str
    subject: str
    details: list[tuple[str, str]]


def _object_name(entity: str, entity_id: int | None) -> str:
    if entity_id is None:
        return ""
    if entity == "survey":
        survey = db.session.get(Survey, entity_id)
        version = survey.current_version if survey else None
        return version.title_pl if version else ""
    model, attribute = NAMED_BY.get(entity, (None, None))
    obj = db.session.get(model, entity_id) if model is not None else None
    return getattr(obj, attribute) if obj is not None else ""


def _by_code(model: Any, code: Any, attribute: str) -> str:
    obj = db.session.scalar(sa.select(model).where(model.code == code))
    return getattr(obj, attribute) if obj is not None else str(code)


def _survey_title(code: Any) -> str:
    survey = db.session.scalar(sa.select(Survey).where(Survey.code == code))
    return survey.current_version.title_pl if survey and survey.current_version else str(code)


def _value_text(field: str, value: Any, row: AuditLog) -> str:
    """One old or new value in words."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_l("tak") if value else _l("nie"))
    if isinstance(value, list):
        return ", ".join(_value_text(field, v, row) for v in value)
    words = {"scope": SCOPE_LABELS, "indicator": INDICATOR_LABELS, "period_kind": PERIOD_LABELS, "role": ROLE_LABELS}
    if field in words:
        return str(words[field].get(value, value))
    if field == "comparator":
        return comparator_text(value)
    if field in ("department", "departments"):
        return _by_code(Department, value, "name")
    if field == "service_point":
        return _by_code(ServicePoint, value, "name")
    if field == "survey":
        return _survey_title(value)
    if field == "question_code":
        return question_text(value) or str(value)
    if field == "target" and row.entity == "objective":
        objective = db.session.get(QualityObjective, row.entity_id)
        return target_text(objective.indicator, float(value)) if objective else str(value)
    return str(value)


def _details(row: AuditLog) -> list[tuple[str, str]]:
    lines = []
    for name, value in (row.details or {}).items():
        if name == "changes":
            for field, (old, new) in value.items():
                label = str(FIELD_LABELS.get(field, field))
                lines.append((label, f"{_value_text(field, old, row)} → {_value_text(field, new, row)}"))
        else:
            lines.append((str(FIELD_LABELS.get(name, name)), _value_text(name, value, row)))
    return lines


def audit_entry(row: AuditLog) -> AuditEntry:
    return AuditEntry(
        at=row.at,
        who=row.user.email if row.user else "—",
        action=str(ACTION_LABELS.get(row.action, row.action)),
        entity=str(ENTITY_LABELS.get(row.entity, row.entity)),
        subject=_object_name(row.entity, row.entity_id),
        details=_details(row),
    )
