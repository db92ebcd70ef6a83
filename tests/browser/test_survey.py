"""A resident answers a counter's survey in a real browser: on a phone, with the keyboard only, in Polish and
in English, without JavaScript, on a 320 px screen; the answer reaches the database."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from extensions import db
from survey.models import Response
from survey.submission_ids import nonce_of
from tests.browser.conftest import has_horizontal_scroll, screenshot, tab_to

pytestmark = pytest.mark.browser


def stored_response(live_server, submission_id: str) -> tuple[str, str, dict]:
    """(language, channel, {question code: value}) of the response a form with this (signed) submission id stored."""
    with live_server.app_context():
        response = db.session.scalar(sa.select(Response).where(Response.submission_id == nonce_of(submission_id)))
        assert response is not None, "the answer was not stored"
        answers = {
            a.question.code: a.value_int if a.value_int is not None else a.value_text for a in response.answers
        }
        return response.language, response.channel, answers


def assert_focus_is_visible(page, input_id: str) -> None:
    """The focused radio is visually hidden; its label must show a clear focus outline."""
    outline = page.evaluate(
        """(id) => { const s = getComputedStyle(document.querySelector(`label[for="${id}"]`));
                     return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""",
        input_id,
    )
    assert outline["style"] != "none" and outline["width"] >= 2, f"no visible focus on {input_id}: {outline}"


def answer_demo_survey_with_keyboard(page, comment: str) -> None:
    """Satisfaction 4, recommend 9, settled yes, waited 5–15 minutes, a comment — Tab, arrows, Space, Enter only."""
    tab_to(page, "#satisfaction-0")
    assert_focus_is_visible(page, "satisfaction-0")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    tab_to(page, "#recommend-0")
    page.keyboard.press("Space")
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    tab_to(page, "#settled-0")
    page.keyboard.press("Space")
    tab_to(page, "#waiting_time-0")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#comment")
    page.keyboard.type(comment)
    tab_to(page, "button.submit")
    page.keyboard.press("Enter")


EXPECTED_KEYBOARD_ANSWERS = {"satisfaction": 4, "recommend": 9, "settled": 1, "waiting_time": "5to15"}


def test_resident_answers_with_keyboard_only_on_a_phone(page, live_server):
    token = live_server.token("KM-1")
    page.goto(f"{live_server.url}/s/{token}")
    assert page.get_attribute("html", "lang") == "pl"
    # Another browser module on this worker may have published more questions: the hint follows the survey.
    assert re.fullmatch(r"\d+ pytań, ok\. \d+ sekund", page.inner_text(".progress-hint"))
    assert page.inner_text("legend >> nth=0").startswith("Jak oceniasz dzisiejszą obsługę")
    assert not has_horizontal_scroll(page)
    screenshot(page, "survey-phone-pl.png")
    submission_id = page.input_value("input[name=submission_id]")

    answer_demo_survey_with_keyboard(page, "Sprawnie i miło, dziękuję")

    page.wait_for_url(f"**/s/{token}/dziekujemy*")
    assert page.inner_text("h1") == "Dziękujemy za opinię!"
    language, channel, answers = stored_response(live_server, submission_id)
    assert (language, channel) == ("pl", "web")
    assert answers == {**EXPECTED_KEYBOARD_ANSWERS, "comment": "Sprawnie i miło, dziękuję"}


def test_resident_switches_to_english_with_keyboard_and_answers(page, live_server):
    token = live_server.token("KM-2")
    page.goto(f"{live_server.url}/s/{token}")
    tab_to(page, "a.language-switch")
    assert page.inner_text("a.language-switch") == "English"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "How did we serve you?"
    assert re.fullmatch(r"\d+ questions, about \d+ seconds", page.inner_text(".progress-hint"))
    assert "Very good" in page.inner_text("#q-satisfaction")
    screenshot(page, "survey-phone-en.png")
    submission_id = page.input_value("input[name=submission_id]")

    answer_demo_survey_with_keyboard(page, "Quick and friendly")

    page.wait_for_url(f"**/s/{token}/dziekujemy*")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Thank you for your feedback!"
    language, channel, answers = stored_response(live_server, submission_id)
    assert (language, channel) == ("en", "web")
    assert answers == {**EXPECTED_KEYBOARD_ANSWERS, "comment": "Quick and friendly"}


def test_english_browser_gets_the_english_survey(open_page, live_server):
    page = open_page(locale="en-GB")
    page.goto(f"{live_server.url}/s/{live_server.token('KM-3')}")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("button.submit") == "Send answer"
    assert page.inner_text("a.language-switch") == "Polski"


def test_missing_required_answer_is_announced_and_fixed_with_keyboard(page, live_server):
    token = live_server.token("AB-1")
    page.goto(f"{live_server.url}/s/{token}")
    submission_id = page.input_value("input[name=submission_id]")
    tab_to(page, "button.submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "Jak oceniasz dzisiejszą obsługę" in summary.inner_text()
    assert page.get_attribute("#q-satisfaction", "aria-describedby") == "err-satisfaction"
    assert page.inner_text("#err-satisfaction") == "Proszę odpowiedzieć na to pytanie."
    assert not has_horizontal_scroll(page)

    tab_to(page, "#satisfaction-0")
    page.keyboard.press("ArrowDown")
    tab_to(page, "button.submit")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/s/{token}/dziekujemy*")
    assert stored_response(live_server, submission_id)[2] == {"satisfaction": 2}


def test_survey_works_with_javascript_off(open_page, live_server):
    page = open_page(javascript=False)
    token = live_server.token("GK-1")
    page.goto(f"{live_server.url}/s/{token}")
    submission_id = page.input_value("input[name=submission_id]")
    page.click("label[for=satisfaction-4]")
    page.click("label[for=settled-1]")
    page.click("button.submit")
    page.wait_for_url(f"**/s/{token}/dziekujemy*")
    assert page.inner_text("h1") == "Dziękujemy za opinię!"
    assert stored_response(live_server, submission_id)[2] == {"satisfaction": 5, "settled": 0}


@pytest.mark.parametrize("path", ["/s/{token}", "/k/{token}", "/deklaracja-dostepnosci", "/prywatnosc", "/s/unknown"])
def test_public_pages_fit_a_320_pixel_screen(open_page, live_server, path):
    page = open_page(width=320, height=640)
    page.goto(live_server.url + path.format(token=live_server.token("OS-1")))
    assert not has_horizontal_scroll(page), f"{path} scrolls sideways at 320 px"


def test_survey_reflows_with_text_at_200_percent(page, live_server):
    page.goto(f"{live_server.url}/s/{live_server.token('OS-1')}")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert not has_horizontal_scroll(page)
    assert page.locator("label[for=satisfaction-4]").is_visible()


def test_footer_links_lead_to_the_statement_and_back_to_the_survey(page, live_server):
    token = live_server.token("KO-1")
    page.goto(f"{live_server.url}/s/{token}")
    page.click("footer >> text=Deklaracja dostępności")
    assert page.inner_text("h1") == "Deklaracja dostępności"
    assert page.inner_text("#a11y-data-publikacja") == "2026-11-25"
    page.click("footer >> text=Prywatność")
    assert "Nie zapisujemy adresu IP" in page.inner_text("main")
    page.click("text=Wróć do ankiety")
    assert page.url.endswith(f"/s/{token}")


def test_survey_page_is_one_html_request_plus_cached_css(page, live_server):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/s/{live_server.token('KM-4')}")
    assert len(requests) == 2, requests
    html, css = requests
    assert css.startswith(f"{live_server.url}/static/css/opinia.css?v=")
    response = page.request.get(css)
    assert "max-age=31536000" in response.headers["cache-control"]
    assert len(response.body()) < 16_000


def test_screen_reader_names_of_questions_and_answers(page, live_server):
    """What a screen reader announces: each question is a named group, each answer a named radio button."""
    page.goto(f"{live_server.url}/s/{live_server.token('KM-1')}")
    satisfaction = page.get_by_role("group", name="Jak oceniasz dzisiejszą obsługę przy tym stanowisku? (wymagane)")
    assert satisfaction.count() == 1
    names = [satisfaction.get_by_role("radio").nth(i).evaluate("e => e.labels[0].innerText.trim()") for i in range(5)]
    assert names == ["Bardzo źle", "Źle", "Średnio", "Dobrze", "Bardzo dobrze"]
    for name in names:
        assert satisfaction.get_by_role("radio", name=name, exact=True).count() == 1
    assert page.get_by_role("radio", name="Bardzo dobrze", exact=True).get_attribute("required") is not None
    assert page.get_by_role("group", name="Czy udało się załatwić Twoją sprawę?").get_by_role("radio").count() == 2
    comment = page.get_by_role("textbox", name="Co możemy poprawić? (opcjonalnie)")
    assert comment.get_attribute("aria-describedby") == "hint-comment"
    assert page.get_by_role("button", name="Wyślij odpowiedź").count() == 1
    assert page.get_by_role("main").count() == 1 and page.get_by_role("contentinfo").count() == 1


def test_first_tab_reaches_the_skip_link_which_jumps_to_the_content(page, live_server):
    page.goto(f"{live_server.url}/s/{live_server.token('KM-1')}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "satisfaction-0"
