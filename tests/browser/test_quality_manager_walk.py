"""The quality manager's day in Chromium, on a 1280×800 desktop and a 360×740 phone: an objective typed as a
percent, the survey edited question by question (add, translate, move, preview in both languages, publish),
a counter's code renewed through its confirmation page, a poster printed. Screenshots go to test-output/."""
from __future__ import annotations

import subprocess

import pytest

from tests.browser.conftest import TEST_OUTPUT, assert_no_axe_violations, has_horizontal_scroll, log_in, screenshot

pytestmark = pytest.mark.browser
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


@pytest.fixture(params=list(VIEWPORTS))
def manager(request, open_page, live_server):
    page = open_page(**VIEWPORTS[request.param])
    log_in(page, live_server, live_server.create_user("quality_manager"))
    page.viewport_name = request.param
    return page


def shot(page, name: str) -> None:
    screenshot(page, f"qm-{name}-{page.viewport_name}.png")


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_objective_is_typed_as_a_percent(manager, live_server):
    page = manager
    page.goto(f"{live_server.url}/admin/objectives")
    click_and_wait(page, "text=Dodaj cel")
    name = f"CSAT urzędu co najmniej 85% ({page.viewport_name})"
    page.fill("#name", name)
    page.select_option("#indicator", "csat")
    page.select_option("#question_code", label="Jak oceniasz dzisiejszą obsługę przy tym stanowisku? (ocena 1–5)")
    page.select_option("#comparator", ">=")
    page.fill("#target", "8500")
    click_and_wait(page, "main form button[type=submit]")
    assert "Podaj odsetek w procentach, od 0 do 100" in page.inner_text(".error-summary")
    shot(page, "objective-refused")
    assert_no_axe_violations(page)
    page.fill("#target", "85")
    click_and_wait(page, "main form button[type=submit]")
    row = page.locator("tr", has_text=name)
    assert "co najmniej 85 %" in row.inner_text()
    assert "Jak oceniasz dzisiejszą obsługę" in row.inner_text()
    assert ">=" not in page.inner_text("main")
    shot(page, "objectives")
    assert not has_horizontal_scroll(page)


def test_survey_is_edited_question_by_question(manager, live_server):
    page = manager
    page.goto(f"{live_server.url}/admin/surveys")
    click_and_wait(page, "main table a")
    click_and_wait(page, ".page-head a.button")  # "Edytuj pytania" (or "Kontynuuj edycję szkicu")
    shot(page, "editor")
    assert_no_axe_violations(page)

    click_and_wait(page, "text=Dodaj pytanie")
    question = f"Czy pracownik przedstawił się z imienia? ({page.viewport_name})"
    page.select_option("#kind", "yes_no")
    page.fill("#text_pl", question)
    click_and_wait(page, "text=Zapisz pytanie w szkicu")
    assert "Brakuje tłumaczenia na angielski" in page.inner_text("main")
    item = page.locator(".question-item", has_text=question)
    assert "Brak tłumaczenia na angielski" in item.inner_text()
    position = int(item.get_attribute("id").split("-")[1])
    assert page.locator(".question-item").nth(position).inner_text().startswith("Co możemy poprawić?")  # before the comment box

    click_and_wait(page, f"#question-{position} >> text=Edytuj")
    page.fill("#text_en", "Did the clerk introduce themselves?")
    click_and_wait(page, "text=Zapisz pytanie w szkicu")
    click_and_wait(page, f"#question-{position} >> text=W górę")
    moved = page.locator(f"#question-{position - 1}")
    assert question in moved.inner_text()
    shot(page, "editor-moved")

    click_and_wait(page, "text=Podgląd po angielsku")
    assert "Did the clerk introduce themselves?" in page.inner_text(".phone-frame")
    assert page.locator(".phone-frame").get_attribute("lang") == "en"
    shot(page, "preview-en")
    assert_no_axe_violations(page)
    click_and_wait(page, "text=Podgląd po polsku")
    assert question in page.inner_text(".phone-frame")
    shot(page, "preview-pl")
    click_and_wait(page, "text=Wróć do edycji")
    click_and_wait(page, "text=Opublikuj nową wersję")
    assert "Opublikowano nową wersję ankiety" in page.inner_text(".flash")
    shot(page, "survey-published")

    resident = page.context.browser.new_context(viewport=VIEWPORTS["phone"]).new_page()
    resident.goto(f"{live_server.url}/s/{live_server.token('KM-1')}?lang=en")
    assert "Did the clerk introduce themselves?" in resident.inner_text("main")
    resident.context.close()


def test_new_code_through_its_confirmation_page(manager, live_server):
    page = manager
    code = "KM-2" if page.viewport_name == "desktop" else "KM-4"
    old_token = live_server.token(code)
    page.goto(f"{live_server.url}/admin/service-points/{live_server.point_id(code)}")
    danger = page.locator(".danger-zone a.button-danger", has_text="Nadaj nowy kod")
    assert danger.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(176, 0, 32)"
    shot(page, "counter")
    click_and_wait(page, ".danger-zone >> text=Nadaj nowy kod")
    assert "Nadać stanowisku nowy kod?" in page.inner_text("h1")
    assert "przestaną działać" in page.inner_text("main")
    shot(page, "rotate-confirm")
    assert_no_axe_violations(page)
    click_and_wait(page, "text=Tak, nadaj nowy kod")
    assert "Nadano nowy kod" in page.inner_text(".flash")
    assert live_server.token(code) != old_token


def test_poster_prints_with_faces_and_short_address(manager, live_server):
    page = manager
    code = "AB-1"
    page.goto(f"{live_server.url}/admin/service-points/{live_server.point_id(code)}")
    short_address = page.inner_text(".address-box")
    assert "/o/" in short_address
    with page.expect_download() as download:
        page.click("text=Plakat A4 (PDF)")
    pdf = TEST_OUTPUT / f"qm-poster-{page.viewport_name}.pdf"
    download.value.save_as(pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "How did we do?" in text and short_address.replace(" ", "") in text.replace(" ", "")
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(pdf), str(pdf.with_suffix(""))], check=True)


def test_reports_page_and_trend_chart_on_a_phone(open_page, live_server, demo_responses):
    page = open_page(**VIEWPORTS["phone"])
    log_in(page, live_server, live_server.create_user("department_head", ("KM",)))
    page.goto(f"{live_server.url}/dashboard/department/KM")
    page.wait_for_selector("#chart-months [data-drawn], .chart[data-drawn]", timeout=10_000)
    ticks = page.eval_on_selector_all(".xtick text", "ticks => ticks.map(t => t.getAttribute('transform') || '')")
    assert ticks and all("rotate(-60" in t for t in ticks), ticks
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('main *'))
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .filter(e => !e.closest('.table-scroll'))
        .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)""")
    assert not has_horizontal_scroll(page), wide
    screenshot(page, "head-dashboard-phone.png")
    page.goto(f"{live_server.url}/reports/")
    assert page.locator("#period optgroup").count() == 3
    assert not has_horizontal_scroll(page)
    screenshot(page, "reports-phone.png")
    assert_no_axe_violations(page)
