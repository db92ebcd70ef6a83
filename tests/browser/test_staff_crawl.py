"""Every staff page, as each role would open it, in Polish and in English, at 1280×800: no internal codes
(question codes, indicator and audit codes, comparators typed as ">="), no werkzeug English, no WCAG 2.1 AA
violation (axe-core), no horizontal scroll. Pages are found by following the links of the pages themselves;
pages of one shape (``/admin/service-points/<id>``) are checked once per role and language."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import assert_no_axe_violations, has_horizontal_scroll, log_in, screenshot

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}
STAFF_PREFIXES = ("/admin", "/dashboard", "/reports", "/signals")
DOWNLOADS = re.compile(r"\.(pdf|png|svg|csv|csv-excel|xlsx|html|js)$|/csv/|/kiosk$")
MAX_PAGES = 40

# Codes the program uses internally; a person should read words instead.
CODES_ANYWHERE = re.compile(
    r"\b(yes_share|rotate_token|service_point|period_kind|question_code|new_version|enrol_kiosk|set_password|"
    r"insufficient_data|not_met|waiting_time|single_choice|rating_5|yes_no|min_sample)\b|>=|<="
)
# On a Polish page, the demo survey's question codes and the English period kinds are codes too.
CODES_ON_POLISH_PAGES = re.compile(r"\b(satisfaction|recommend|settled|comment|quarter|month|year|deactivate|update|create)\b")
WERKZEUG_TEXTS = ("The requested URL", "You don't have the permission", "Not Found", "Forbidden", "Bad Request")


def page_shape(path: str) -> str:
    """``/admin/service-points/3`` and ``/admin/service-points/7`` are one shape."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", re.sub(r"/[A-Z]{2,}[A-Z0-9-]*(?=/|$)", "/<code>", path))


def staff_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or not parts.path.startswith(STAFF_PREFIXES):
            continue
        if DOWNLOADS.search(parts.path):
            continue
        found.append(parts.path)
    return found


def visible_text(page, language: str) -> str:
    """The page's text without the parts marked as another language (a Polish page may quote an English
    question text, which is no code)."""
    return page.evaluate(
        """(language) => {
            const copy = document.body.cloneNode(true);
            copy.querySelectorAll('[lang]').forEach(e => { if (e.lang !== language) e.remove(); });
            copy.querySelectorAll('script, style').forEach(e => e.remove());
            return copy.innerText || copy.textContent;
        }""",
        language,
    )


def in_column_list(text: str, match: re.Match) -> bool:
    """A file format's column names ("date,hour,service_point,served") are what staff must type, not codes."""
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return "," in (before, after)


def check_page(page, language: str) -> list[str]:
    problems = []
    text = visible_text(page, language)
    for match in CODES_ANYWHERE.finditer(text):
        if in_column_list(text, match):
            continue
        problems.append(f"code {match.group(0)!r}")
    if language == "pl":
        problems += [f"code {m.group(0)!r}" for m in CODES_ON_POLISH_PAGES.finditer(text)]
    problems += [f"werkzeug text {t!r}" for t in WERKZEUG_TEXTS if t in text]
    if has_horizontal_scroll(page):
        problems.append("horizontal scroll at 1280 px")
    cut = page.evaluate("""() => Array.from(document.querySelectorAll('.table-scroll'))
        .filter(box => box.scrollWidth > box.clientWidth + 1).map(box => box.getAttribute('aria-label') || 'table')""")
    problems += [f"table {name!r} does not fit at 1280 px" for name in cut]
    return problems


def crawl(page, live_server, language: str, start: str, shots: str | None = None) -> dict[str, list[str]]:
    """Visit every page shape reachable from ``start``; with ``shots``, leave a screenshot of each."""
    page.goto(f"{live_server.url}{start}?lang={language}")
    queue, seen_shapes, problems = [start], set(), {}
    while queue and len(seen_shapes) < MAX_PAGES:
        path = queue.pop(0)
        shape = page_shape(path)
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == language, path
        found = check_page(page, language)
        assert_no_axe_violations(page)
        if shots:
            screenshot(page, f"crawl-{shots}{re.sub(r'[^a-z0-9]+', '-', shape.lower()).strip('-')}.png")
        if found:
            problems[path] = sorted(set(found))
        queue += staff_links(page, live_server.url)
    assert len(seen_shapes) > 5, seen_shapes
    return problems


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("role", ["admin", "quality_manager", "department_head"])
def test_staff_pages_speak_plainly(open_page, live_server, demo_responses, role, language):
    page = open_page(**DESKTOP, locale="pl-PL" if language == "pl" else "en-GB")
    account = live_server.create_user(role, ("KM",) if role == "department_head" else ())
    log_in(page, live_server, account)
    shots = f"{role}-{language}-" if language == "pl" else None
    problems = crawl(page, live_server, language, "/admin/", shots)
    assert not problems, "\n".join(f"{path}: {', '.join(found)}" for path, found in problems.items())
    screenshot(page, f"crawl-last-page-{role}-{language}.png")


def test_error_pages_speak_the_pages_language_and_keep_navigation(open_page, live_server):
    page = open_page(**DESKTOP)
    log_in(page, live_server, live_server.create_user("department_head", ("KM",)))
    page.goto(f"{live_server.url}/admin/users")
    assert "Brak dostępu" in page.inner_text("h1")
    assert page.locator("nav.staff-nav").is_visible()
    assert not check_page(page, "pl")
    page.goto(f"{live_server.url}/admin/no-such-page?lang=en")
    assert "Not found" in page.inner_text("h1") or "Not Found" not in page.inner_text("body")
    assert not [p for p in check_page(page, "en") if "werkzeug" in p]
    screenshot(page, "staff-404-en.png")
    assert_no_axe_violations(page)
