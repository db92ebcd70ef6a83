"""Which scope an API caller may ask for: department heads only get their own departments."""
from __future__ import annotations

from analytics.service import ScopeError, resolve_scope
from survey.models import User
from survey.permissions import sees_whole_office


class ScopeForbidden(PermissionError):
    pass


def allowed_scope(user: User, department_code: str | None, service_point_code: str | None) -> tuple[str | None, str | None]:
    """The ``(department, service_point)`` codes to compute for ``user``; raises ``ScopeError`` / ``ScopeForbidden``.

    A department head who names no department gets their department when they have exactly one.
    """
    if sees_whole_office(user):
        return department_code, service_point_code
    own = sorted(d.code for d in user.departments)
    if department_code is None and service_point_code is None:
        if len(own) != 1:
            raise ScopeError(f"choose one of your departments with ?department= ({', '.join(own)})")
        department_code = own[0]
    scope = resolve_scope(department_code, service_point_code)
    if scope.department_code not in own:
        raise ScopeForbidden(f"you may only see your own departments ({', '.join(own)})")
    return department_code, service_point_code
