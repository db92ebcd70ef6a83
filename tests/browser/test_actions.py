"""The actions page (staff) and the public "Zgłosiliście — zrobiliśmy" page on a phone (360×740): they work,
need no horizontal scrolling, and axe-core finds no WCAG 2.1 AA violation; the public page also without
JavaScript and in English."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from tests.browser.conftest import assert_no_axe_violations, has_horizontal_scroll, screenshot

pytestmark = pytest.mark.browser
TITLE = "Dodatkowe okienko kasowe w poniedziałki"


@pytest.fixture(scope="module")
def published_action(live_server):
    from actions.services import ActionInput, save_action
    from survey.models import Department, User

    head = live_server.create_user("department_head", ("KM",))
    with live_server.app_context(), live_server.app.test_request_context("/"):
        user = db.session.scalar(sa.select(User).where(User.email == head.email))
        km = db.session.scalar(sa.select(Department).where(Department.code == "KM"))
        today = date.today()
        for title, due, effective in ((TITLE, today + timedelta(days=10), today - timedelta(days=7)),
                                      ("Nowe oznakowanie sali A", today - timedelta(days=2), None)):
            save_action(user, None, ActionInput(
                title=title, kind="improvement", scope="department", department=km, owner=user, due_date=due,
                effective_date=effective, publish=effective is not None,
                description="Kasa nr 2 otwarta od 8:00 w poniedziałki."))
        db.session.remove()
    return head


def log_in_to(page, live_server, account, target: str) -> None:
    """The staff login form, returning to ``target`` (not the dashboard, whose charts are not tested here)."""
    page.goto(f"{live_server.url}/login?next={target}")
    page.fill("input[name=email]", account.email)
    page.fill("input[name=password]", account.password)
    with page.expect_navigation(url=f"{live_server.url}{target}"):
        page.click("form button[type=submit]")


def test_actions_page_on_a_phone(open_page, live_server, published_action):
    page = open_page()
    log_in_to(page, live_server, published_action, "/actions/department/KM")
    assert page.locator("h1").inner_text().startswith("Działania doskonalące")
    rows = page.locator("table.data-table tbody tr")
    assert rows.count() == 2
    assert "po terminie" in rows.nth(0).inner_text()  # overdue first
    assert not has_horizontal_scroll(page)
    assert_no_axe_violations(page)
    screenshot(page, "actions-department-phone.png")
    page.click(f"text={TITLE}")
    assert page.locator("h1").inner_text() == TITLE
    assert page.get_by_text("Zmierzony efekt").count() == 1
    assert not has_horizontal_scroll(page)
    assert_no_axe_violations(page)
    screenshot(page, "action-detail-phone.png")


@pytest.mark.parametrize("locale,heading", [("pl-PL", "Zgłosiliście — zrobiliśmy"), ("en-GB", "You told us — we acted")])
def test_public_page_on_a_phone(open_page, live_server, published_action, locale, heading):
    # Without JavaScript everything is there; the checks that run scripts (axe-core, scroll width) use a second page.
    page = open_page(locale=locale, javascript=False)
    page.goto(f"{live_server.url}/zglosiliscie-zrobilismy")
    assert page.locator("h1").inner_text() == heading
    assert page.get_by_text(TITLE).count() == 1
    assert page.get_by_text("Nowe oznakowanie sali A").count() == 0
    screenshot(page, f"you-said-we-did-{locale[:2]}.png")
    checked = open_page(locale=locale)
    checked.goto(f"{live_server.url}/zglosiliscie-zrobilismy")
    assert checked.locator("h1").inner_text() == heading
    assert not has_horizontal_scroll(checked)
    assert_no_axe_violations(checked)
