"""Kiosk mode: a tablet at the counter answered by one resident after another. After a submission the
thank-you screen returns by itself to an empty survey; nothing of the previous resident stays visible."""
from __future__ import annotations

import pytest

from tests.browser.conftest import KIOSK_RESET_SECONDS, screenshot, set_up_kiosk
from tests.browser.test_survey import stored_response

pytestmark = pytest.mark.browser

TABLET = {"width": 800, "height": 1280}


def visible_answers(page) -> dict:
    return page.evaluate(
        """() => ({checked: [...document.querySelectorAll('input[type=radio]:checked')].map(i => i.id),
                   comment: document.querySelector('textarea').value})"""
    )


def test_kiosk_returns_to_an_empty_survey_for_the_next_resident(open_page, live_server):
    page = open_page(**TABLET)
    token = live_server.token("KM-3")
    kiosk_url = set_up_kiosk(page, live_server, "KM-3")
    page.goto(kiosk_url + "?lang=en")
    first_submission = page.input_value("input[name=submission_id]")
    assert page.get_attribute("form.survey", "autocomplete") == "off"
    page.click("label[for=satisfaction-0]")
    page.click("label[for=recommend-2]")
    page.fill("#comment", "Queue far too long")
    assert visible_answers(page) == {"checked": ["satisfaction-0", "recommend-2"], "comment": "Queue far too long"}
    page.click("button.submit")

    page.wait_for_url(f"**/k/{token}/dziekujemy*")
    assert page.inner_text("h1") == "Thank you for your feedback!"
    assert f"In {KIOSK_RESET_SECONDS} seconds the survey will return to the start" in page.inner_text("main")
    screenshot(page, "kiosk-thanks-tablet-en.png")

    # Nobody touches the tablet: it goes back by itself, in the office's default language, empty.
    page.wait_for_url(f"**/k/{token}?lang=pl", timeout=(KIOSK_RESET_SECONDS + 5) * 1000)
    page.wait_for_selector("form.survey")
    assert page.get_attribute("html", "lang") == "pl"
    assert visible_answers(page) == {"checked": [], "comment": ""}
    next_submission = page.input_value("input[name=submission_id]")
    assert next_submission and next_submission != first_submission
    screenshot(page, "kiosk-survey-tablet-pl.png")

    # The next resident presses Back: the previous form is fetched again (no-store), never restored.
    page.go_back()
    page.go_back()
    page.wait_for_selector("form.survey")
    assert visible_answers(page) == {"checked": [], "comment": ""}
    assert page.input_value("input[name=submission_id]") not in (first_submission, next_submission)

    language, channel, answers = stored_response(live_server, first_submission)
    assert (language, channel) == ("en", "kiosk")
    assert answers == {"satisfaction": 1, "recommend": 2, "comment": "Queue far too long"}


def test_kiosk_accepts_one_resident_after_another(open_page, live_server):
    """The per-device interval of phones never blocks the counter's own tablet."""
    page = open_page(**TABLET)
    token = live_server.token("KM-4")
    set_up_kiosk(page, live_server, "KM-4")
    submissions = []
    for rating in (5, 3):
        submissions.append(page.input_value("input[name=submission_id]"))
        page.click(f"label[for=satisfaction-{rating - 1}]")
        page.click("button.submit")
        page.wait_for_url(f"**/k/{token}/dziekujemy*")
        page.click("text=Nowa ankieta")
        page.wait_for_selector("form.survey")
    assert [stored_response(live_server, s)[2] for s in submissions] == [{"satisfaction": 5}, {"satisfaction": 3}]


def test_abandoned_kiosk_survey_asks_for_more_time_then_starts_afresh(open_page, live_server):
    from tests.browser.conftest import assert_no_axe_violations

    idle_ms = live_server.app.config["OPINIA_KIOSK_IDLE_SECONDS"] * 1000
    page = open_page(**TABLET)
    page.clock.install()
    token = live_server.token("AB-2")
    page.goto(f"{live_server.url}/k/{token}")
    abandoned_submission = page.input_value("input[name=submission_id]")
    page.click("label[for=satisfaction-1]")
    page.fill("#comment", "Nie skończę tej ankiety")
    dialog = page.locator("#idle-warning")

    page.clock.run_for(idle_ms - 1000)
    assert not dialog.is_visible()
    page.clock.run_for(2000)
    assert dialog.is_visible()
    assert "Czy nadal wypełniasz ankietę?" in dialog.inner_text()
    assert page.evaluate("document.activeElement.closest('#idle-warning') !== null")
    assert_no_axe_violations(page)

    # The resident is still there: one tap keeps every answer.
    page.click("#idle-warning button")
    assert not dialog.is_visible()
    assert visible_answers(page) == {"checked": ["satisfaction-1"], "comment": "Nie skończę tej ankiety"}

    # Then walks away: the warning comes back, and 20 seconds later the tablet starts afresh.
    page.clock.run_for(idle_ms + 1000)
    assert dialog.is_visible()
    with page.expect_navigation():
        page.clock.run_for(20_000)
    page.wait_for_selector("form.survey")
    assert page.url.endswith(f"/k/{token}?lang=pl")
    assert visible_answers(page) == {"checked": [], "comment": ""}
    assert page.input_value("input[name=submission_id]") != abandoned_submission
    with live_server.app_context():
        from extensions import db
        from survey.models import Response
        from survey.submission_ids import nonce_of
        import sqlalchemy as sa

        assert db.session.scalar(sa.select(Response).where(Response.submission_id == nonce_of(abandoned_submission))) is None


def test_untouched_kiosk_survey_is_left_alone(open_page, live_server):
    page = open_page(**TABLET)
    page.clock.install()
    page.goto(f"{live_server.url}/k/{live_server.token('AB-1')}")
    page.clock.run_for(10 * live_server.app.config["OPINIA_KIOSK_IDLE_SECONDS"] * 1000)
    assert not page.locator("#idle-warning").is_visible()


def test_kiosk_resets_with_javascript_off(open_page, live_server):
    """The reset is a meta refresh, so it needs no script at all (and no CSP exception)."""
    page = open_page(**TABLET, javascript=False)
    token = live_server.token("GK-2")
    set_up_kiosk(page, live_server, "GK-2")
    page.click("label[for=satisfaction-3]")
    page.click("button.submit")
    page.wait_for_url(f"**/k/{token}/dziekujemy*")
    page.wait_for_url(f"**/k/{token}?lang=pl", timeout=(KIOSK_RESET_SECONDS + 5) * 1000)
    assert visible_answers(page) == {"checked": [], "comment": ""}
