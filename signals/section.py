"""What the dashboards show of the signals: "Wymaga uwagi" (the signals in scope, ranked, one sentence each)
and the control charts of the scope, cached with the dashboards.

The cache key holds the signals' version (count and last change), so a signal opened, acknowledged or closed
in any process gives every worker a fresh section; acknowledging also empties this worker's cache at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from analytics.charts import figure_json
from analytics.dashboard_data import question_labels
from actions.markers import control_chart_markers
from analytics.charts import add_action_markers
from analytics.spc_figure import spc_figure
from dashboard.cache import app_cache, max_age
from dashboard.content import Chart
from dashboard.tables import Column, Table
from signals import queries
from signals.charts import ChartSeries
from signals.messages import assurance_text, describe, grain_text, kind_text, status_text
from signals.models import Signal
from signals.services import ALL_TIME, office_state, rank, scope_names

@dataclass
class SpcChart(Chart):
    """A dashboard chart that knows its question (for its CSV download)."""

    question: str = ""


@dataclass
class AttentionItem:
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    message: str
    since: datetime
    scope_kind: str
    scope_code: str | None
    acknowledgement: str | None
    chart_url: str
    comments_url: str | None


@dataclass
class SignalsSection:
    items: list[AttentionItem]
    charts: list[SpcChart] = field(default_factory=list)


def figure_labels() -> dict[str, str]:
    return {
        "value": _("wynik"), "center": _("średnia"), "limits": _("granice kontrolne"), "trial": _("granice próbne"),
        "target": _("cel"), "common": _("zmienność zwykła"), "concern": _("przyczyna specjalna – pogorszenie"),
        "improvement": _("przyczyna specjalna – poprawa"), "answers": _("odpowiedzi"), "week": _("tydzień od"),
        "month": _("miesiąc"), "separators": ", " if get_locale().language == "pl" else ".,",
    }


def mark_label(mark: str) -> str:
    return {"common": _("zmienność zwykła"), "concern": _("pogorszenie"), "improvement": _("poprawa")}[mark]


def chart_anchor(question_code: str | None) -> str:
    return f"spc-{question_code or 'all'}"


def scope_url(kind: str, code: str | None, **args) -> str:
    if kind == "department":
        return url_for("dashboard.department", code=code, **args)
    if kind == "service_point":
        return url_for("dashboard.service_point", code=code, **args)
    return url_for("dashboard.office", **args)


def _comments_url(signal: Signal, today: str) -> str | None:
    """The scope's dashboard filtered to the time since the signal began, at its comments (the office
    overview has no comments list, so office-wide signals have no such link)."""
    if signal.scope_kind == "office":
        return None
    since = signal.since.astimezone(ZoneInfo(current_app.config["OPINIA_TIMEZONE"])).date().isoformat()
    return scope_url(signal.scope_kind, signal.scope_code, period="custom", **{"from": since, "to": max(since, today)},
                     _anchor="comments")


def attention_items(signals: list[Signal], names: dict, today: str) -> list[AttentionItem]:
    return [
        AttentionItem(
            id=s.id, kind=s.kind, kind_label=kind_text(s.kind), status=s.status, status_label=status_text(s.status),
            message=describe(s, names.get((s.scope_kind, s.scope_code), s.scope_code or "")), since=s.since,
            scope_kind=s.scope_kind, scope_code=s.scope_code, acknowledgement=s.acknowledgement,
            chart_url=url_for("signals.signal", signal_id=s.id), comments_url=_comments_url(s, today),
        )
        for s in rank(signals)
    ]


def chart_table(chart: ChartSeries, title: str) -> Table:
    columns = [Column("start", _("Początek okresu")), Column("n", _("Odpowiedzi"), "int"),
               Column("value", _("Wynik"), "percent"), Column("center", _("Średnia"), "percent"),
               Column("lower", _("Dolna granica"), "percent"), Column("upper", _("Górna granica"), "percent"),
               Column("mark", _("Ocena punktu"))]
    labels = {mark: mark_label(mark) for mark in set(chart.columns["mark"])}  # one translation per kind of point
    rows = [{"start": row.start.isoformat(), "n": int(row.n), "value": float(row.value), "center": float(row.center),
             "lower": float(row.lower), "upper": float(row.upper), "mark": labels[row.mark]}
            for row in chart.points.itertuples(index=False)]
    return Table(f"spc_{chart.question_code}", title, columns, rows)


def chart_view(chart: ChartSeries, question_title: str) -> Chart:
    title = _("Karta kontrolna: %(question)s", question=question_title)
    parts = [_("Punkty: %(grain)s.", grain=grain_text(chart.grain))]
    baseline = chart.baseline
    if baseline:
        parts.append(_("Średnia i granice (Laney p′) z okresu %(first)s – %(last)s, potem zamrożone.",
                       first=baseline[0].isoformat(), last=baseline[1].isoformat()))
    if bool(chart.points["trial"].iloc[-1]):
        parts.append(_("Mniej niż 12 punktów: granice są próbne."))
    if chart.objective is not None:
        parts.append(_("Czy proces osiąga cel: %(assurance)s.", assurance=assurance_text(chart.assurance)))
    parts.append(_("Trójkąt w dół: pogorszenie, trójkąt w górę: poprawa, kółko: zmienność zwykła."))
    figure = spc_figure(chart.points, chart.grain, chart.objective.target if chart.objective else None,
                        labels=figure_labels())
    add_action_markers(figure, control_chart_markers(chart.scope_kind, chart.scope_code, chart.department_code),
                       _("działania doskonalące"), dates=True)
    return SpcChart(chart_anchor(chart.question_code), title, " ".join(parts), figure_json(figure),
                    chart_table(chart, title), chart.question_code)


def _question_titles(lang: str) -> dict[str, str]:
    return {code: value.get("text", code) for code, value in question_labels(lang).items()}


def build_section(kind: str, code: str | None, department: str | None, lang: str, today: str) -> SignalsSection:
    state = office_state()
    names = scope_names()
    items = attention_items(queries.signals_in_scope(kind, code, department), names, today)
    titles = _question_titles(lang)
    charts = [chart_view(c, titles.get(c.question_code, c.question_code))
              for c in state.charts_in(kind, code, department) if c.scope_kind == kind and c.scope_code == code]
    return SignalsSection(items, charts)


def signals_section(scope: dict, today: str) -> SignalsSection:
    """The section of a dashboard whose ``scope`` is ``{"kind", "code", "department_code"}``."""
    kind, code = scope["kind"], scope.get("code")
    department = scope.get("department_code")
    lang = get_locale().language
    memo = g.setdefault("signals_sections", {})
    if (kind, code) not in memo:
        office_state()  # brings the stored signals in step before their version is read
        key = ("signals-section", kind, code, lang, today, queries.signals_version())
        memo[(kind, code)] = app_cache().get_or_build(
            key, ALL_TIME, lambda: build_section(kind, code, department, lang, today), max_age())
    return memo[(kind, code)]


@dataclass
class SignalPage:
    item: AttentionItem
    signal: Signal
    chart: Chart | None
    scope_name: str
    scope_url: str


def signal_page(signal: Signal, today: str) -> SignalPage:
    """One signal with the control chart it came from (for bursts and objectives: the scope's CSAT chart)."""
    state = office_state()
    names = scope_names()
    item = attention_items([signal], names, today)[0]
    charts = [c for c in state.charts if c.scope_kind == signal.scope_kind and c.scope_code == signal.scope_code]
    chosen = next((c for c in charts if c.question_code == signal.question_code), None) or next(
        (c for c in charts if c.indicator == (signal.indicator or "csat")), None)
    titles = _question_titles(get_locale().language)
    chart = chart_view(chosen, titles.get(chosen.question_code, chosen.question_code)) if chosen else None
    name = names.get((signal.scope_kind, signal.scope_code), signal.scope_code or "")
    return SignalPage(item, signal, chart, name, scope_url(signal.scope_kind, signal.scope_code))
