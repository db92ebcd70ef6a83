"""The management-review report's section on signals: each department's control chart of CSAT as it stood at
the end of the period, and the signals that held during the period (in Polish, like the whole report)."""
from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go
from flask_babel import force_locale

from analytics.periods import Period
from analytics.spc_figure import spc_figure
from signals import queries
from signals.messages import assurance_text, describe, grain_text, kind_text, status_text
from signals.services import chart_until, office_state, rank, scope_names


@dataclass
class ReportChart:
    key: str
    caption: str


@dataclass
class ReportSection:
    charts: list[ReportChart] = field(default_factory=list)
    figures: dict[str, go.Figure] = field(default_factory=dict)
    signals: list[dict] = field(default_factory=list)


def _caption(name: str, chart) -> str:
    baseline = chart.baseline
    text = f"{name}: CSAT, karta kontrolna p′ Laneya ({grain_text(chart.grain)})"
    if baseline:
        text += f"; średnia i granice z okresu {baseline[0].isoformat()} – {baseline[1].isoformat()}"
    if chart.objective is not None:
        text += f"; czy proces osiąga cel: {assurance_text(chart.assurance)}"
    return text + ". Trójkąt w dół: pogorszenie, trójkąt w górę: poprawa."


def report_section(period: Period, scope: dict) -> ReportSection:
    """Charts of every department (or the report's one department) and the period's signals."""
    department = scope.get("code") if scope.get("kind") == "department" else None
    section = ReportSection()
    with force_locale("pl"):
        names = scope_names()
        for chart in office_state().charts:
            if chart.scope_kind != "department" or chart.indicator != "csat" or department not in (None, chart.scope_code):
                continue
            shown = chart_until(chart, period)
            if shown.points.empty:
                continue
            key = f"spc_{chart.scope_code}"
            section.figures[key] = spc_figure(shown.points, shown.grain, chart.objective.target if chart.objective else None)
            section.charts.append(ReportChart(key, _caption(names.get(("department", chart.scope_code), chart.scope_code), shown)))
        held = rank(queries.signals_since(period.start, period.end, department))
        section.signals = [{"kind": kind_text(s.kind), "status": status_text(s.status),
                            "message": describe(s, names.get((s.scope_kind, s.scope_code), s.scope_code or "")),
                            "acknowledgement": s.acknowledgement} for s in held]
    return section
