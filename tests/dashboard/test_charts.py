"""analytics.charts: pure figure builders (no app, no database)."""
from __future__ import annotations

import html
import json

import pandas as pd

from analytics import charts
from analytics.indicators import rating_5_indicators

MONTHS = pd.DataFrame({
    "month": ["2026-07", "2026-08", "2026-09"],
    "n": [120, 12, 0],
    "csat": [0.8, 0.5, None],
    "csat_ci_low": [0.72, 0.25, None],
    "csat_ci_high": [0.86, 0.75, None],
})


def traces(figure) -> dict:
    return {trace.name: trace for trace in figure.data}


def test_csat_by_month_has_band_target_and_gaps():
    figure = charts.csat_by_month_figure(MONTHS, target=0.85, min_sample=30)
    by_name = traces(figure)
    line = by_name["CSAT"]
    assert list(line.y) == [0.8, 0.5, None]  # a month without answers is a gap, not 0 %
    assert list(line.marker.color) == ["#1a5fb4", "white", "white"]  # thin months drawn hollow
    assert "za mało odpowiedzi" in line.hovertext[1] and "za mało odpowiedzi" not in line.hovertext[0]
    band = [t for t in figure.data if t.fill == "tonexty"][0]
    assert list(band.y) == [0.72, 0.25, None]
    target = by_name["cel 85,0%"]
    assert list(target.y) == [0.85] * 3 and target.line.dash == "dash"


def test_numbers_follow_the_given_separators():
    english = charts.csat_by_month_figure(MONTHS, target=0.85, labels={"target": "target", "separators": ".,"})
    assert "target 85.0%" in traces(english) and english.layout.separators == ".,"
    assert charts.csat_by_month_figure(MONTHS).layout.separators == ", "


def test_csat_by_month_without_target_has_no_target_line():
    figure = charts.csat_by_month_figure(MONTHS)
    assert not any(name and name.startswith("cel") for name in traces(figure))


def test_service_point_bars_are_pale_below_minimum_sample_and_escape_names():
    points = pd.DataFrame({"code": ["KM-1", "KM-2"], "name": ["Okienko <b>1</b>", "Okienko 2"], "n": [50, 4],
                           "csat": [0.9, 0.75], "csat_ci_low": [0.8, 0.3], "csat_ci_high": [0.95, 0.95]})
    figure = charts.service_point_bar_figure(points, target=0.8)
    bars = figure.data[0]
    assert list(bars.marker.color) == [charts.BLUE, charts.PALE_BLUE]
    assert "&lt;b&gt;" in bars.hovertext[0] and "<b>" not in bars.hovertext[0]
    assert [round(v, 2) for v in bars.error_y.array] == [0.05, 0.2]
    assert figure.layout.shapes[0].y0 == 0.8


def test_rating_distribution_uses_the_indicator_distribution():
    distribution = rating_5_indicators({5: 3, 4: 1, 1: 2})["distribution"]
    figure = charts.rating_distribution_figure(distribution)
    assert list(figure.data[0].x) == ["1", "2", "3", "4", "5"]
    assert list(figure.data[0].y) == [2, 0, 0, 1, 3]


def test_nps_split_is_a_stacked_share_bar():
    figure = charts.nps_split_figure(promoters=5, passives=3, detractors=2)
    assert figure.layout.barmode == "stack"
    assert [round(t.x[0], 2) for t in figure.data] == [0.2, 0.3, 0.5]


def test_nps_split_without_answers_draws_empty_bars():
    figure = charts.nps_split_figure(0, 0, 0)
    assert [t.x[0] for t in figure.data] == [0, 0, 0]


def test_choice_figure_keeps_option_order_and_labels():
    figure = charts.choice_figure({"lt5": 4, "gt30": 1}, {"lt5": "< 5 min", "gt30": "> 30 min"})
    # Plotly reads labels as HTML and shows "&lt;" as "<": the escaped label reads "< 5 min" on screen.
    assert list(figure.data[0].y) == ["&lt; 5 min", "&gt; 30 min"] and list(figure.data[0].x) == [4, 1]


def test_weekday_hour_matrix_fills_every_weekday_and_hour_between():
    cells = pd.DataFrame({"weekday": [0, 4, 0], "hour": [8, 13, 8], "responses": [2, 5, 1]})
    matrix = charts.weekday_hour_matrix(cells)
    assert list(matrix.index) == list(range(7)) and list(matrix.columns) == [8, 9, 10, 11, 12, 13]
    assert matrix.loc[0, 8] == 3 and matrix.loc[4, 13] == 5 and int(matrix.to_numpy().sum()) == 8
    figure = charts.weekday_hour_heatmap_figure(cells)
    assert figure.data[0].y[0] == "pon." and figure.data[0].x[0] == "08:00"


def test_empty_heatmap_is_all_zero_office_hours():
    matrix = charts.weekday_hour_matrix(pd.DataFrame(columns=["weekday", "hour", "responses"]))
    assert matrix.shape == (7, 8) and int(matrix.to_numpy().sum()) == 0


def test_figure_json_is_deterministic_and_cannot_close_a_script_block():
    def build():
        return charts.choice_figure({"a": 1}, {"a": "</script><script>alert(1)</script> & co"})

    first, second = charts.figure_json(build()), charts.figure_json(build())
    assert first == second
    assert "</script>" not in first and "<" not in first and "&" not in first
    assert json.loads(first)["data"][0]["y"] == ["&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"]


def test_option_labels_and_counter_names_with_markup_stay_text():
    link = '<a href="https://zlo.example">kliknij</a>'
    choice = charts.choice_figure({"a": 3}, {"a": link})
    assert choice.data[0].y[0] == choice.data[0].hovertext[0].rsplit(": ", 1)[0] == html.escape(link, quote=False)
    points = pd.DataFrame({"code": ["KM-1"], "name": [link], "n": [40], "csat": [0.5], "csat_ci_low": [0.4],
                           "csat_ci_high": [0.6]})
    bars = charts.service_point_bar_figure(points)
    assert "<a" not in json.dumps(bars.to_plotly_json()["data"]) and "&lt;a href" in bars.data[0].hovertext[0]
