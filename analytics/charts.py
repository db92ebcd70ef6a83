"""Plotly figures of the indicators: pure functions from numbers and DataFrames to ``go.Figure``.

No Flask and no database here, so the dashboards (drawn in the browser by Plotly's JavaScript) and the PDF
report (rendered by kaleido) build the very same pictures. Texts shown in a figure come in through
``labels`` (the caller translates them); the defaults are Polish, the office's language.

Thin data is never drawn as a confident number: a month or a counter whose sample is below ``min_sample``
is drawn hollow / pale and its hover text says "not conclusive"; a month without answers is a gap, not 0 %.
The figures use a small fixed template (not Plotly's default theme), which keeps their JSON short and the
output identical for identical input. They are built without Plotly's per-property validation (``Figure``,
``Scatter``, ``Bar``, ``Heatmap`` below: 4–10 ms a figure, a tenth of a cold dashboard): property names are
still checked, values are not — they come from this module, and the dashboards' figure JSON at 1,000,000
responses was the same byte for byte with and without validation.

Plotly draws the text of labels, ticks and hover boxes as a subset of HTML (``<a href>``, ``<b>``, ...), so
every text that comes from people — counter names, choice options, titles — goes through ``plain`` first:
a label ``<a href="...">`` is shown as those characters, never as a live link.
"""
from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

Figure, Scatter, Bar, Heatmap = (partial(kind, _validate=False) for kind in (go.Figure, go.Scatter, go.Bar, go.Heatmap))

BLUE = "#1a5fb4"
BLUE_BAND = "rgba(26, 95, 180, 0.18)"
PALE_BLUE = "#9ec1ea"
RED = "#a51d2d"
GREEN = "#26734d"
GREY = "#6b6b6b"
RATING_COLOURS = ("#a51d2d", "#d9731a", "#8a8a8a", "#5b9bd5", "#1a5fb4")
NPS_COLOURS = {"detractors": RED, "passives": "#8a8a8a", "promoters": GREEN}
HEATMAP_SCALE = [[0.0, "#f4f8fd"], [0.5, "#6fa3dc"], [1.0, "#0b3a78"]]
WEEKDAYS_PL = ("pon.", "wt.", "śr.", "czw.", "pt.", "sob.", "niedz.")

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13, "color": "#1d1d1d"},
        height=340,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
        colorway=[BLUE, RED, GREEN, "#d9731a", GREY],
        xaxis={"showgrid": False, "linecolor": "#444", "ticks": "outside"},
        yaxis={"gridcolor": "#e3e3e3", "linecolor": "#444", "zeroline": False},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"bgcolor": "white"},
    )
)

DEFAULT_LABELS = {
    "csat": "CSAT",
    "ci": "przedział ufności 95%",
    "target": "cel",
    "month": "miesiąc",
    "responses": "odpowiedzi",
    "not_conclusive": "za mało odpowiedzi, by wyciągać wnioski",
    "rating": "ocena",
    "answers": "liczba odpowiedzi",
    "share": "udział",
    "promoters": "promotorzy (9–10)",
    "passives": "neutralni (7–8)",
    "detractors": "krytycy (0–6)",
    "weekday": "dzień tygodnia",
    "hour": "godzina",
    "service_point": "stanowisko",
    # Plotly's ``separators``: the decimal mark, then the thousands separator (Polish: "12 345,6").
    "separators": ", ",
}


def plain(text) -> str:
    """``text`` escaped for Plotly's HTML-like labels (which decode the entities back to the characters)."""
    return html.escape(str(text), quote=False)


def _labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_LABELS, **(labels or {})}


def _figure(title: str | None, text: Mapping[str, str], **layout) -> go.Figure:
    figure = Figure(layout={"template": TEMPLATE, "separators": text["separators"], **layout})
    if title:
        figure.update_layout(title={"text": plain(title), "x": 0, "xanchor": "left"}, margin={"t": 60})
    return figure


def _percent(value: float | None, text: Mapping[str, str] = DEFAULT_LABELS) -> str:
    return "–" if value is None else f"{100 * value:.1f}%".replace(".", text["separators"][0])


def _none_if_nan(value) -> float | None:
    return None if value is None or (isinstance(value, float) and value != value) else float(value)


