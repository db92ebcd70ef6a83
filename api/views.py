"""``/api/v1`` endpoints: thin views that parse the query, check permissions and call ``analytics.service``."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from analytics.periods import PeriodError, parse_period
from analytics.service import ScopeError, as_period, compute_indicators
from api.auth import api_login_required
from api.scope import ScopeForbidden, allowed_scope
from workload.periods import refuse_long_period

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def error(status: int, message: str):
    return jsonify(error=message, status=status), status


def period_argument() -> str:
    """``period=2026-Q3``, or a custom ``from=2026-07-01&to=2026-08-15`` (both days included)."""
    first, last = request.args.get("from"), request.args.get("to")
    if first or last:
        return f"{first or ''}..{last or ''}"
    return request.args.get("period", "")


@bp.get("/indicators")
@api_login_required
def indicators():
    """Indicators of ``period`` (or ``from``/``to``) for the office, a ``department`` or a ``service_point``."""
    try:
        department, service_point = allowed_scope(
            g.api_user, request.args.get("department") or None, request.args.get("service_point") or None
        )
        period = refuse_long_period(as_period(period_argument()))
        return jsonify(compute_indicators(period, department, service_point))
    except ScopeForbidden as exc:
        return error(403, str(exc))
    except (PeriodError, ScopeError) as exc:
        return error(400, str(exc))


@bp.get("/signals")
@api_login_required
def signals():
    """Signals and control charts of the office, a ``department`` or a ``service_point`` (now, or ``period``)."""
    from signals.payload import signals_payload

    try:
        department, service_point = allowed_scope(
            g.api_user, request.args.get("department") or None, request.args.get("service_point") or None
        )
        text = period_argument()
        period = refuse_long_period(parse_period(text, current_app.config["OPINIA_TIMEZONE"])) if text else None
        return jsonify(signals_payload(period, department, service_point))
    except ScopeForbidden as exc:
        return error(403, str(exc))
    except (PeriodError, ScopeError) as exc:
        return error(400, str(exc))


@bp.get("/themes")
@api_login_required
def themes():
    """What residents write about in ``period`` and scope: each theme's ``code``, ``name``, ``comments`` and figures."""
    from comments.services import compute_theme_summary

    try:
        department, service_point = allowed_scope(
            g.api_user, request.args.get("department") or None, request.args.get("service_point") or None
        )
        lang = "en" if request.args.get("lang") == "en" else "pl"
        return jsonify(compute_theme_summary(period_argument(), department, service_point, lang).as_dict())
    except ScopeForbidden as exc:
        return error(403, str(exc))
    except (PeriodError, ScopeError) as exc:
        return error(400, str(exc))
