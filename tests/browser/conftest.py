"""Browser-test infrastructure: the real app served on a loopback port, Debian's Chromium driven by
Playwright, and an axe-core check for WCAG 2.1 AA.

Fixtures for any browser test:

- ``live_server`` (session): ``.url``, ``.app``, ``.app_context()``, ``.token(counter_code)``,
  ``.create_user(role, departments=())`` -> ``StaffAccount``; the SQLite database holds the demo office
  (departments, counters, the demo survey); ``demo_responses`` (session) adds a year of demo responses.
- ``browser`` (module): headless Chromium from /usr/bin/chromium (Playwright never downloads one).
- ``open_page`` (per test): ``open_page(width=360, height=740, locale="pl-PL", javascript=True)`` opens a
  fresh context (no cookies) and returns its page; ``page`` is ``open_page()`` — a phone.
  Every page collects console errors, script errors and failed sub-resources (CSS, images) in
  ``page.console_errors``; a test fails if any occurred (a CSP violation, a missing file, a script error).

Helpers: ``assert_no_axe_violations(page)``, ``log_in(page, live_server, account)``, ``tab_to(page, selector)``,
``has_horizontal_scroll(page)``, ``screenshot(page, name)`` (saved under test-output/).
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app import create_app
from config import PROJECT_ROOT
from extensions import db
from tests.conftest import TEST_PASSWORD, test_config

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TEST_OUTPUT = PROJECT_ROOT / "test-output"
PHONE = {"width": 360, "height": 740}
# The kiosk's thank-you screen waits this long in browser tests (8 s in production).
KIOSK_RESET_SECONDS = 3


@dataclass(frozen=True)
class StaffAccount:
    email: str
    password: str
    role: str


class LiveServer:
    """The application served by werkzeug in a background thread, on its own SQLite file."""

    def __init__(self, app, host: str = "127.0.0.1") -> None:
        self.app = app
        self._server = make_server(host, 0, app, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)
        self._users = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)

    def app_context(self):
        return self.app.app_context()

    def token(self, counter_code: str) -> str:
        from survey.models import ServicePoint

        with self.app_context():
            return db.session.scalar(sa.select(ServicePoint.token).where(ServicePoint.code == counter_code))

    def point_id(self, counter_code: str) -> int:
        from survey.models import ServicePoint

        with self.app_context():
            return db.session.scalar(sa.select(ServicePoint.id).where(ServicePoint.code == counter_code))

    def create_user(self, role: str, departments: tuple[str, ...] = ()) -> StaffAccount:
        """A new staff user (unique e-mail) who can log in with ``TEST_PASSWORD``."""
        from survey.accounts import create_user

        self._users += 1
        email = f"{role.replace('_', '-')}-{self._users}@starostwo.test"
        with self.app_context():
            create_user(email, role, TEST_PASSWORD, departments)
        return StaffAccount(email, TEST_PASSWORD, role)


def _seed_demo_office() -> None:
    from survey.definitions import import_definition, load_definition_file
    from survey.demo import DEMO_SURVEY_FILE, ensure_office_structure

    counters = ensure_office_structure()
    version, _, _ = import_definition(load_definition_file(DEMO_SURVEY_FILE))
    for counter in counters.values():
        counter.survey_id = version.survey_id
    db.session.commit()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("live-server") / "browser.db"
    app = create_app(test_config(f"sqlite:///{database}", OPINIA_KIOSK_RESET_SECONDS=KIOSK_RESET_SECONDS))
    with app.app_context():
        db.create_all()
        _seed_demo_office()
        db.session.remove()
    with serving(app) as server:
        yield server


@contextmanager
def serving(app) -> Iterator[LiveServer]:
    """``app`` served on a free loopback port for the duration of the block."""
    server = LiveServer(app)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def demo_responses(live_server) -> int:
    """A year of realistic demo responses in the live server's database (for dashboards); returns how many."""
    from survey.demo import seed_demo

    count = 400
    with live_server.app_context():
        seed_demo(count, live_server.app.config["OPINIA_TIMEZONE"])
        db.session.remove()
    return count


