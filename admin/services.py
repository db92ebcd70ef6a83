"""Business rules of the staff side. Every change writes an ``AuditLog`` row in the same transaction.

Functions take the acting user first, change the database, add the audit row and commit once; a rule
that is broken raises ``ChangeRejected`` naming the form field, before anything is written.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from survey.definitions import SurveyDef, save_survey_version
from survey.models import (
    AuditLog,
    Department,
    QualityObjective,
    RetiredToken,
    ServicePoint,
    Survey,
    SurveyVersion,
    User,
    new_public_token,
    new_short_code,
    utcnow,
)

# Checked when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("opinia-no-such-user")
AUDIT_PAGE_SIZE = 100
# Beyond any real log; keeps the OFFSET within what a database integer holds.
MAX_AUDIT_PAGE = 1_000_000


class ChangeRejected(ValueError):
    """A business rule refused the change; ``field`` names the form field to show ``message`` at."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None; records the time of a successful login."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    audit(user, "login", "user", user.id)
    db.session.commit()
    return user


def audit(actor: User | None, action: str, entity: str, entity_id: int | None, **details: Any) -> None:
    """Add an audit row to the current transaction (the caller commits together with the change)."""
    db.session.add(
        AuditLog(user_id=actor.id if actor else None, action=action, entity=entity, entity_id=entity_id, details=details)
    )


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a changed value for the audit details."""
    if isinstance(value, db.Model):
        return getattr(value, "code", None) or getattr(value, "email", None) or value.id
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _apply(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set attributes; return ``{name: [old, new]}`` for those that actually changed."""
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(obj, name, new)
    return changes


def _save(actor: User, obj: Any, entity: str, values: dict[str, Any]) -> None:
    """Create (``obj.id is None``) or update ``obj`` with ``values``, audit what changed, commit."""
    creating = obj.id is None
    changes = _apply(obj, values)
    if creating:
        db.session.add(obj)
    db.session.flush()
    if creating or changes:
        audit(actor, "create" if creating else "update", entity, obj.id, changes=changes)
    db.session.commit()


def set_active(actor: User, obj: Any, entity: str, active: bool) -> None:
    """Deactivate or reactivate; nothing that residents answered is ever deleted."""
    if obj.active != active:
        obj.active = active
        audit(actor, "activate" if active else "deactivate", entity, obj.id)
        db.session.commit()


def _ensure_unique(model: Any, column: str, value: Any, current_id: int | None, message: str) -> None:
    query = sa.select(model.id).where(getattr(model, column) == value)
    if current_id is not None:
        query = query.where(model.id != current_id)
    if db.session.scalar(query) is not None:
        raise ChangeRejected(column, message)


# Departments -----------------------------------------------------------------------------------------


def save_department(actor: User, department: Department | None, *, code: str, name: str) -> Department:
    department = department or Department()
    code = code.strip().upper()
    _ensure_unique(Department, "code", code, department.id, _("Wydział o tym kodzie już istnieje."))
    _save(actor, department, "department", {"code": code, "name": name.strip()})
    return department


# Service points --------------------------------------------------------------------------------------


def save_service_point(
    actor: User,
    point: ServicePoint | None,
    *,
    code: str,
    name: str,
    department: Department,
    location_note: str,
    survey: Survey | None,
) -> ServicePoint:
    point = point or ServicePoint(token=new_public_token())
    code = code.strip().upper()
    _ensure_unique(ServicePoint, "code", code, point.id, _("Stanowisko o tym kodzie już istnieje."))
    values = {
        "code": code,
        "name": name.strip(),
        "department": department,
        "location_note": location_note.strip(),
        "survey": survey,
    }
    _save(actor, point, "service_point", values)
    return point


def survey_url(point: ServicePoint) -> str:
    """The public address a counter's QR code encodes: always from configuration, never the request."""
    return f"{current_app.config['OPINIA_PUBLIC_URL']}/s/{point.token}"


def short_survey_url(point: ServicePoint) -> str:
    """The short address a resident can type from a poster: host and ``/o/<short code>``, no scheme."""
    return f"{current_app.config['OPINIA_PUBLIC_URL'].split('://', 1)[-1]}/o/{point.short_code}"


