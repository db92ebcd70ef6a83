"""A choice option whose label is HTML never becomes a live link in the dashboard's Plotly chart.

Plotly draws labels and hover text as a subset of HTML (``<a href>`` included), so the figure must carry the
label escaped; Plotly then shows the characters ``<a href=...>`` as text.
"""
from __future__ import annotations

import json
import re

import yaml

from survey.definitions import import_definition, parse_definition
from survey.demo import DEMO_SURVEY_FILE
from tests.dashboard.conftest import add_ratings

LINK = '<a href="https://zlo.example/">Kliknij tutaj</a>'


def chart(html: str, key: str) -> dict:
    block = re.search(rf'<script type="application/json" data-chart-for="chart-{key}">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def test_option_label_with_a_link_stays_text_in_the_chart(head_client, office, db):
    definition = yaml.safe_load(DEMO_SURVEY_FILE.read_text(encoding="utf-8"))
    definition["questions"][3]["options"][0]["pl"] = LINK  # waiting_time: lt5
    import_definition(parse_definition(definition))
    counter = office["KM-1"]
    db.session.refresh(counter)
    add_ratings(counter, [5, 4, 3], waiting_time="lt5")

    page = head_client.get("/dashboard/department/KM?period=2026-Q3")
    assert page.status_code == 200
    figure = chart(page.get_data(as_text=True), "q_waiting_time")
    labels = list(figure["data"][0]["y"]) + list(figure["data"][0]["hovertext"])
    assert not [label for label in labels if "<a" in label], labels
    assert "&lt;a href=\"https://zlo.example/\"&gt;Kliknij tutaj&lt;/a&gt;" in figure["data"][0]["y"]
