"""Counting every real answer once (finding 2 of issue 12): the submission id is issued by the server, signed
for one counter, and expires; a post without a valid one stores nothing and shows the answers again."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from survey.guards import ANSWERED_COOKIE
from survey.models import Response
from survey.submission_ids import issue_submission_id, nonce_of
from tests.conftest import csrf_token_from, hidden_value
from tests.reliability.helpers import VALID_ANSWERS, count, open_form

NO_INTERVAL = {"OPINIA_ANSWER_INTERVAL_MINUTES": 0}


def post(client, counter, hidden: dict, **changes):
    return client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS, **changes})


def assert_shown_again_with_a_fresh_id(response, old_id: str | None) -> str:
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Ten formularz był otwarty zbyt długo albo jest niepełny" in html
    assert "Dobrze." in html, "the resident's comment is shown again"
    fresh = hidden_value(html, "submission_id")
    assert fresh and fresh != old_id
    return fresh


@pytest.mark.parametrize("app_config", [NO_INTERVAL])
def test_a_post_without_a_submission_id_stores_nothing(client, db, counter):
    hidden = open_form(client, counter)
    response = client.post(f"/s/{counter.token}", data={"csrf_token": hidden["csrf_token"], **VALID_ANSWERS})
    assert_shown_again_with_a_fresh_id(response, None)
    assert count(db) == 0


@pytest.mark.parametrize("app_config", [NO_INTERVAL])
@pytest.mark.parametrize("made_up", ["A" * 24, "made-up-but-well-formed-id-123", "A" * 24 + ".AAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                     "x" * 500, "ąęćżźńółśąęćżźńół"])
def test_a_made_up_submission_id_stores_nothing(client, db, counter, made_up):
    hidden = open_form(client, counter)
    assert_shown_again_with_a_fresh_id(post(client, counter, hidden, submission_id=made_up), made_up)
    assert count(db) == 0


@pytest.mark.parametrize("app_config", [NO_INTERVAL])
def test_an_id_issued_for_another_counter_stores_nothing(client, db, office):
    counter, other = office["KM-3"], office["KM-1"]
    hidden = open_form(client, counter)
    hidden["submission_id"] = open_form(client, other)["submission_id"]
    assert_shown_again_with_a_fresh_id(post(client, counter, hidden), hidden["submission_id"])
    assert count(db) == 0


@pytest.mark.parametrize("app_config", [NO_INTERVAL])
def test_a_tampered_nonce_breaks_the_signature(client, db, counter):
    hidden = open_form(client, counter)
    nonce, signature = hidden["submission_id"].split(".", 1)
    forged = ("B" if nonce[0] != "B" else "C") + nonce[1:] + "." + signature
    assert_shown_again_with_a_fresh_id(post(client, counter, hidden, submission_id=forged), forged)
    assert count(db) == 0


@pytest.mark.parametrize("app_config", [{**NO_INTERVAL, "OPINIA_SUBMISSION_MAX_AGE_MINUTES": 30}])
def test_a_form_open_longer_than_the_max_age_is_shown_again_and_one_tap_sends_it(client, db, counter, monkeypatch):
    hidden = open_form(client, counter)
    later = time.time() + 31 * 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    fresh = assert_shown_again_with_a_fresh_id(post(client, counter, hidden), hidden["submission_id"])
    assert count(db) == 0
    assert post(client, counter, {**hidden, "submission_id": fresh}).status_code == 303
    assert count(db) == 1


@pytest.mark.parametrize("app_config", [NO_INTERVAL])
def test_one_form_stores_once_and_the_database_keeps_only_its_nonce(client, db, counter):
    hidden = open_form(client, counter)
    assert [post(client, counter, hidden).status_code for _ in range(3)] == [303, 303, 303]
    assert count(db) == 1
    stored = db.session.scalar(sa.select(Response.submission_id))
    assert stored == nonce_of(hidden["submission_id"]) and "." not in stored


def test_a_script_loading_the_form_before_every_post_stores_one_per_load(client, db, counter):
    """Without the interval cookie (the script drops it) every loaded form stores one answer: what remains
    is bounded by the per-address limits, shown under gunicorn in test_gunicorn_limits.py."""
    for _ in range(3):
        client.delete_cookie(ANSWERED_COOKIE)
        page = client.get(f"/s/{counter.token}").get_data(as_text=True)
        data = {"csrf_token": csrf_token_from(page), "submission_id": hidden_value(page, "submission_id"), **VALID_ANSWERS}
        assert client.post(f"/s/{counter.token}", data=data).status_code == 303
    assert count(db) == 3


def test_issued_ids_are_unique_and_bound_to_their_counter(app, counter):
    with app.test_request_context():
        ids = {issue_submission_id(counter.id) for _ in range(100)}
    assert len(ids) == 100 and all(len(nonce_of(i)) == 24 for i in ids)
