"""Drawing the management-review report: charts as SVG (Plotly figures exported by kaleido), one HTML
document with inline CSS and inline SVG, and the PDF made from that same HTML by WeasyPrint.

The figures are ``analytics.charts``' own (the ones the dashboards draw), so the report and the dashboards
show the same pictures. kaleido 0.2.1 ships its own headless Chromium inside the wheel and works offline;
its first export starts that browser (about a second), later ones take milliseconds.
"""
from __future__ import annotations

import base64
import threading
import warnings
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
from flask import render_template
from markupsafe import escape
from weasyprint import HTML

from analytics import charts
from report.pdf_tags import with_table_header_scopes
from analytics.report import (
    DEFAULT_MIN_SAMPLE,
    TOP_COMMENTS_PER_DEPARTMENT,
    ManagementReport,
    first_of_kind,
    labelled_counts,
)
from analytics.report_words import (
    CHANNEL_PL,
    counted,
    decimal,
    integer,
    interval,
    p_value_text,
    pct,
    points,
    signed,
)
from signals.report import report_section
from survey.text_safety import clean_text

CHART_WIDTH, CHART_HEIGHT = 760, 330
QUARTER_LABELS = {"month": "kwartał"}


def figure_svg(figure: go.Figure, width: int = CHART_WIDTH, height: int = CHART_HEIGHT) -> str:
    """The figure as an SVG document (vector: text stays text), via kaleido."""
    with warnings.catch_warnings():
        # plotly 6 warns that kaleido < 1.0 is deprecated; 0.2.1 is the version that bundles its own Chromium.
        warnings.simplefilter("ignore", DeprecationWarning)
        return figure.to_image(format="svg", width=width, height=height).decode("utf-8")


def start_chart_export() -> threading.Thread:
    """Start kaleido's browser in the background (a throw-away export), so its start overlaps the queries."""
    thread = threading.Thread(target=figure_svg, args=(go.Figure(),), kwargs={"width": 10, "height": 10}, daemon=True)
    thread.start()
    return thread


def _csat_columns(question: dict | None) -> dict:
    question = question or {}
    return {"n": question.get("n", 0), **{key: question.get(key) for key in ("csat", "csat_ci_low", "csat_ci_high")}}


def trend_frame(trend: list[dict]) -> pd.DataFrame:
    """Quarter entries as the frame ``charts.csat_by_month_figure`` draws (the quarter in the ``month`` column)."""
    rows = [{"month": entry["quarter"], **_csat_columns(first_of_kind(entry["questions"], "rating_5"))} for entry in trend]
    return pd.DataFrame(rows, columns=["month", "n", "csat", "csat_ci_low", "csat_ci_high"])


def counters_frame(counters: list[dict]) -> pd.DataFrame:
    rows = [{"code": c["code"], "name": c["name"], **_csat_columns(c["headline"].rating)} for c in counters]
    return pd.DataFrame(rows, columns=["code", "name", "n", "csat", "csat_ci_low", "csat_ci_high"])


def report_figures(report: ManagementReport) -> dict[str, go.Figure]:
    """Every chart of the report by name: the office trend, and per department its trend and counter bars."""
    figures: dict[str, go.Figure] = {}
    if report.has_data and report.office_trend:
        figures["office_trend"] = charts.csat_by_month_figure(
            trend_frame(report.office_trend), report.office_csat_target, DEFAULT_MIN_SAMPLE, labels=QUARTER_LABELS)
    for department in report.departments:
        if department.trend and any(entry["responses"] for entry in department.trend):
            figures[f"trend_{department.code}"] = charts.csat_by_month_figure(
                trend_frame(department.trend), department.csat_target, DEFAULT_MIN_SAMPLE, labels=QUARTER_LABELS)
        if department.headline.responses and department.counters:
            figures[f"counters_{department.code}"] = charts.service_point_bar_figure(
                counters_frame(department.counters), department.csat_target, DEFAULT_MIN_SAMPLE)
    return figures


