"""In Chromium: a choice option labelled with an HTML link is drawn by Plotly as text, never as a live link."""
from __future__ import annotations

import pytest
import yaml

from app import create_app
from extensions import db
from survey.definitions import import_definition, parse_definition
from survey.demo import DEMO_SURVEY_FILE, seed_demo
from tests.browser.conftest import log_in, serving
from tests.conftest import test_config as app_test_config

pytestmark = pytest.mark.browser
LINK_LABEL = '<a href="https://zlo.example/">Kliknij tutaj</a>'


@pytest.fixture(scope="module")
def link_server(tmp_path_factory):
    """The demo office whose survey's first waiting-time option is labelled with a link, with answers."""
    database = tmp_path_factory.mktemp("chart-labels") / "labels.db"
    app = create_app(app_test_config(f"sqlite:///{database}", OPINIA_DASHBOARD_MAX_AGE_SECONDS=0))
    with app.app_context():
        db.create_all()
        seed_demo(400, app.config["OPINIA_TIMEZONE"])
        definition = yaml.safe_load(DEMO_SURVEY_FILE.read_text(encoding="utf-8"))
        definition["questions"][3]["options"][0]["pl"] = LINK_LABEL
        import_definition(parse_definition(definition))  # a new version: the dashboard names options by it
        db.session.remove()
    with serving(app) as server:
        yield server


def test_option_label_link_is_text_in_the_drawn_chart(open_page, link_server):
    head = link_server.create_user("department_head", ("KM",))
    page = open_page(width=1280, height=900)
    log_in(page, link_server, head)
    page.goto(f"{link_server.url}/dashboard/department/KM?period=2026")
    chart = page.locator("#chart-q_waiting_time")
    chart.locator("svg.main-svg").first.wait_for()
    assert chart.locator("a").count() == 0, "a label became a link inside the chart"
    ticks = [tick.text_content() for tick in chart.locator(".ytick text").all()]
    assert LINK_LABEL in ticks, ticks
