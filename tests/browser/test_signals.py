"""Signals in headless Chromium: a department head sees "Wymaga uwagi" with the demo's falling counter, its
control chart drawn with limits and marks, acknowledges it, and axe-core finds no WCAG 2.1 AA violation."""
from __future__ import annotations

import pytest

from app import create_app
from extensions import db
from signals.services import office_state
from survey.demo import seed_demo
from tests.browser.conftest import assert_no_axe_violations, log_in, screenshot, serving
from tests.conftest import test_config as app_test_config

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def signals_server(tmp_path_factory):
    database = tmp_path_factory.mktemp("signals-server") / "signals.db"
    app = create_app(app_test_config(f"sqlite:///{database}", OPINIA_DASHBOARD_MAX_AGE_SECONDS=0))
    with app.app_context():
        db.create_all()
        seed_demo(3000, app.config["OPINIA_TIMEZONE"])
    with app.test_request_context():
        office_state()  # the charts of the whole office, computed once before the browser comes
        db.session.remove()
    with serving(app) as server:
        yield server


@pytest.fixture(scope="module")
def head(signals_server):
    return signals_server.create_user("department_head", ("KM",))


def test_department_head_sees_what_needs_attention_and_the_control_chart(open_page, signals_server, head):
    page = open_page(**DESKTOP)
    log_in(page, signals_server, head)
    page.goto(f"{signals_server.url}/dashboard/department/KM")
    attention = page.locator("#wymaga-uwagi")
    assert attention.locator("h2").inner_text() == "Wymaga uwagi"
    # the demo's story: KM-2's satisfaction gets worse (the newest demo days may add another concern, ranked by its
    # own size, e.g. KM-2's share of "yes" answers at some moments of seeding)
    concern = (attention.locator('[data-signal-kind="concern"]')
               .filter(has_text="Stanowisko 2 – rejestracja pojazdów").filter(has_text="CSAT (odsetek ocen 4–5)").first)
    assert concern.count() == 1
    assert_no_axe_violations(page)

    with page.expect_navigation():
        concern.locator("text=Wykres i szczegóły").click()
    chart = page.locator("#chart-spc-satisfaction")
    chart.locator("svg.main-svg").first.wait_for()
    page.wait_for_function("() => document.querySelector('#chart-spc-satisfaction').dataset.drawn === 'true'")
    legend = chart.locator("g.legend").first.text_content()
    assert "granice kontrolne" in legend and "średnia" in legend
    assert "przyczyna specjalna – pogorszenie" in legend
    assert chart.locator("path.point").count() >= 12
    screenshot(page, "signal-KM-2.png")
    assert_no_axe_violations(page)

    page.fill("textarea[name=comment]", "Sprawdzono: brak drugiej osoby na stanowisku, od poniedziałku dyżur.")
    with page.expect_navigation():
        page.click("form.ack-form button[type=submit]")
    assert "przyjęty do wiadomości" in page.locator("#signal-heading + p + p").inner_text()
    assert_no_axe_violations(page)


def test_the_service_point_dashboard_shows_the_chart_at_phone_width(open_page, signals_server, head):
    page = open_page()
    log_in(page, signals_server, head)
    page.goto(f"{signals_server.url}/dashboard/service-point/KM-2")
    assert page.locator("#wymaga-uwagi [data-signal-kind]").count() >= 1
    page.locator("#chart-spc-satisfaction svg.main-svg").first.wait_for()
    assert page.locator("#table-spc_satisfaction tbody tr").count() >= 12
    screenshot(page, "dashboard-KM-2-phone.png")
    assert_no_axe_violations(page)