def chart_svgs(report: ManagementReport) -> dict[str, str]:
    return {name: figure_svg(figure) for name, figure in report_figures(report).items()}


def _values_text(rows: list[tuple[str, dict]]) -> str:
    parts = []
    for label, question in rows:
        value = question.get("csat")
        parts.append(f"{label}: {pct(value)} (n = {integer(question.get('n', 0))})" if value is not None else f"{label}: brak ocen")
    return "; ".join(parts)


def _trend_alternative(trend: list[dict]) -> str:
    rows = [(entry["quarter"], first_of_kind(entry["questions"], "rating_5") or {}) for entry in trend]
    return "Wykres CSAT w kolejnych kwartałach. " + _values_text(rows) + "."


def chart_alternatives(report: ManagementReport) -> dict[str, str]:
    """A text alternative for every chart: the numbers it draws, in words (PDF/UA and WCAG 1.1.1)."""
    texts = {"office_trend": _trend_alternative(report.office_trend or [])}
    for department in report.departments:
        texts[f"trend_{department.code}"] = _trend_alternative(department.trend or [])
        rows = [(c["name"], c["headline"].rating or {}) for c in department.counters]
        texts[f"counters_{department.code}"] = f"Wykres CSAT stanowisk wydziału {department.name}. " + _values_text(rows) + "."
    return texts


def svg_inline(svg: str, alternative: str) -> str:
    """The SVG in the HTML report, announced as one image with its text alternative."""
    return f'<div class="chart" role="img" aria-label="{escape(alternative)}">{svg}</div>'


def svg_as_image(svg: str, alternative: str = "") -> str:
    """An ``<img>`` with the SVG as a data URI. WeasyPrint still draws it as vectors, and faster than inline
    SVG, whose every ``style`` attribute its HTML stylesheet parser would also read (and warn about)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="chart" alt="{escape(alternative)}" src="data:image/svg+xml;base64,{data}">'


def render_html(report: ManagementReport, svgs: dict[str, str], spc=None) -> str:
    """The whole report as one self-contained HTML document (opens offline: no external file is referenced).

    Names stored before every entry refused control characters are cleaned out (``survey.text_safety``):
    they are not allowed in HTML or in the inline SVG charts."""
    return clean_text(render_template(
        "report/report.html",
        report=report,
        charts=svgs,
        spc=spc,
        pct=pct, decimal=decimal, integer=integer, signed=signed, points=points, interval=interval,
        p_value_text=p_value_text, first_of_kind=first_of_kind, labelled_counts=labelled_counts, counted=counted,
        channel_names=CHANNEL_PL, top_comments=TOP_COMMENTS_PER_DEPARTMENT, default_min_sample=DEFAULT_MIN_SAMPLE,
    ))


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF (WeasyPrint's PDF/UA-1 variant: structure tree, document language from ``<html lang>``,
    title shown, images with their text alternatives)."""
    return with_table_header_scopes(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))


REPORT_FORMATS = ("pdf", "html")


def render_report(report: ManagementReport, output_format: str, progress: Callable[[str], None] = lambda step: None) -> bytes:
    """The report as PDF or HTML bytes (UTF-8)."""
    progress("wykresy")
    svgs = chart_svgs(report)
    alternatives = chart_alternatives(report)
    spc = report_section(report.period, report.scope)
    svgs.update({name: figure_svg(figure) for name, figure in spc.figures.items()})
    alternatives.update({chart.key: f"Karta kontrolna. {chart.caption}" for chart in spc.charts})
    progress("dokument HTML")
    if output_format == "html":
        inline = {name: svg_inline(svg, alternatives.get(name, "")) for name, svg in svgs.items()}
        return render_html(report, inline, spc).encode("utf-8")
    html = render_html(report, {name: svg_as_image(svg, alternatives.get(name, "")) for name, svg in svgs.items()}, spc)
    progress("PDF")
    return html_to_pdf(html)
