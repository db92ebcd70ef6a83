"""The Plotly figure of a p′ control chart (pure: a chart's points in, ``go.Figure`` out).

Points are coloured by their mark in the Making Data Count colours — grey common cause, orange concern,
blue improvement — and also differ in shape (circle, down-pointing triangle, up-pointing triangle), so the
marks do not rest on colour alone. The centre is a solid line, the limits dashed (dotted while trial), each
segment after a re-base drawn on its own; the objective's target is a red dash-dot line. Texts come in
through ``labels`` (translated by the caller); residents never write into a chart, but names are escaped.
"""
from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from analytics.charts import GREY, RED, TEMPLATE, Figure, Scatter

ORANGE = "#b35900"
BLUE = "#1a5fb4"
LIMIT = "#444444"
MARK_STYLE = {"common": (GREY, "circle"), "concern": (ORANGE, "triangle-down"), "improvement": (BLUE, "triangle-up")}
DEFAULT_LABELS = {
    "value": "wynik", "center": "średnia", "limits": "granice kontrolne", "trial": "granice próbne",
    "target": "cel", "common": "zmienność zwykła", "concern": "przyczyna specjalna – pogorszenie",
    "improvement": "przyczyna specjalna – poprawa", "answers": "odpowiedzi", "week": "tydzień od", "month": "miesiąc",
    "separators": ", ",
}


def _percent(value: float, separators: str) -> str:
    return f"{100 * value:.1f}%".replace(".", separators[0])


def spc_figure(points: pd.DataFrame, grain: str = "week", target: float | None = None, title: str | None = None,
               labels: Mapping[str, str] | None = None) -> go.Figure:
    """``points``: ``start, n, value, center, lower, upper, segment, trial, mark`` (``analytics.spc.spc_chart``)."""
    text = {**DEFAULT_LABELS, **(labels or {})}
    figure = Figure(layout={"template": TEMPLATE, "separators": text["separators"], "hovermode": "closest",
                            "yaxis": {"tickformat": ".0%", "range": [0, 1.02]},
                            "xaxis": {"title": {"text": text[grain]}}})
    if title:
        figure.update_layout(title={"text": html.escape(title), "x": 0, "xanchor": "left"}, margin={"t": 60})
    for number, (_segment, part) in enumerate(points.groupby("segment", sort=True)):
        _segment_lines(figure, part, text, first=number == 0)
    _points(figure, points, text)
    if target is not None and len(points):
        figure.add_trace(Scatter(x=[points["start"].iloc[0], points["start"].iloc[-1]], y=[target, target],
                                 mode="lines", name=f"{text['target']} {_percent(target, text['separators'])}",
                                 line={"color": RED, "dash": "dashdot", "width": 2}, hoverinfo="skip"))
    return figure


def _segment_lines(figure: go.Figure, part: pd.DataFrame, text: Mapping[str, str], first: bool) -> None:
    x = [str(day) for day in part["start"]]
    trial = bool(part["trial"].iloc[0])
    dash = "dot" if trial else "dash"
    name = text["trial"] if trial else text["limits"]
    figure.add_trace(Scatter(x=x, y=list(part["center"]), mode="lines", name=text["center"], legendgroup="center",
                             showlegend=first, line={"color": LIMIT, "width": 1.5}, hoverinfo="skip"))
    for column, show in (("upper", first), ("lower", False)):
        figure.add_trace(Scatter(x=x, y=list(part[column]), mode="lines", name=name, legendgroup="limits",
                                 showlegend=show, line={"color": LIMIT, "width": 1, "dash": dash, "shape": "hvh"},
                                 hoverinfo="skip"))


def _points(figure: go.Figure, points: pd.DataFrame, text: Mapping[str, str]) -> None:
    x = [str(day) for day in points["start"]]
    figure.add_trace(Scatter(x=x, y=list(points["value"]), mode="lines", line={"color": GREY, "width": 1},
                             showlegend=False, hoverinfo="skip"))
    for mark, (colour, symbol) in MARK_STYLE.items():
        chosen = points[points["mark"] == mark]
        if chosen.empty:
            continue
        hover = [
            f"{day}: {_percent(value, text['separators'])} ({text['answers']}: {n})<br>"
            f"{text['limits']}: {_percent(low, text['separators'])}–{_percent(high, text['separators'])}<br>{text[mark]}"
            for day, value, n, low, high in zip(chosen["start"], chosen["value"], chosen["n"], chosen["lower"], chosen["upper"])
        ]
        figure.add_trace(Scatter(x=[str(day) for day in chosen["start"]], y=list(chosen["value"]), mode="markers",
                                 name=text[mark], marker={"color": colour, "symbol": symbol, "size": 10},
                                 hovertext=hover, hoverinfo="text"))
