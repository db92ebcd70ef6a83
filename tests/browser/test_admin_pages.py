"""The staff pages in headless Chromium: log in through the form, axe-core finds no WCAG 2.1 AA violation on
the login page, the set-up pages, a form showing errors and the survey editor; a poster downloads as a PDF."""
from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_axe_violations, log_in

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def admin_page(open_page, live_server):
    page = open_page(**DESKTOP)
    log_in(page, live_server, live_server.create_user("admin"))
    return page


def test_login_page_is_accessible(open_page, live_server):
    page = open_page(**DESKTOP)
    page.goto(f"{live_server.url}/login")
    assert_no_axe_violations(page)


def test_staff_pages_are_accessible(admin_page, live_server):
    for path in ("/admin/", "/admin/departments", "/admin/service-points", "/admin/service-points/1",
                 "/admin/surveys/1", "/admin/surveys/1/edit", "/admin/users", "/admin/audit"):
        admin_page.goto(f"{live_server.url}{path}")
        assert admin_page.locator("h1").count() == 1, path
        assert_no_axe_violations(admin_page)


def test_form_errors_are_announced_and_accessible(admin_page, live_server):
    admin_page.goto(f"{live_server.url}/admin/objectives/new")
    admin_page.click("main form button[type=submit]")
    assert admin_page.locator(".error-summary[role=alert]").is_visible()
    name_field = admin_page.locator("#name")
    assert name_field.get_attribute("aria-invalid") == "true"
    assert admin_page.locator(f"#{name_field.get_attribute('aria-describedby')}").inner_text().strip()
    assert_no_axe_violations(admin_page)


def test_poster_downloads_from_the_counter_page(admin_page, live_server):
    admin_page.goto(f"{live_server.url}/admin/service-points/1")
    with admin_page.expect_download() as download:
        admin_page.click("text=Plakat A4 (PDF)")
    assert download.value.suggested_filename.endswith("-a4.pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
