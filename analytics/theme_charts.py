"""The themes figure: one horizontal bar per theme (its share of comments), pure like ``analytics.charts``."""
from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from analytics.charts import BLUE, DEFAULT_LABELS, TEMPLATE, Bar, Figure


def themes_figure(themes: Sequence[Mapping], links: Mapping[str, str] | None = None,
                  labels: Mapping[str, str] | None = None) -> go.Figure:
    """Share of comments per theme, biggest on top; ``links[code]`` goes into ``customdata`` for clicks."""
    text = {**DEFAULT_LABELS, "comments": "komentarze", "share": "udział w komentarzach", **(labels or {})}
    shown = [t for t in themes if t["comments"]][::-1]
    figure = Figure(layout={
        "template": TEMPLATE, "separators": text["separators"],
        "height": max(220, 40 + 32 * len(shown)),
        "margin": {"l": 230, "r": 20, "t": 20, "b": 50},
        "xaxis": {"title": {"text": text["share"]}, "tickformat": ".0%", "rangemode": "tozero"},
        "yaxis": {"type": "category", "automargin": True},
    })
    figure.add_trace(Bar(
        orientation="h",
        y=[html.escape(t["name"]) for t in shown],
        x=[t["share"] or 0 for t in shown],
        marker={"color": BLUE},
        customdata=[(links or {}).get(t["code"], "") for t in shown],
        hovertext=[f"{html.escape(t['name'])}<br>{text['comments']}: {t['comments']}" for t in shown],
        hoverinfo="text",
    ))
    return figure
