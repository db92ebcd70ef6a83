"""Duplicates and floods: one response per submission id, one answer per device and counter per interval,
a friendly 429 per address — and nothing that identifies a resident kept anywhere on the way."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis
import sqlalchemy as sa
from flask.testing import FlaskClient

from survey import guards
from survey.guards import ANSWERED_COOKIE, KIOSK_COOKIE
from survey.models import Response
from tests.conftest import FreshGlobalsClient
from tests.reliability.helpers import VALID_ANSWERS, answer, count, open_form

NO_INTERVAL = {"OPINIA_ANSWER_INTERVAL_MINUTES": 0}


def test_same_counter_twice_from_one_device_inside_interval_stores_one(client, db, counter):
    first_tab = open_form(client, counter)
    second_tab = open_form(client, counter)

    first = client.post(f"/s/{counter.token}", data={**first_tab, **VALID_ANSWERS})
    assert first.status_code == 303 and ANSWERED_COOKIE in first.headers["Set-Cookie"]
    second = client.post(f"/s/{counter.token}", data={**second_tab, **VALID_ANSWERS, "satisfaction": "1"})
    assert second.status_code == 303 and second.headers["Location"].startswith(f"/s/{counter.token}/dziekujemy")
    assert count(db) == 1
    assert db.session.query(Response).one().answers[0].value_int == 4


def test_reopening_the_survey_inside_interval_says_the_answer_is_counted(client, counter):
    assert answer(client, counter).status_code == 303
    page = client.get(f"/s/{counter.token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Twoja odpowiedź jest już zapisana" in html
    assert "za 10 min" in html
    assert 'name="csrf_token"' not in html, "no form to fill in vain"


def test_interval_is_per_counter(client, db, office):
    assert answer(client, office["KM-3"]).status_code == 303
    assert answer(client, office["AB-1"]).status_code == 303
    assert count(db) == 2


def test_device_may_answer_again_after_the_interval(client, db, counter, monkeypatch):
    assert answer(client, counter).status_code == 303
    later = time.time() + 10 * 60 + 1
    monkeypatch.setattr(guards.time, "time", lambda: later)
    assert answer(client, counter).status_code == 303
    assert count(db) == 2


def test_forged_interval_cookie_is_ignored(client, db, counter):
    client.set_cookie(ANSWERED_COOKIE, '{"%d": 9999999999}' % counter.id)
    assert answer(client, counter).status_code == 303
    assert count(db) == 1


def test_counters_own_kiosk_takes_answers_without_interval(kiosk_client, db, counter):
    for _ in range(3):
        assert answer(kiosk_client, counter, path="k").status_code == 303
    assert count(db) == 3


def test_setting_up_a_kiosk_logs_the_staff_member_out_and_is_audited(kiosk_client, db, counter):
    from survey.models import AuditLog

    assert kiosk_client.get("/admin/").status_code == 302  # to the login page
    entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "enrol_kiosk")).one()
    assert entry.entity_id == counter.id


def test_kiosk_address_on_any_other_device_keeps_the_interval(client, db, counter):
    """Changing /s/ to /k/ on a phone must not skip the interval."""
    assert answer(client, counter, path="k").status_code == 303
    assert client.get_cookie(ANSWERED_COOKIE) is not None
    kiosk_page, phone_page = (client.get(f"/{path}/{counter.token}").get_data(as_text=True) for path in ("k", "s"))
    assert "Twoja odpowiedź jest już zapisana" in kiosk_page and "Twoja odpowiedź jest już zapisana" in phone_page
    assert "ustawił go jako kiosk" in kiosk_page and "kiosk" not in phone_page  # a hint for a tablet not set up
    assert count(db) == 1


def test_kiosk_of_another_counter_or_forged_kiosk_cookie_keeps_the_interval(kiosk_client, db, counter, office):
    def answer_in_two_tabs(device, point) -> None:
        tabs = [open_form(device, point, "k") for _ in range(2)]
        for tab in tabs:
            assert device.post(f"/k/{point.token}", data={**tab, **VALID_ANSWERS}).status_code == 303

    answer_in_two_tabs(kiosk_client, office["KM-1"])  # a tablet set up for KM-3 only
    assert count(db) == 1

    phone = kiosk_client.application.test_client()
    phone.set_cookie(KIOSK_COOKIE, f"[{counter.id}]")  # not signed by the server
    answer_in_two_tabs(phone, counter)
    assert count(db) == 2


@pytest.mark.parametrize("app_config", [NO_INTERVAL])
def test_interval_zero_switches_the_device_check_off(client, db, counter):
    for _ in range(2):
        result = answer(client, counter)
        assert result.status_code == 303 and ANSWERED_COOKIE not in result.headers.get("Set-Cookie", "")
    assert count(db) == 2


def test_retry_with_same_submission_id_stores_one_even_without_device_cookie(client, db, counter):
    """A retry after a timeout: the first answer was stored but its reply (and cookie) never arrived."""
    hidden = open_form(client, counter)
    first = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS})
    client.delete_cookie(ANSWERED_COOKIE)
    retry = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS})
    assert first.status_code == retry.status_code == 303
    assert "/dziekujemy" in retry.headers["Location"]
    assert count(db) == 1


def test_simultaneous_double_tap_stores_one(app, client, db, counter):
    """Eight copies of one submission racing each other: the unique submission id lets exactly one in."""
    hidden = open_form(client, counter)
    session_cookie = client.get_cookie("session").value
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def post() -> None:
        own_client = FlaskClient(app, app.response_class, use_cookies=True)  # its own thread, its own app context
        own_client.set_cookie("session", session_cookie)
        barrier.wait()
        statuses.append(own_client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS}).status_code)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * 8
    assert count(db) == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"satisfaction": ["4", "1"]},
        {"csrf_token": ["a", "b"]},
        {"comment": "przed\x00po"},
        {"comment": "dzwonek\x07"},
        {"comment": "zły bajt \ufffd"},
    ],
    ids=["duplicated answer", "duplicated token", "NUL", "control character", "invalid UTF-8"],
)
def test_malformed_submission_is_refused_and_stores_nothing(client, db, counter, extra):
    hidden = open_form(client, counter)
    result = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS, **extra})
    assert result.status_code == 400
    assert "nieprawidłowe dane" in result.get_data(as_text=True)
    assert count(db) == 0


def test_multiline_comment_is_fine(client, db, counter):
    result = answer(client, counter, **{**VALID_ANSWERS, "comment": "Pierwsza linia.\r\nDruga\tlinia."})
    assert result.status_code == 303
    assert count(db) == 1


# --- per-address rate limit --------------------------------------------------------------------------

def client_at(app, address: str):
    client = FreshGlobalsClient(app, app.response_class, use_cookies=True)
    client.environ_base["REMOTE_ADDR"] = address
    return client


LIMITED = {**NO_INTERVAL, "RATELIMIT_ENABLED": True, "OPINIA_SUBMIT_RATE_LIMIT": "3 per minute"}


@pytest.mark.parametrize("app_config", [LIMITED])
def test_flood_from_one_address_gets_friendly_429_and_stores_nothing_more(client, db, counter):
    results = [answer(client, counter).status_code for _ in range(4)]
    assert results == [303, 303, 303, 429]
    refused = client.post(f"/s/{counter.token}", data={**open_form(client, counter), **VALID_ANSWERS})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Zbyt wiele prób" in html and "Odczekaj chwilę" in html
    assert "Traceback" not in html and "per 1 minute" not in html
    assert count(db) == 3


@pytest.mark.parametrize("app_config", [LIMITED])
def test_rate_limit_is_per_address(app, db, counter):
    crowded = client_at(app, "198.51.100.1")
    other = client_at(app, "198.51.100.2")
    assert [answer(crowded, counter).status_code for _ in range(4)] == [303, 303, 303, 429]
    assert answer(other, counter).status_code == 303
    assert count(db) == 4


def test_rate_limit_key_is_a_daily_hmac_not_the_address(app):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        key = guards.hashed_remote_address()
        assert key == guards.hashed_remote_address()
        assert "203" not in key and len(key) == 32
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.8"}):
        assert guards.hashed_remote_address() != key
    guards._daily_keys.clear()  # as on the next day: a new random key
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        assert guards.hashed_remote_address() != key


# Flask-Limiter keeps the first key prefix it is given for the life of the process: one per test process.
REDIS_PREFIX = f"opinia-test-{uuid.uuid4().hex}"


@pytest.fixture
def redis_prefix():
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = REDIS_PREFIX
    guards._daily_keys.clear()
    yield prefix
    guards._daily_keys.clear()
    client = redis.Redis(host="127.0.0.1", port=6379)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


class TestRedisStorage:
    @pytest.fixture
    def app_config(self, redis_prefix):
        return {**LIMITED, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "RATELIMIT_KEY_PREFIX": redis_prefix}

    def test_limit_is_shared_through_redis_which_never_sees_the_address(self, app, db, counter, redis_prefix):
        """With Redis (several workers or hosts) the limit holds across them, and Redis keeps no address."""
        phone = client_at(app, "203.0.113.7")
        assert [answer(phone, counter).status_code for _ in range(4)] == [303, 303, 303, 429]
        store = redis.Redis(host="127.0.0.1", port=6379)
        keys = [key.decode() for key in store.scan_iter(f"*{redis_prefix}*")]
        assert keys, "the limiter keeps its counters in Redis"
        assert not [key for key in keys if "203.0.113" in key]
        day = time.strftime("%Y-%m-%d", time.gmtime())
        assert store.get(f"opinia:ratelimit-key:{day}") == guards._daily_keys[day]


@pytest.mark.parametrize("app_config", [{**LIMITED, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}])
def test_survey_stays_open_when_the_limit_storage_is_down(client, db, counter, caplog):
    """Redis unreachable: residents can still answer (the limit fails open) and the failure is logged."""
    assert [answer(client, counter).status_code for _ in range(4)] == [303, 303, 303, 303]
    assert count(db) == 4
    assert "rate-limit storage unavailable" in caplog.text
