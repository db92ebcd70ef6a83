"""Failed logins are counted per (address, account) with a higher ceiling per address (finding 9 of issue 12):
on an office network (one address to the server) someone typing a colleague's e-mail with wrong passwords
does not lock another colleague out. The same under gunicorn: tests/reliability/test_gunicorn_limits.py."""
from __future__ import annotations

import pytest

from tests.admin.test_auth import post_login
from tests.conftest import TEST_PASSWORD, FreshGlobalsClient

LIMITS = {"RATELIMIT_ENABLED": True, "OPINIA_LOGIN_RATE_LIMIT": "3 per minute", "OPINIA_LOGIN_ADDRESS_RATE_LIMIT": "8 per minute"}
pytestmark = pytest.mark.parametrize("app_config", [LIMITS])


def browser(app) -> FreshGlobalsClient:
    return FreshGlobalsClient(app, app.response_class, use_cookies=True)


def fail(client, email: str, times: int) -> list[int]:
    return [post_login(client, email, "wrong-password!").status_code for _ in range(times)]


def test_wrong_passwords_for_one_account_do_not_refuse_a_colleague_at_the_same_address(app, users):
    attacker, colleague = browser(app), browser(app)  # both 127.0.0.1: one office NAT
    assert fail(attacker, users["head_km"].email, 5) == [401, 401, 401, 429, 429]
    result = post_login(colleague, users["quality_manager"].email, TEST_PASSWORD)
    assert result.status_code == 303


def test_the_guessed_account_itself_stays_limited_even_with_the_right_password(app, users):
    client = browser(app)
    fail(client, users["head_km"].email, 3)
    blocked = post_login(client, users["head_km"].email, TEST_PASSWORD)
    assert blocked.status_code == 429
    assert "Zbyt wiele nieudanych prób logowania" in blocked.get_data(as_text=True)


def test_the_account_is_counted_whatever_the_case_or_spaces_of_the_email(app, users):
    client = browser(app)
    email = users["head_km"].email
    assert fail(client, email.upper(), 1) + fail(client, f"  {email} ", 1) + fail(client, email, 1) == [401] * 3
    assert post_login(client, email, TEST_PASSWORD).status_code == 429


def test_guessing_many_accounts_from_one_address_meets_the_address_ceiling(app, users):
    client = browser(app)
    statuses = []
    for index in range(10):
        statuses += fail(client, f"nobody{index}@starostwo.test", 1)
    assert statuses == [401] * 8 + [429] * 2


def test_another_address_is_not_affected_by_the_ceiling(app, users):
    client = browser(app)
    for index in range(9):
        fail(client, f"nobody{index}@starostwo.test", 1)
    elsewhere = browser(app)
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert post_login(elsewhere, users["admin"].email, TEST_PASSWORD).status_code == 303
