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


# --- kiosk mode ---------------------------------------------------------------------------------------


def test_kiosk_answer_is_stored_with_kiosk_channel_and_thanks_returns_to_empty_form(client, db, counter):
    page = client.get(f"/k/{counter.token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'autocomplete="off"' in html
    hidden = {"csrf_token": csrf_token_from(html), "submission_id": hidden_value(html, "submission_id")}
    result = client.post(f"/k/{counter.token}", data={**hidden, "satisfaction": "3"})
    assert result.status_code == 303
    assert f"/k/{counter.token}/dziekujemy" in result.headers["Location"]
    assert db.session.scalars(sa.select(Response)).one().channel == "kiosk"

    thanks = client.get(result.headers["Location"]).get_data(as_text=True)
    assert f'<meta http-equiv="refresh" content="8;url=/k/{counter.token}?lang=pl">' in thanks
    assert "<script" not in thanks


def test_kiosk_form_has_a_new_submission_id_each_time_and_is_never_cached(client, counter):
    first = client.get(f"/k/{counter.token}")
    second = client.get(f"/k/{counter.token}")
    assert first.headers["Cache-Control"] == "no-store"
    ids = {hidden_value(page.get_data(as_text=True), "submission_id") for page in (first, second)}
    assert len(ids) == 2


def test_kiosk_takes_one_resident_after_another(kiosk_client, db, counter):
    """The per-device interval that stops a phone answering twice never blocks the counter's own tablet."""
    for rating in ("5", "1"):
        html = kiosk_client.get(f"/k/{counter.token}").get_data(as_text=True)
        hidden = {"csrf_token": csrf_token_from(html), "submission_id": hidden_value(html, "submission_id")}
        assert kiosk_client.post(f"/k/{counter.token}", data={**hidden, "satisfaction": rating}).status_code == 303
    assert count(db, Response) == 2


def test_kiosk_of_unknown_or_inactive_counter_is_404(client, db, counter):
    assert client.get("/k/not-a-real-token").status_code == 404
    counter.active = False
    db.session.commit()
    assert client.get(f"/k/{counter.token}").status_code == 404
    assert client.get(f"/k/{counter.token}/dziekujemy").status_code == 404


def test_survey_pages_are_never_cached(client, counter):
    assert client.get(f"/s/{counter.token}").headers["Cache-Control"] == "no-store"
    assert client.get(f"/s/{counter.token}/dziekujemy").headers["Cache-Control"] == "no-store"


# --- languages ----------------------------------------------------------------------------------------


def test_browser_language_chooses_english(client, counter):
    html = client.get(f"/s/{counter.token}", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "How did we serve you?" in html and "Send answer" in html and "Very good" in html


def test_unsupported_browser_language_falls_back_to_polish(client, counter):
    html = client.get(f"/s/{counter.token}", headers={"Accept-Language": "de-DE,fr;q=0.8"}).get_data(as_text=True)
    assert '<html lang="pl">' in html and "Wyślij odpowiedź" in html


def test_chosen_language_is_kept_for_the_next_pages(client, counter):
    client.get(f"/s/{counter.token}?lang=en")
    assert "Privacy: the survey is anonymous" in client.get("/prywatnosc").get_data(as_text=True)


def test_language_switch_links_to_the_other_language(client, counter):
    polish = client.get(f"/s/{counter.token}").get_data(as_text=True)
    assert f'href="/s/{counter.token}?lang=en" lang="en" hreflang="en">English</a>' in polish
    english = client.get(f"/s/{counter.token}?lang=en").get_data(as_text=True)
    assert f'href="/s/{counter.token}?lang=pl" lang="pl" hreflang="pl">Polski</a>' in english


def test_progress_hint_uses_polish_plurals(client, counter):
    assert "5 pytań," in client.get(f"/s/{counter.token}").get_data(as_text=True)
    assert "5 questions," in client.get(f"/s/{counter.token}?lang=en").get_data(as_text=True)


def test_english_validation_message(client, db, counter):
    _, hidden = open_form(client, counter, lang="en")
    result = client.post(f"/s/{counter.token}", data={**hidden, "lang": "en"})
    assert result.status_code == 400
    assert "Please answer this question." in result.get_data(as_text=True)
    assert count(db, Response) == 0


def test_error_pages_are_translated(client, counter):
    client.get(f"/s/{counter.token}?lang=en")
    result = client.get("/s/not-a-real-token")
    assert result.status_code == 404
    assert "We could not find this survey." in result.get_data(as_text=True)


def test_question_without_english_text_is_marked_polish_on_the_english_page(client, db, counter):
    question = counter.survey.current_version.questions[0]
    question.text_en = question.text_pl
    db.session.commit()
    html = client.get(f"/s/{counter.token}?lang=en").get_data(as_text=True)
    assert f'<span lang="pl">{question.text_pl}</span>' in html
    assert '<span>How likely are you to recommend' in html