@pytest.fixture(scope="module")
def browser():
    """Module-scoped on purpose: Playwright's sync API keeps an asyncio loop running in this thread while it
    is open, which would break tests of other modules that call ``asyncio.run`` in the same worker."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-deps.sh (never `playwright install`)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _collect_console_error(page, message) -> None:
    # A page answered 4xx on purpose (a form with errors is a 400) logs "Failed to load resource";
    # broken sub-resources are caught by _collect_broken_resource instead.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.console_errors.append(message.text)


def _collect_broken_resource(page, response) -> None:
    if response.status >= 400 and response.request.resource_type != "document":
        page.console_errors.append(f"{response.status} for {response.url}")


@pytest.fixture
def open_page(browser):
    """Opens pages in fresh browser contexts; fails the test if any page logged an error."""
    contexts = []
    pages = []

    def _open(width: int = PHONE["width"], height: int = PHONE["height"], locale: str = "pl-PL", javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            java_script_enabled=javascript,
            has_touch=width < 800,
        )
        # Generous: a loaded 2-core CI machine hashes a password and draws the charts in seconds, not ms.
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: _collect_console_error(page, message))
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        page.on("response", lambda response: _collect_broken_resource(page, response))
        pages.append(page)
        return page

    yield _open
    errors = [error for page in pages for error in page.console_errors]
    for context in contexts:
        context.close()
    assert not errors, f"the browser reported errors: {errors}"


@pytest.fixture
def page(open_page):
    """A phone-sized page (360×740, Polish browser) in a fresh context."""
    return open_page()


def assert_no_axe_violations(page, allow: tuple[str, ...] = ()) -> None:
    """Run axe-core on the page as it is now; fail with a readable list of WCAG 2.1 A/AA violations.

    ``allow`` names rules deliberately excepted on this page (each exception must be explained at the
    call site and in the accessibility statement).
    """
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: run `npm ci` (make test does)"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Injected through the DevTools protocol, so the page's Content-Security-Policy need not allow it.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
        }""",
        WCAG_21_AA_TAGS,
    )
    violations = [v for v in results if v["id"] not in allow]
    assert not violations, f"axe-core found WCAG 2.1 AA violations on {page.url}:\n" + json.dumps(
        violations, indent=2, ensure_ascii=False
    )


def log_in(page, live_server: LiveServer, account: StaffAccount) -> None:
    """Log in through the real staff login form."""
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=email]", account.email)
    page.fill("input[name=password]", account.password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert "/login" not in page.url, f"login of {account.email} failed"


def set_up_kiosk(page, live_server: LiveServer, counter_code: str) -> str:
    """What staff do with a tablet at the counter: log in, press "set up as kiosk"; it lands on the kiosk
    survey, logged out. Returns the kiosk address."""
    log_in(page, live_server, live_server.create_user("quality_manager"))
    page.goto(f"{live_server.url}/admin/service-points/{live_server.point_id(counter_code)}")
    screenshot(page, "admin-counter-kiosk-set-up.png")
    with page.expect_navigation():
        page.click("text=Ustaw to urządzenie jako kiosk tego stanowiska")
    kiosk_url = f"{live_server.url}/k/{live_server.token(counter_code)}"
    assert page.url == kiosk_url
    return kiosk_url


def tab_to(page, selector: str, max_presses: int = 25) -> None:
    """Press Tab (keyboard only) until the element matching ``selector`` has the focus."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received focus after {max_presses} Tab presses")


def has_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def screenshot(page, name: str) -> Path:
    TEST_OUTPUT.mkdir(exist_ok=True)
    path = TEST_OUTPUT / name
    page.screenshot(path=str(path), full_page=True)
    return path
