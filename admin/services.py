"""Business rules of the staff side. Every change writes an ``AuditLog`` row in the same transaction."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from survey.models import AuditLog, User, utcnow

# Checked when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("opinia-no-such-user")


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
