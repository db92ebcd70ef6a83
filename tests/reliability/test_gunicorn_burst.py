"""Finding 1 of issue 12 under gunicorn (README's production command, and gunicorn.conf.py's defaults): a
burst of report requests — the 100-year PDFs of the outside test plus more quarterly PDFs than the host's
report slots — leaves the public survey answering.

The outside test: five requests for ``period=2000-01-01..2100-12-31`` PDFs hit the worker timeout and the
public survey did not answer for 30 s.
"""
from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.reliability.gunicorn_setups import ANSWER, CSRF_RE, SETUPS, default_limits, load_form, served

pytestmark = pytest.mark.slow

PASSWORD = "correct-horse-battery"
ATTACK = "/reports/management-review.pdf?period=2000-01-01..2100-12-31"
QUARTER = "/reports/management-review.pdf?period={quarter}"
# Answering (open the form, post it) must stay well under the outside test's 30 s outage; on this shared
# 2-core machine an idle answer takes tens of milliseconds, under the burst a few hundred.
SLOWEST_ANSWER_SECONDS = 8.0


def seed(database_url: str) -> None:
    from app import create_app
    from extensions import db
    from survey.accounts import create_user
    from survey.demo import seed_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-secret"})
    with app.app_context():
        seed_demo(2000, app.config["OPINIA_TIMEZONE"])
        create_user("kierownik@starostwo.test", "department_head", PASSWORD, ["KM"])
        db.engine.dispose()


def logged_in(app) -> requests.Session:
    session = requests.Session()
    page = session.get(app.url("/login"), timeout=30)
    data = {"email": "kierownik@starostwo.test", "password": PASSWORD, "csrf_token": CSRF_RE.search(page.text).group(1)}
    assert session.post(app.url("/login"), data=data, allow_redirects=False, timeout=30).status_code == 303
    return session


def last_quarter() -> str:
    from datetime import date

    today = date.today()
    quarter = (today.month - 1) // 3  # the previous quarter, 0 meaning Q4 of last year
    return f"{today.year - 1}-Q4" if quarter == 0 else f"{today.year}-Q{quarter}"


def resident_answers(app, stop: threading.Event) -> list[tuple[float, int]]:
    """A resident after another, each on a new phone: (seconds to open and send, status of the post)."""
    results = []
    while not stop.is_set():
        started = time.perf_counter()
        session = requests.Session()
        hidden = load_form(session, app, app.tokens[0])
        status = session.post(app.url(f"/s/{app.tokens[0]}"), data={**hidden, **ANSWER},
                              allow_redirects=False, timeout=60).status_code if hidden else 0
        results.append((time.perf_counter() - started, status))
    return results


@pytest.mark.parametrize("setup", SETUPS)
def test_a_burst_of_report_requests_leaves_the_public_survey_answering(setup, monkeypatch):
    # The worker timeout is raised because this test shares two cores with other work: a quarterly PDF that
    # takes 2-3 s on an idle machine can take 30 s here, and what is tested is the survey, not the report.
    settings = default_limits() | {"OPINIA_SUBMIT_RATE_LIMIT": "10000 per minute", "OPINIA_PAGE_RATE_LIMIT": "10000 per minute",
                                   "OPINIA_TIMEOUT": "180"}
    with served(setup, settings, monkeypatch, prepare=seed) as app:
        head = logged_in(app)
        idle = resident_answers_for(app, seconds=2)
        stop = threading.Event()
        residents = ThreadPoolExecutor(1).submit(resident_answers, app, stop)
        paths = [ATTACK] * 5 + [QUARTER.format(quarter=last_quarter())] * 5
        with ThreadPoolExecutor(len(paths)) as pool:
            started = time.perf_counter()
            reports = list(pool.map(lambda path: _get(head, app.url(path)), paths))
            burst_seconds = time.perf_counter() - started
        stop.set()
        answers = residents.result()

    attack_statuses = [status for status, _ in reports[:5]]
    quarter_statuses = [status for status, _ in reports[5:]]
    assert attack_statuses == [400] * 5 and all("366" in body for _, body in reports[:5])
    assert set(quarter_statuses) <= {200, 503} and 200 in quarter_statuses, quarter_statuses
    assert answers and {status for _, status in answers} == {303}, answers
    slowest = max(seconds for seconds, _ in answers)
    figures = (f"{setup}: burst {burst_seconds:.1f} s, reports {quarter_statuses}; {len(answers)} answers during it, "
               f"median {statistics.median(s for s, _ in answers):.2f} s, slowest {slowest:.2f} s "
               f"(idle median {statistics.median(idle):.2f} s)")
    print(figures)
    assert slowest < SLOWEST_ANSWER_SECONDS, figures


def resident_answers_for(app, seconds: float) -> list[float]:
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.start()
    return [elapsed for elapsed, _ in resident_answers(app, stop)]


def _get(session: requests.Session, url: str) -> tuple[int, str]:
    response = session.get(url, timeout=300)
    body = response.text if response.headers.get("Content-Type", "").startswith("text/html") else ""
    return response.status_code, body
