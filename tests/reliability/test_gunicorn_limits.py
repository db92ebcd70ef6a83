"""Findings 2 and 9 of issue 12 under gunicorn, as the README starts it (Redis, several sync workers) and
with gunicorn.conf.py's defaults (no RATELIMIT_STORAGE_URI): the limits hold across every process.

The outside test stored ~150 answers a minute for one counter from one laptop (posts without a submission
id, made-up ids, and a limit counted per worker), and locked colleagues out of the staff login by mistyping
one e-mail's password on a shared network.
"""
from __future__ import annotations

import pytest
import requests

from bench.submit import count_responses
from tests.reliability.gunicorn_setups import ANSWER, SETUPS, default_limits, load_form, served

pytestmark = pytest.mark.slow

SUBMIT_LIMIT = 12


def submit_settings() -> dict[str, str]:
    return default_limits() | {"OPINIA_SUBMIT_RATE_LIMIT": f"{SUBMIT_LIMIT} per minute;{SUBMIT_LIMIT + 4} per hour"}


@pytest.mark.parametrize("setup", SETUPS)
def test_one_address_meets_the_submit_limit_across_all_workers_even_loading_the_form_each_time(setup, monkeypatch):
    with served(setup, submit_settings(), monkeypatch) as app:
        token = app.tokens[0]
        without_id = []
        for _ in range(4):  # no submission id at all, or a made-up one: nothing is stored
            session = requests.Session()
            hidden = load_form(session, app, token)
            for forged in ("", "made-up-submission-id-0000"):
                data = {"csrf_token": hidden["csrf_token"], "submission_id": forged, **ANSWER}
                without_id.append(session.post(app.url(f"/s/{token}"), data=data, allow_redirects=False).status_code)
        assert count_responses(app.database_url) == 0
        assert set(without_id) <= {400, 429}

        statuses = []
        for _ in range(40):  # a script: a fresh device for every answer, the form loaded before every post
            session = requests.Session()
            hidden = load_form(session, app, token)
            response = session.post(app.url(f"/s/{token}"), data={**hidden, **ANSWER}, allow_redirects=False)
            statuses.append(response.status_code)
        stored = count_responses(app.database_url)
    refused_before = without_id.count(429)
    allowed_posts = SUBMIT_LIMIT - (len(without_id) - refused_before)
    assert statuses.count(303) == stored == max(allowed_posts, 0), (setup, statuses)
    assert set(statuses[stored:]) == {429}


def login_settings() -> dict[str, str]:
    return default_limits() | {"OPINIA_LOGIN_RATE_LIMIT": "3 per minute", "OPINIA_LOGIN_ADDRESS_RATE_LIMIT": "10 per minute"}


def create_staff(database_url: str) -> None:
    from app import create_app
    from survey.accounts import create_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-secret"})
    with app.app_context():
        create_user("kierownik@starostwo.test", "department_head", "correct-horse-battery", ["KM"])
        create_user("jakosc@starostwo.test", "quality_manager", "correct-horse-battery")
        from extensions import db

        db.engine.dispose()


def post_login(app, email: str, password: str) -> int:
    session = requests.Session()
    page = session.get(app.url("/login"), timeout=30)
    from tests.reliability.gunicorn_setups import CSRF_RE

    data = {"email": email, "password": password, "csrf_token": CSRF_RE.search(page.text).group(1)}
    return session.post(app.url("/login"), data=data, allow_redirects=False, timeout=30).status_code


@pytest.mark.parametrize("setup", SETUPS)
def test_failed_logins_are_counted_per_account_across_workers_and_colleagues_get_in(setup, monkeypatch):
    with served(setup, login_settings(), monkeypatch, prepare=create_staff) as app:
        guessed = [post_login(app, "kierownik@starostwo.test", f"wrong-{i}-password") for i in range(8)]
        right_password_of_guessed = post_login(app, "kierownik@starostwo.test", "correct-horse-battery")
        colleague = post_login(app, "jakosc@starostwo.test", "correct-horse-battery")
        others = [post_login(app, f"nobody{i}@starostwo.test", "wrong-password!") for i in range(10)]
        after_ceiling = post_login(app, "jakosc@starostwo.test", "correct-horse-battery")
    assert guessed == [401] * 3 + [429] * 5, (setup, guessed)
    assert right_password_of_guessed == 429
    assert colleague == 303, "a colleague on the same network is not locked out"
    # The address ceiling (10 failures) counts the 3 failures above too: 7 more get through, then 429.
    assert others == [401] * 7 + [429] * 3, (setup, others)
    assert after_ceiling == 429
