"""A department head sees what residents write about and opens the comments of one theme from the chart;
the page has no WCAG 2.1 AA violations, with the chart drawn and with the filtered list."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app import create_app
from extensions import db
from survey.demo import seed_demo
from survey.models import ServicePoint
from tests.browser.conftest import assert_no_axe_violations, log_in, screenshot, serving
from tests.conftest import test_config as app_test_config
from tests.dashboard.conftest import add_response

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
WAITING = ["Czekałam w kolejce ponad godzinę.", "czekalem w kolejce 40 minut", "Kolejka do rejestracji ogromna."]


@pytest.fixture(scope="module")
def themes_server(tmp_path_factory):
    database = tmp_path_factory.mktemp("themes-server") / "themes.db"
    app = create_app(app_test_config(f"sqlite:///{database}", OPINIA_DASHBOARD_MAX_AGE_SECONDS=0))
    with app.app_context():
        db.create_all()
        seed_demo(600, app.config["OPINIA_TIMEZONE"])
        counter = db.session.scalar(sa.select(ServicePoint).where(ServicePoint.code == "KM-1"))
        now = datetime.now(timezone.utc) - timedelta(minutes=5)
        for text in WAITING:
            add_response(counter, now, satisfaction=2, comment=text)
        add_response(counter, now, satisfaction=5, comment="Bardzo miła pani, dziękuję.")
        db.session.commit()
        db.session.remove()
    with serving(app) as server:
        yield server


def click_bar(page, theme_code: str) -> None:
    """Click the middle of the bar whose link names ``theme_code`` (Plotly listens on its drag layer)."""
    index = page.evaluate(
        """(code) => document.getElementById('chart-themes').data[0].customdata
             .findIndex(link => link.includes('theme=' + code))""", theme_code)
    assert index >= 0
    bar = page.locator("#chart-themes g.trace.bars g.point").nth(index)
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()  # in the viewport once scrolled there, as the mouse needs it
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_department_head_filters_comments_by_a_theme_from_the_chart(open_page, themes_server):
    head = themes_server.create_user("department_head", ("KM",))
    page = open_page(**DESKTOP)
    page.set_default_timeout(60_000)  # building a dashboard takes seconds on a busy shared test machine
    log_in(page, themes_server, head)
    page.goto(f"{themes_server.url}/dashboard/department/KM")
    page.wait_for_function("() => document.querySelector('#chart-themes svg.main-svg')")
    page.wait_for_function("() => typeof document.getElementById('chart-themes').on === 'function'")
    waiting_row = page.locator("#table-themes tbody tr", has_text="Czekanie i kolejki")
    expected = int(waiting_row.locator("td").first.inner_text().replace("\u00a0", "").replace(" ", ""))
    assert expected >= len(WAITING)
    assert_no_axe_violations(page)

    click_bar(page, "waiting")
    assert "theme=waiting" in page.url and page.url.endswith("#comments")
    assert page.locator("#comments-theme").input_value() == "waiting"
    status = page.locator("#comments p[role=status]").inner_text()
    assert f"Znaleziono komentarzy: {expected}" in status.replace("\u00a0", "")
    texts = page.locator("#comments .comment-text").all_inner_texts()
    assert set(WAITING) <= set(texts) and "Bardzo miła pani, dziękuję." not in texts
    screenshot(page, "dashboard-comments-by-theme.png")
    assert_no_axe_violations(page)

    page.select_option("#comments-theme", "courtesy")
    with page.expect_navigation():
        page.click("#comments button[type=submit]")
    assert "Bardzo miła pani, dziękuję." in page.locator("#comments .comment-text").all_inner_texts()
