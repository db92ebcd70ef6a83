"""The blank survey page is rendered once per counter, version and language and reused: every resident must still
get their own CSRF token and submission id, and a change made by staff must show on the very next page."""
from __future__ import annotations

import dataclasses

from survey.definitions import definition_of_version, save_survey_version
from tests.reliability.helpers import VALID_ANSWERS, count, open_form


def test_each_resident_gets_their_own_one_time_values(app, client, db, counter):
    first, second = client, app.test_client()  # two phones
    first_hidden, second_hidden = open_form(first, counter), open_form(second, counter)
    assert first_hidden["submission_id"] != second_hidden["submission_id"]
    assert first_hidden["csrf_token"] != second_hidden["csrf_token"]
    assert "opiniaCsrfTokenSlot" not in first.get(f"/s/{counter.token}").get_data(as_text=True)

    swapped = first.post(f"/s/{counter.token}", data={**second_hidden, **VALID_ANSWERS})
    assert swapped.status_code == 400  # a token is bound to its own browser session
    assert first.post(f"/s/{counter.token}", data={**first_hidden, **VALID_ANSWERS}).status_code == 303
    assert second.post(f"/s/{counter.token}", data={**second_hidden, **VALID_ANSWERS}).status_code == 303
    assert count(db) == 2


def test_renamed_counter_and_department_show_at_once(client, db, counter):
    assert counter.name in client.get(f"/s/{counter.token}").get_data(as_text=True)
    counter.name = "Stanowisko nowe"
    counter.department.name = "Wydział po zmianie"
    db.session.commit()
    assert "Wydział po zmianie · Stanowisko nowe" in client.get(f"/s/{counter.token}").get_data(as_text=True)


def test_new_survey_version_shows_at_once_and_takes_the_answers(client, db, counter):
    client.get(f"/s/{counter.token}")
    current = counter.survey.current_version
    first, *others = definition_of_version(current).questions
    changed = dataclasses.replace(first, text_pl="Jak oceniasz obsługę po zmianie?")
    save_survey_version(dataclasses.replace(definition_of_version(current), questions=(changed, *others)))
    db.session.commit()

    html = client.get(f"/s/{counter.token}").get_data(as_text=True)
    assert "Jak oceniasz obsługę po zmianie?" in html
    hidden = open_form(client, counter)
    assert client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS}).status_code == 303
    db.session.expire_all()
    assert counter.survey.current_version.number == current.number + 1


def test_deactivated_counter_is_refused_right_after_a_cached_page(client, db, counter):
    hidden = open_form(client, counter)
    counter.active = False
    db.session.commit()
    assert client.get(f"/s/{counter.token}").status_code == 404
    assert client.post(f"/s/{counter.token}", data={**hidden, **VALID_ANSWERS}).status_code == 404
    assert count(db) == 0


def test_other_query_parameters_are_not_served_from_the_cache(client, counter):
    with_source = client.get(f"/s/{counter.token}?source=poster").get_data(as_text=True)
    plain = client.get(f"/s/{counter.token}").get_data(as_text=True)
    assert "source=poster" in with_source  # the language switch keeps the page's parameters
    assert "source=poster" not in plain


def test_english_and_kiosk_pages_are_cached_apart(client, counter):
    polish = client.get(f"/s/{counter.token}").get_data(as_text=True)
    english = client.get(f"/s/{counter.token}?lang=en").get_data(as_text=True)
    kiosk = client.get(f"/k/{counter.token}?lang=pl").get_data(as_text=True)
    assert 'lang="pl"' in polish and 'lang="en"' in english
    assert "Wyczyść i zacznij od nowa" in kiosk and "Wyczyść i zacznij od nowa" not in polish
