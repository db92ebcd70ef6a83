"""Staff accounts: creating users with a role and (for department heads) their departments."""
from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from extensions import db
from security import MAX_DATABASE_ID
from survey.models import ROLES, Department, User


class AccountError(ValueError):
    pass


def create_user(email: str, role: str, password: str, department_codes: list[str] | tuple[str, ...] = ()) -> User:
    """Create a staff user; department heads must name at least one department. Commits."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if "@" not in email:
        raise AccountError("a valid e-mail address is needed")
    if len(password) < 10:
        raise AccountError("the password needs at least 10 characters")
    if db.session.scalar(sa.select(User).where(User.email == email)) is not None:
        raise AccountError(f"a user {email} already exists")
    departments = list(db.session.scalars(sa.select(Department).where(Department.code.in_(department_codes))))
    unknown = set(department_codes) - {d.code for d in departments}
    if unknown:
        raise AccountError(f"unknown department(s): {', '.join(sorted(unknown))}")
    if role == "department_head" and not departments:
        raise AccountError("a department head needs at least one --department")
    user = User(email=email, role=role, password_hash=generate_password_hash(password), departments=departments)
    db.session.add(user)
    db.session.commit()
    return user


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: only active users whose session version is still the current one stay logged in.

    A session cookie holds ``<user id>:<session version>``; logging out or a new password raises the version,
    so a cookie copied before that no longer loads anyone (older cookies holding only the id neither)."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or int(user_id) > MAX_DATABASE_ID:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
