"""Plotly figures of the queue system's figures (pure: numbers in, ``go.Figure`` out, like ``analytics.charts``)."""
from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from analytics.charts import BLUE, RED, Bar, Scatter, _figure, add_hline, _labels, _none_if_nan, _percent

SERVED_LABELS = {
    "response_rate": "odsetek odpowiedzi",
    "served": "obsłużeni",
    "threshold": "próg ostrzeżenia",
    "low": "za mało odpowiedzi wobec liczby obsłużonych",
}


def response_rate_figure(points: pd.DataFrame, threshold: float, labels: Mapping[str, str] | None = None) -> go.Figure:
    """One bar per counter: responses per customer served; red below ``threshold``, no bar without queue data.

    ``points`` has columns ``code``, ``name``, ``served``, ``response_rate`` (missing without queue data).
    """
    text = {**_labels(labels), **SERVED_LABELS, **(labels or {})}
    rates = [_none_if_nan(v) for v in points["response_rate"]]
    top = max([r for r in rates if r is not None] + [threshold]) * 1.15
    figure = _figure(None, text, yaxis={"title": {"text": text["response_rate"]}, "tickformat": ".1%", "range": [0, top]},
                     xaxis={"title": {"text": text["service_point"]}, "type": "category"}, showlegend=True)
    figure.add_trace(Bar(
        x=[str(c) for c in points["code"]], y=rates, name=text["response_rate"],
        marker={"color": [RED if r is not None and r < threshold else BLUE for r in rates]},
        hovertext=[
            f"{html.escape(str(name))}<br>{text['response_rate']} {_percent(rate, text)}, {text['served']}: "
            f"{'–' if served is None or served != served else int(served)}"
            + (f"<br>{text['low']}" if rate is not None and rate < threshold else "")
            for name, rate, served in zip(points["name"], rates, points["served"])
        ],
        hoverinfo="text",
    ))
    add_hline(figure, threshold, {"color": RED, "dash": "dash", "width": 2})
    figure.add_trace(Scatter(x=[None], y=[None], mode="lines", name=f"{text['threshold']} {_percent(threshold, text)}",
                             line={"color": RED, "dash": "dash", "width": 2}))
    return figure
