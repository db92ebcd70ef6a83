"""The dashboards in headless Chromium: a department head logs in, every chart draws with Plotly's partial
bundle, nothing errs, other departments are refused, a hostile comment stays text, and axe-core finds no
WCAG 2.1 AA violation.

The module runs its own live server (the shared one holds no responses), on the demo office with demo
answers over the last twelve months plus one comment written to attack the page.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app import create_app
from dashboard import plotly_asset
from extensions import db
from survey.demo import seed_demo
from survey.models import Response, ServicePoint
from tests.browser.conftest import assert_no_axe_violations, log_in, screenshot, serving
from tests.conftest import test_config as app_test_config
from tests.dashboard.conftest import add_response

HOSTILE_COMMENT = ('<script>window.__opiniaHacked = "script"</script>'
                   '<img src="/nothing.png" onerror="window.__opiniaHacked = \'onerror\'"> Kolejka za długa')
pytestmark = pytest.mark.browser

DEMO_RESPONSES = 3000
DESKTOP = {"width": 1280, "height": 900}


def _add_hostile_comment() -> None:
    """The newest answer of all (demo answers may lie later today than now), so it heads the comments."""
    counter = db.session.scalar(sa.select(ServicePoint).where(ServicePoint.code == "KM-1"))
    latest = db.session.scalar(sa.select(sa.func.max(Response.submitted_at)))
    add_response(counter, max(latest, datetime.now(timezone.utc)) + timedelta(seconds=1), satisfaction=2,
                 comment=HOSTILE_COMMENT)
    db.session.commit()


@pytest.fixture(scope="module")
def dashboard_server(tmp_path_factory):
    database = tmp_path_factory.mktemp("dashboard-server") / "dashboard.db"
    app = create_app(app_test_config(f"sqlite:///{database}", OPINIA_DASHBOARD_MAX_AGE_SECONDS=0))
    with app.app_context():
        db.create_all()
        seed_demo(DEMO_RESPONSES, app.config["OPINIA_TIMEZONE"])
        _add_hostile_comment()
        db.session.remove()
    with serving(app) as server:
        yield server


@pytest.fixture(scope="module")
def head(dashboard_server):
    return dashboard_server.create_user("department_head", ("KM",))


def wait_for_charts(page) -> int:
    """Wait until every chart container holds a Plotly SVG; return how many charts there are."""
    charts = page.locator("div.chart")
    count = charts.count()
    assert count >= 7
    page.wait_for_function(
        "() => [...document.querySelectorAll('div.chart')].every(c => c.querySelector('svg.main-svg'))"
    )
    return count


def test_department_head_sees_every_chart_drawn(open_page, dashboard_server, head):
    page = open_page(**DESKTOP)
    log_in(page, dashboard_server, head)
    page.goto(f"{dashboard_server.url}/dashboard/")
    assert page.url.startswith(f"{dashboard_server.url}/dashboard/department/KM")
    count = wait_for_charts(page)
    assert page.locator('script[type="application/json"][data-chart-for]').count() == count
    for chart in page.locator("div.chart").all():
        assert chart.locator("svg.main-svg").count() >= 1
        assert chart.get_attribute("data-drawn") == "true"
    # with the charts drawn, their data tables are folded away (open without JavaScript: the next test)
    assert page.locator("details.chart-data").count() >= 7
    assert page.locator("details.chart-data[open]").count() == 0
    assert page.locator("[data-tile=csat] .tile-value").inner_text().endswith("%")
    # drawn by the partial bundle, not the Python package's full script
    served = page.evaluate("""() => ({
        traces: Object.keys(window.Plotly.PlotSchema.get().traces),
        bytes: performance.getEntriesByType('resource').find(r => r.name.includes('plotly.min.js')).decodedBodySize})""")
    assert served["bytes"] == plotly_asset.PARTIAL_JS.stat().st_size
    assert set(served["traces"]) == {"scatter", "bar", "heatmap"}
    # nor do the figures use what the bundle leaves out (another calendar than the Gregorian)
    assert "calendar" not in "".join(page.locator("script[data-chart-for]").all_text_contents())
    screenshot(page, "dashboard-department-KM.png")
    # open_page fails the test if the console logged any error (CSP violations included)


# Subplot kinds of the full script that the partial bundle leaves out; the app's figures use none of them.
SUBPLOTS_LEFT_OUT = {"geo", "map", "mapbox", "polar", "scene", "smith", "ternary"}
SCHEMA = """() => {
  const schema = Plotly.PlotSchema.get();
  return JSON.stringify({traces: ['scatter', 'bar', 'heatmap'].map(kind => schema.traces[kind]),
                         layout: schema.layout, config: schema.config});
}"""


def _without_calendars(schema):
    """The schema less the attributes of the world-calendars component (``calendar``, ``xcalendar``, ...), which
    the partial bundle leaves out: the figures use the Gregorian calendar, plotly's default."""
    if isinstance(schema, dict):
        return {key: _without_calendars(value) for key, value in schema.items() if not key.endswith("calendar")}
    if isinstance(schema, list):
        return [_without_calendars(value) for value in schema]
    return schema


