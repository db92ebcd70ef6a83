"""``GET /api/v1/actions``: improvement actions with their measured effect, scoped like the indicators.

``?department=KM`` or ``?service_point=KM-1`` narrow the list (a department head gets only their own
departments, 403 otherwise), ``?status=`` one status (or ``open`` / ``closed``), ``?page=`` pages of
``PAGE_SIZE`` (each action's effect and control chart are two grouped count queries, so a request stays bounded).
"""
from __future__ import annotations

import math

from flask import g, jsonify, request

from actions import queries
from actions.measure import control_chart, measure
from actions.models import OPEN_STATUSES, STATUSES
from actions.serialize import action_json
from analytics.service import ScopeError, office_timezone, resolve_scope
from api.auth import api_login_required
from api.scope import ScopeForbidden, allowed_scope
from api.views import bp, error
from dashboard.filters import local_today
from survey.permissions import sees_whole_office

PAGE_SIZE = 25


def _statuses(value: str) -> tuple[str, ...]:
    if value == "open":
        return OPEN_STATUSES
    if value == "closed":
        return tuple(s for s in STATUSES if s not in OPEN_STATUSES)
    if value in STATUSES:
        return (value,)
    raise ValueError(f"unknown status {value!r}: use open, closed or one of {', '.join(STATUSES)}")


@bp.get("/actions")
@api_login_required
def actions():
    user = g.api_user
    department, service_point = request.args.get("department") or None, request.args.get("service_point") or None
    try:
        if sees_whole_office(user) and department is None and service_point is None:
            department_ids = None
        else:
            department, service_point = allowed_scope(user, department, service_point)
            scope = resolve_scope(department, service_point)
            department_ids = [queries.department_id(scope.department_code)]
        statuses = _statuses(request.args["status"]) if request.args.get("status") else ()
        page = request.args.get("page", 1, type=int)
        if page < 1:
            raise ValueError("page must be 1 or more")
    except ScopeForbidden as exc:
        return error(403, str(exc))
    except (ScopeError, ValueError) as exc:
        return error(400, str(exc))
    found = queries.list_actions(department_ids, statuses)
    if service_point is not None:
        found = [a for a in found if a.service_point is None or a.service_point.code == service_point]
    today = local_today(office_timezone())
    shown = found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return jsonify(actions=[action_json(a, measure(a, today), today, control_chart(a, today)) for a in shown], page=page,
                   pages=max(1, math.ceil(len(found) / PAGE_SIZE)), total=len(found))
