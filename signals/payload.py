"""The JSON of ``GET /api/v1/signals`` and ``flask signals --format json``: ``signals`` and ``charts``.

Without a period: the signals that hold now and the charts up to today. With a period: the signals that held
at some time in it (closed ones too) and the charts as they stood at its end.
"""
from __future__ import annotations

from analytics.periods import Period
from analytics.service import resolve_scope
from signals import queries
from signals.charts import ChartSeries
from signals.messages import describe
from signals.models import Signal
from signals.services import chart_until, in_scope, office_state, rank, scope_names


def signal_json(signal: Signal, names: dict) -> dict:
    return {
        "id": signal.id,
        "status": signal.status,
        "scope": {"kind": signal.scope_kind, "code": signal.scope_code},
        "indicator": signal.indicator,
        "question": signal.question_code,
        "kind": signal.kind,
        "rule": signal.rule,
        "since": signal.since.isoformat(),
        "message": describe(signal, names.get((signal.scope_kind, signal.scope_code), signal.scope_code or "")),
        "details": signal.details,
        "acknowledgement": signal.acknowledgement,
    }


def _number(value) -> float:
    return round(float(value), 6)


def chart_json(chart: ChartSeries) -> dict:
    baseline = chart.baseline
    last = chart.points.iloc[-1] if len(chart.points) else None
    return {
        "scope": {"kind": chart.scope_kind, "code": chart.scope_code},
        "indicator": chart.indicator,
        "question": chart.question_code,
        "grain": chart.grain,
        "sigma_z": None if last is None else _number(last["sigma_z"]),
        "trial": None if last is None else bool(last["trial"]),
        "assurance": chart.assurance,
        "target": chart.objective.target if chart.objective else None,
        "baseline": {"from": baseline[0].isoformat(), "to": baseline[1].isoformat()} if baseline else None,
        "points": [
            {"start": row.start.isoformat(), "n": int(row.n), "value": _number(row.value), "center": _number(row.center),
             "lower": _number(row.lower), "upper": _number(row.upper), "mark": row.mark, "rule": row.rule}
            for row in chart.points.itertuples(index=False)
        ],
    }


def scoped_signals(kind: str, code: str | None, department: str | None, period: Period | None) -> list[Signal]:
    if period is None:
        return queries.signals_in_scope(kind, code, department)
    held = queries.signals_since(period.start, period.end, department if kind != "office" else None)
    return [s for s in held if in_scope(s.scope_kind, s.scope_code, s.department_code, kind, code, department)]


def signals_payload(period: Period | None, department_code: str | None = None,
                    service_point_code: str | None = None) -> dict:
    """Raises ``analytics.service.ScopeError`` for unknown codes."""
    scope = resolve_scope(department_code, service_point_code)
    state = office_state()
    names = scope_names()
    signals = rank(scoped_signals(scope.kind, scope.code, scope.department_code, period))
    charts = [chart_until(c, period) for c in state.charts_in(scope.kind, scope.code, scope.department_code)]
    return {
        "scope": {"kind": scope.kind, "code": scope.code},
        "period": period.as_dict() if period else None,
        "signals": [signal_json(s, names) for s in signals],
        "charts": [chart_json(c) for c in charts if len(c.points)],
    }