def test_partial_bundle_defines_the_same_attributes_as_the_python_package_script(browser):
    """The figures are built by the Python package against its own plotly.js; the partial bundle (built from the
    same version) must understand them alike: same attributes for the app's trace types, the layout (less the
    subplot kinds and the calendars it does not hold) and the configuration."""
    schemas = []
    for script in (plotly_asset.PARTIAL_JS, plotly_asset.FULL_JS):
        page = browser.new_page()
        page.set_content("<!doctype html><title>schema</title>")
        page.add_script_tag(path=str(script))
        schemas.append(json.loads(page.evaluate(SCHEMA)))
        page.close()
    partial, full = schemas
    full_layout = full["layout"]["layoutAttributes"]
    assert SUBPLOTS_LEFT_OUT <= set(full_layout) and not SUBPLOTS_LEFT_OUT & set(partial["layout"]["layoutAttributes"])
    for kind in SUBPLOTS_LEFT_OUT:
        del full_layout[kind]
    assert "calendar" in full_layout and "xcalendar" in full["traces"][0]["attributes"]
    assert partial == _without_calendars(full)


def test_other_department_is_refused(open_page, dashboard_server, head):
    page = open_page(**DESKTOP)
    log_in(page, dashboard_server, head)
    for path in ("/dashboard/department/AB", "/dashboard/service-point/GK-1", "/dashboard/department/AB/csv/months.csv"):
        response = page.goto(f"{dashboard_server.url}{path}")
        assert response.status == 403, path
    assert "Brak dostępu" in page.content() or page.url.endswith(".csv")


def test_hostile_comment_is_shown_as_text_and_never_runs(open_page, dashboard_server, head):
    page = open_page(**DESKTOP)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, dashboard_server, head)
    page.goto(f"{dashboard_server.url}/dashboard/department/KM")
    wait_for_charts(page)
    newest = page.locator("ol.comments .comment-text").first
    assert newest.inner_text() == HOSTILE_COMMENT
    assert page.locator(".comments img").count() == 0 and page.locator(".comments script").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__opiniaHacked") == "undefined"
    assert not dialogs


def test_dashboard_has_no_wcag_violations(open_page, dashboard_server, head):
    page = open_page(**DESKTOP)
    log_in(page, dashboard_server, head)
    page.goto(f"{dashboard_server.url}/dashboard/department/KM")
    wait_for_charts(page)
    assert_no_axe_violations(page)


def test_quality_manager_overview_is_accessible_and_links_down(open_page, dashboard_server):
    manager = dashboard_server.create_user("quality_manager")
    page = open_page(**DESKTOP)
    log_in(page, dashboard_server, manager)
    page.goto(f"{dashboard_server.url}/dashboard/")
    assert page.locator("#table-departments tbody tr").count() == 5
    assert_no_axe_violations(page)
    page.click("#table-departments a:text('Wydział Geodezji, Kartografii i Katastru')")
    wait_for_charts(page)
    assert "/dashboard/department/GK" in page.url


def test_without_javascript_the_numbers_are_in_tables(open_page, dashboard_server, head):
    page = open_page(javascript=False, **DESKTOP)
    log_in(page, dashboard_server, head)
    page.goto(f"{dashboard_server.url}/dashboard/department/KM")
    assert page.locator("#table-months").is_visible()
    assert page.locator("#table-weekday_hour").is_visible()
    assert page.locator("details.chart-data:not([open])").count() == 0
    assert page.locator("svg.main-svg").count() == 0
