"""The resident's flow: open a counter's link, answer, see the thank-you page; bad input stores nothing."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from survey.models import Answer, Response
from tests.conftest import csrf_token_from, hidden_value

VALID_ANSWERS = {
    "satisfaction": "4",
    "recommend": "9",
    "settled": "yes",
    "waiting_time": "5to15",
    "comment": "Sprawnie i miło.",
}


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def open_form(client, counter, **query):
    page = client.get(f"/s/{counter.token}", query_string=query)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return html, {"csrf_token": csrf_token_from(html), "submission_id": hidden_value(html, "submission_id")}


def test_survey_page_is_polish_and_needs_no_javascript(client, counter):
    html, _ = open_form(client, counter)
    assert '<html lang="pl">' in html
    assert "Jak oceniasz dzisiejszą obsługę przy tym stanowisku?" in html
    assert "Wydział Komunikacji" in html and counter.name in html
    assert "<script" not in html
    assert 'method="post"' in html


def test_valid_answer_is_stored_and_redirects_to_thanks(client, db, counter):
    _, hidden = open_form(client, counter)
    result = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS})
    assert result.status_code == 303
    assert f"/s/{counter.token}/dziekujemy" in result.headers["Location"]
    thanks = client.get(result.headers["Location"])
    assert thanks.status_code == 200 and "Dziękujemy" in thanks.get_data(as_text=True)

    response = db.session.scalars(sa.select(Response)).one()
    assert response.service_point_id == counter.id
    assert response.language == "pl" and response.channel == "web"
    assert response.submitted_at.tzinfo is not None
    stored = {a.question.code: (a.value_int, a.value_text) for a in response.answers}
    assert stored == {
        "satisfaction": (4, None),
        "recommend": (9, None),
        "settled": (1, None),
        "waiting_time": (None, "5to15"),
        "comment": (None, "Sprawnie i miło."),
    }


def test_only_required_answer_is_enough(client, db, counter):
    _, hidden = open_form(client, counter)
    result = client.post(f"/s/{counter.token}", data={**hidden, "satisfaction": "2"})
    assert result.status_code == 303
    assert count(db, Answer) == 1


def test_missing_required_answer_shows_message_and_keeps_input(client, db, counter):
    _, hidden = open_form(client, counter)
    result = client.post(f"/s/{counter.token}", data={**hidden, "recommend": "7", "comment": "Tekst zostaje"})
    html = result.get_data(as_text=True)
    assert result.status_code == 400
    assert "Proszę odpowiedzieć na to pytanie." in html
    assert re.search(r'<input checked[^>]*id="recommend-7"', html)
    assert "Tekst zostaje" in html
    assert count(db, Response) == 0


@pytest.mark.parametrize("rating", ["6", "-1", "abc", "", "4.5"])
def test_out_of_range_rating_is_rejected(client, db, counter, rating):
    _, hidden = open_form(client, counter)
    result = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS, "satisfaction": rating})
    assert result.status_code == 400
    assert "field-error" in result.get_data(as_text=True)
    assert count(db, Response) == 0


def test_missing_csrf_token_is_rejected(client, db, counter):
    open_form(client, counter)
    result = client.post(f"/s/{counter.token}", data=VALID_ANSWERS)
    assert result.status_code == 400
    assert "Odśwież stronę" in result.get_data(as_text=True)
    assert count(db, Response) == 0


def test_forged_csrf_token_is_rejected(client, db, counter):
    _, hidden = open_form(client, counter)
    result = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS, "csrf_token": "forged"})
    assert result.status_code == 400
    assert count(db, Response) == 0


def test_unknown_question_is_rejected(client, db, counter):
    _, hidden = open_form(client, counter)
    result = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS, "salary": "5000"})
    assert result.status_code == 400
    assert "nieznane pytania" in result.get_data(as_text=True)
    assert count(db, Response) == 0


def test_ten_megabyte_comment_is_rejected(client, db, counter):
    _, hidden = open_form(client, counter)
    result = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS, "comment": "x" * 10_000_000})
    assert result.status_code == 413
    assert "Skróć komentarz" in result.get_data(as_text=True)
    assert count(db, Response) == 0


def test_comment_over_the_question_limit_is_rejected(client, db, counter):
    _, hidden = open_form(client, counter)
    result = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS, "comment": "x" * 1001})
    assert result.status_code == 400
    assert "najwyżej 1000 znaków" in result.get_data(as_text=True)
    assert count(db, Response) == 0


def test_unknown_token_gets_friendly_polish_404(client, db, counter):
    for method in (client.get, client.post):
        result = method("/s/not-a-real-token", data=VALID_ANSWERS)
        assert result.status_code == 404
        assert "Nie znaleźliśmy takiej ankiety" in result.get_data(as_text=True)
    assert count(db, Response) == 0


def test_deactivated_counter_gets_404_and_stores_nothing(client, db, counter):
    _, hidden = open_form(client, counter)
    counter.active = False
    db.session.commit()
    result = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS})
    assert result.status_code == 404
    assert "nie jest już aktywny" in result.get_data(as_text=True)
    assert count(db, Response) == 0


def test_double_submission_with_same_id_stores_one_response(client, db, counter):
    _, hidden = open_form(client, counter)
    first = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS})
    second = client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS})
    assert first.status_code == second.status_code == 303
    assert count(db, Response) == 1


def test_english_survey(client, db, counter):
    html, hidden = open_form(client, counter, lang="en")
    assert '<html lang="en">' in html
    assert "How satisfied are you with the service at this counter today?" in html
    result = client.post(f"/s/{counter.token}", data={**hidden, "lang": "en", "satisfaction": "5"})
    assert result.status_code == 303
    assert db.session.scalars(sa.select(Response)).one().language == "en"