def csat_by_month_figure(
    months: pd.DataFrame,
    target: float | None = None,
    min_sample: int = 30,
    title: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """CSAT per month with its 95 % confidence band and the objective's target as a dashed line.

    ``months`` has columns ``month`` (``YYYY-MM``), ``n``, ``csat``, ``csat_ci_low``, ``csat_ci_high``
    (shares 0–1; missing where a month had no answers).
    """
    text = _labels(labels)
    x = [str(m) for m in months["month"]]
    csat = [_none_if_nan(v) for v in months["csat"]]
    low = [_none_if_nan(v) for v in months["csat_ci_low"]]
    high = [_none_if_nan(v) for v in months["csat_ci_high"]]
    n = [int(v) for v in months["n"]]
    thin = [count < min_sample for count in n]
    figure = _figure(title, text, yaxis={"title": {"text": text["csat"]}, "tickformat": ".0%", "range": [0, 1.02]},
                     xaxis={"title": {"text": text["month"]}, "type": "category"}, hovermode="x unified")
    figure.add_trace(Scatter(x=x, y=high, mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False,
                             connectgaps=False, name=text["ci"]))
    figure.add_trace(Scatter(x=x, y=low, mode="lines", line={"width": 0}, fill="tonexty", fillcolor=BLUE_BAND,
                             hoverinfo="skip", connectgaps=False, name=text["ci"]))
    hover = [
        f"{text['csat']} {_percent(c, text)} ({_percent(lo, text)}–{_percent(hi, text)}), {text['responses']}: {count}"
        + (f"<br>{text['not_conclusive']}" if is_thin and count else "")
        for c, lo, hi, count, is_thin in zip(csat, low, high, n, thin)
    ]
    figure.add_trace(Scatter(
        x=x, y=csat, mode="lines+markers", name=text["csat"], connectgaps=False, line={"color": BLUE, "width": 2},
        marker={"size": 9, "color": ["white" if t else BLUE for t in thin], "line": {"color": BLUE, "width": 2}},
        hovertext=hover, hoverinfo="text",
    ))
    if target is not None:
        figure.add_trace(Scatter(x=x, y=[target] * len(x), mode="lines",
                                 name=f"{text['target']} {_percent(target, text)}",
                                 line={"color": RED, "dash": "dash", "width": 2}, hoverinfo="skip"))
    return figure


def add_action_markers(figure: go.Figure, markers: Sequence[Mapping[str, str]], name: str = "działania",
                       dates: bool = False) -> go.Figure:
    """Improvement actions on a chart: a triangle at the top where each took effect — the month (``x`` a
    category such as ``2026-09``) or, with ``dates``, the day (``x`` an ISO date on a date axis) — with its
    ``text`` (title, status, measured effect) escaped in the hover label. Markers outside the chart are left out."""
    shown = [str(x) for trace in figure.data if trace.x is not None for x in trace.x]
    if dates:
        markers = [m for m in markers if shown and min(shown) <= m["x"] <= max(shown)]
    else:
        markers = [m for m in markers if m["x"] in set(shown)]
    if not markers:
        return figure
    figure.add_trace(Scatter(
        x=[m["x"] for m in markers], y=[1.0] * len(markers), mode="markers", name=name,
        marker={"symbol": "triangle-down", "size": 14, "color": GREEN, "line": {"color": "#1d1d1d", "width": 1}},
        hovertext=[html.escape(m["text"]) for m in markers], hoverinfo="text",
    ))
    return figure


def service_point_bar_figure(
    points: pd.DataFrame,
    target: float | None = None,
    min_sample: int = 30,
    title: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """One bar per counter: its CSAT, pale when the sample is below ``min_sample``, no bar without answers.

    ``points`` has columns ``code``, ``name``, ``n``, ``csat``, ``csat_ci_low``, ``csat_ci_high``.
    """
    text = _labels(labels)
    codes = [plain(c) for c in points["code"]]
    csat = [_none_if_nan(v) for v in points["csat"]]
    low = [_none_if_nan(v) for v in points["csat_ci_low"]]
    high = [_none_if_nan(v) for v in points["csat_ci_high"]]
    n = [int(v) for v in points["n"]]
    figure = _figure(title, text, yaxis={"title": {"text": text["csat"]}, "tickformat": ".0%", "range": [0, 1.02]},
                     xaxis={"title": {"text": text["service_point"]}, "type": "category"}, showlegend=target is not None)
    figure.add_trace(Bar(
        x=codes, y=csat, name=text["csat"],
        marker={"color": [PALE_BLUE if count < min_sample else BLUE for count in n]},
        error_y={"type": "data", "symmetric": False, "color": "#444",
                 "array": [None if c is None else h - c for c, h in zip(csat, high)],
                 "arrayminus": [None if c is None else c - lo for c, lo in zip(csat, low)]},
        hovertext=[
            f"{plain(name)}<br>{text['csat']} {_percent(c, text)}, {text['responses']}: {count}"
            + (f"<br>{text['not_conclusive']}" if count < min_sample else "")
            for name, c, count in zip(points["name"], csat, n)
        ],
        hoverinfo="text",
    ))
    if target is not None:
        add_hline(figure, target, {"color": RED, "dash": "dash", "width": 2})
        figure.add_trace(Scatter(x=[None], y=[None], mode="lines", name=f"{text['target']} {_percent(target, text)}",
                                 line={"color": RED, "dash": "dash", "width": 2}))
    return figure


def add_hline(figure: go.Figure, y: float, line: Mapping) -> None:
    """A horizontal line across the plot at ``y``, as ``Figure.add_hline`` draws it (which, on a figure built
    without validation, also writes an empty list of annotations)."""
    figure.add_shape(type="line", x0=0, x1=1, xref="x domain", y0=y, y1=y, yref="y", line=line)


def rating_distribution_figure(
    distribution: Mapping[str, int], title: str | None = None, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """How many answers gave each rating 1–5 (``{"1": count, ..., "5": count}``)."""
    text = _labels(labels)
    ratings = [str(r) for r in range(1, 6)]
    counts = [int(distribution.get(r, 0)) for r in ratings]
    total = sum(counts)
    figure = _figure(title, text, xaxis={"title": {"text": text["rating"]}, "type": "category"},
                     yaxis={"title": {"text": text["answers"]}, "rangemode": "tozero"}, showlegend=False)
    figure.add_trace(Bar(
        x=ratings, y=counts, marker={"color": list(RATING_COLOURS)}, name=text["answers"],
        hovertext=[f"{text['rating']} {r}: {c} ({_percent(c / total if total else None, text)})" for r, c in zip(ratings, counts)],
        hoverinfo="text",
    ))
    return figure


def nps_split_figure(
    promoters: int, passives: int, detractors: int, title: str | None = None, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """The NPS answers split into detractors, passives and promoters, as one stacked 100 % bar."""
    text = _labels(labels)
    total = promoters + passives + detractors
    figure = _figure(title, text, barmode="stack", height=220,
                     xaxis={"tickformat": ".0%", "range": [0, 1], "title": {"text": text["share"]}},
                     yaxis={"showticklabels": False, "gridcolor": "white"})
    for key, count in (("detractors", detractors), ("passives", passives), ("promoters", promoters)):
        value = count / total if total else 0
        figure.add_trace(Bar(
            x=[value], y=["NPS"], orientation="h", name=text[key], marker={"color": NPS_COLOURS[key]},
            hovertext=[f"{text[key]}: {count} ({_percent(value if total else None, text)})"], hoverinfo="text",
        ))
    return figure


def choice_figure(
    counts: Mapping[str, int],
    option_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """Answers to a yes/no or single-choice question: one horizontal bar per option, in the given order."""
    text = _labels(labels)
    option_labels = option_labels or {}
    options = list(counts)
    values = [int(counts[o]) for o in options]
    total = sum(values)
    names = [plain(option_labels.get(o, o)) for o in options]
    figure = _figure(title, text, height=max(180, 70 + 45 * len(options)), showlegend=False,
                     xaxis={"title": {"text": text["answers"]}, "rangemode": "tozero"},
                     yaxis={"autorange": "reversed", "type": "category", "automargin": True})
    figure.add_trace(Bar(
        x=values, y=names, orientation="h", marker={"color": BLUE}, name=text["answers"],
        hovertext=[f"{name}: {v} ({_percent(v / total if total else None, text)})" for name, v in zip(names, values)],
        hoverinfo="text",
    ))
    return figure


def weekday_hour_heatmap_figure(
    cells: pd.DataFrame,
    weekday_names: Sequence[str] = WEEKDAYS_PL,
    title: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """Responses per local weekday (rows, Monday first) and hour (columns, only hours that had answers).

    ``cells`` has columns ``weekday`` (0 = Monday), ``hour`` (0–23) and ``responses``.
    """
    text = _labels(labels)
    matrix = weekday_hour_matrix(cells)
    hours = [f"{h:02d}:00" for h in matrix.columns]
    days = [weekday_names[d] for d in matrix.index]
    figure = _figure(title, text, height=320, xaxis={"title": {"text": text["hour"]}, "type": "category"},
                     yaxis={"autorange": "reversed", "type": "category", "gridcolor": "white"})
    figure.add_trace(Heatmap(
        z=matrix.to_numpy().tolist(), x=hours, y=days, colorscale=HEATMAP_SCALE, name=text["responses"],
        colorbar={"title": {"text": text["responses"]}}, xgap=1, ygap=1,
        hovertemplate="%{y} %{x}: %{z}<extra></extra>",
    ))
    return figure


def weekday_hour_matrix(cells: pd.DataFrame) -> pd.DataFrame:
    """Weekdays (0–6, all of them) × the hours from the first to the last with answers, zeros filled in."""
    if cells.empty:
        return pd.DataFrame(0, index=range(7), columns=range(8, 16), dtype="int64")
    hours = cells["hour"].to_numpy(dtype="int64")
    first, last = int(hours.min()), int(hours.max())
    matrix = np.zeros((7, last - first + 1), dtype="int64")
    np.add.at(matrix, (cells["weekday"].to_numpy(dtype="int64"), hours - first), cells["responses"].to_numpy(dtype="int64"))
    return pd.DataFrame(matrix, index=range(7), columns=range(first, last + 1))


def figure_json(figure: go.Figure) -> str:
    """The figure as JSON for ``Plotly.newPlot``, safe inside a ``<script type="application/json">`` block.

    ``<``, ``>`` and ``&`` are escaped as JSON unicode escapes, so no text in a figure can close the block.
    """
    text = pio.to_json(figure, validate=False, pretty=False, engine="json")
    return json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace(
        "<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
