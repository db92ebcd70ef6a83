"""Who may see and change what. Every staff view and API endpoint asks here; nothing else decides.

- admin: everything, including users and the audit log;
- quality_manager: all departments, objectives and reports, no user management;
- department_head: read-only, only the departments assigned to them.
"""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from extensions import db
from survey.models import Department, ServicePoint, User

MANAGERS = ("admin", "quality_manager")


def sees_whole_office(user: User) -> bool:
    return user.role in MANAGERS


def can_see_department(user: User, department: Department) -> bool:
    return sees_whole_office(user) or any(d.id == department.id for d in user.departments)


def can_see_service_point(user: User, service_point: ServicePoint) -> bool:
    return can_see_department(user, service_point.department)


def visible_departments(user: User) -> list[Department]:
    if sees_whole_office(user):
        return list(db.session.scalars(sa.select(Department).order_by(Department.name)))
    return sorted(user.departments, key=lambda d: d.name)


def roles_required(*roles: str):
    """Login required, then 403 unless the user has one of ``roles``."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_manage(user: User) -> bool:
    """Create, edit and deactivate departments, counters, surveys and objectives; rotate tokens."""
    return user.is_authenticated and user.role in MANAGERS


def can_manage_users(user: User) -> bool:
    """Staff accounts and the audit log."""
    return user.is_authenticated and user.role == "admin"