def rotate_token(actor: User, point: ServicePoint) -> str:
    """Give the counter a new token and short code; the old ones are kept as retired so old posters say
    "no longer active"."""
    db.session.add(RetiredToken(token=point.token, service_point_id=point.id))
    db.session.add(RetiredToken(token=point.short_code, service_point_id=point.id))
    point.token = new_public_token()
    point.short_code = new_short_code()
    audit(actor, "rotate_token", "service_point", point.id)
    db.session.commit()
    return point.token


# Surveys ---------------------------------------------------------------------------------------------


def save_survey(actor: User, definition: SurveyDef, survey: Survey | None) -> tuple[SurveyVersion, bool]:
    """Store the edited survey; a change becomes a new version, so old responses keep theirs.

    ``survey`` is None when creating: then the code must be new.
    """
    if survey is None:
        _ensure_unique(Survey, "code", definition.code, None, _("Ankieta o tym kodzie już istnieje."))
    elif survey.code != definition.code:
        raise ChangeRejected("code", _("Kodu ankiety nie można zmienić."))
    version, created = save_survey_version(definition)
    if created:
        action = "create" if version.number == 1 else "new_version"
        audit(actor, action, "survey", version.survey_id, version=version.number)
    db.session.commit()
    return version, created


# Quality objectives ----------------------------------------------------------------------------------


def save_objective(actor: User, objective: QualityObjective | None, values: dict[str, Any]) -> QualityObjective:
    objective = objective or QualityObjective()
    scope = values["scope"]
    if scope == "department" and values.get("department") is None:
        raise ChangeRejected("department", _("Wybierz wydział dla celu na poziomie wydziału."))
    if scope == "service_point" and values.get("service_point") is None:
        raise ChangeRejected("service_point", _("Wybierz stanowisko dla celu na poziomie stanowiska."))
    values = {
        **values,
        "department": values.get("department") if scope == "department" else None,
        "service_point": values.get("service_point") if scope == "service_point" else None,
    }
    _ensure_unique(QualityObjective, "name", values["name"], objective.id, _("Cel o tej nazwie już istnieje."))
    _save(actor, objective, "objective", values)
    return objective


# Users -----------------------------------------------------------------------------------------------


def _check_user_rules(role: str, departments: list[Department]) -> None:
    if role == "department_head" and not departments:
        raise ChangeRejected("departments", _("Kierownik wydziału musi mieć przypisany co najmniej jeden wydział."))


def save_user(
    actor: User,
    user: User | None,
    *,
    email: str,
    role: str,
    departments: list[Department],
    password: str | None,
) -> User:
    """Create or update a staff account; the password is stored only as a salted hash."""
    email = email.strip().lower()
    creating = user is None
    user = user or User()
    _ensure_unique(User, "email", email, user.id, _("Użytkownik z tym adresem e-mail już istnieje."))
    _check_user_rules(role, departments)
    if creating and not password:
        raise ChangeRejected("password", _("Podaj hasło."))
    if user.id == actor.id and role != "admin":
        raise ChangeRejected("role", _("Nie możesz odebrać sobie roli administratora."))
    values: dict[str, Any] = {"email": email, "role": role, "departments": departments if role == "department_head" else []}
    if password:
        user.password_hash = generate_password_hash(password)
        if not creating:
            user.end_all_sessions()  # whoever knew the old password is signed out everywhere
            audit(actor, "set_password", "user", user.id)
    _save(actor, user, "user", values)
    return user


def set_user_active(actor: User, user: User, active: bool) -> None:
    if user.id == actor.id and not active:
        raise ChangeRejected("active", _("Nie możesz dezaktywować własnego konta."))
    set_active(actor, user, "user", active)


def audit_page(page: int) -> tuple[list[AuditLog], bool]:
    """Newest first; returns the rows of ``page`` (from 1) and whether an older page exists."""
    rows = list(
        db.session.scalars(
            sa.select(AuditLog)
            .order_by(AuditLog.at.desc(), AuditLog.id.desc())
            .offset((page - 1) * AUDIT_PAGE_SIZE)
            .limit(AUDIT_PAGE_SIZE + 1)
        )
    )
    return rows[:AUDIT_PAGE_SIZE], len(rows) > AUDIT_PAGE_SIZE
