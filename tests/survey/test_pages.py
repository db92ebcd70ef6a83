"""The accessibility statement and privacy note, linked from every public page; versioned, cached CSS."""
from __future__ import annotations

import re

import pytest

from survey.pages import load_accessibility_statement

# The element ids Polish accessibility statements carry (the ministry's template), so monitoring tools find them.
STATEMENT_IDS = [
    "a11y-wstep", "a11y-podmiot", "a11y-url", "a11y-data-publikacja", "a11y-data-aktualizacja", "a11y-status",
    "a11y-data-sporzadzenie", "a11y-audytor", "a11y-kontakt", "a11y-osoba", "a11y-email", "a11y-telefon",
    "a11y-procedura", "a11y-architektura", "a11y-aplikacje",
]


def test_accessibility_statement_has_the_required_parts(client, app):
    html = client.get("/deklaracja-dostepnosci").get_data(as_text=True)
    for element_id in STATEMENT_IDS:
        assert f'id="{element_id}"' in html, element_id
    statement = load_accessibility_statement()
    assert re.search(r'id="a11y-data-publikacja">\d{4}-\d{2}-\d{2}<', html)
    assert f'id="a11y-data-publikacja">{statement.published.isoformat()}<' in html
    assert "częściowo zgodna" in html
    assert "ustawą z dnia 4 kwietnia 2019 r." in html
    assert "nie później niż w ciągu 7 dni" in html and "Rzecznika Praw Obywatelskich" in html
    assert f'href="{app.config["OPINIA_PUBLIC_URL"]}"' in html
    assert "W trybie kiosku" in html  # the kiosk's time limit is named as an exception


def test_accessibility_statement_in_english(client):
    html = client.get("/deklaracja-dostepnosci?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "partially compliant" in html and "step-free entrance" in html


def test_privacy_note_says_what_is_and_is_not_stored(client):
    html = client.get("/prywatnosc").get_data(as_text=True)
    assert "Nie zapisujemy adresu IP" in html
    assert "Datę i godzinę wysłania ankiety" in html


@pytest.mark.parametrize("path", ["/s/{token}", "/k/{token}", "/s/{token}/dziekujemy", "/prywatnosc",
                                  "/deklaracja-dostepnosci", "/s/unknown-token"])
def test_every_public_page_links_the_statement_and_the_privacy_note(client, counter, path):
    html = client.get(path.format(token=counter.token)).get_data(as_text=True)
    assert 'href="/deklaracja-dostepnosci' in html
    assert 'href="/prywatnosc' in html


def test_pages_opened_from_a_survey_lead_back_to_it(client, counter):
    survey = client.get(f"/k/{counter.token}").get_data(as_text=True)
    assert f'href="/prywatnosc?z=k:{counter.token}"' in survey
    privacy = client.get(f"/prywatnosc?z=k:{counter.token}").get_data(as_text=True)
    assert f'<a href="/k/{counter.token}">Wróć do ankiety</a>' in privacy


@pytest.mark.parametrize("origin", ["s:not-a-token", "x:{token}", "https://evil.example", "s:", "s:" + "a" * 500])
def test_back_link_only_for_open_counters(client, counter, origin):
    html = client.get("/prywatnosc", query_string={"z": origin.format(token=counter.token)}).get_data(as_text=True)
    assert "Wróć do ankiety" not in html
    assert "evil.example" not in html


def test_back_link_disappears_for_a_deactivated_counter(client, db, counter):
    counter.active = False
    db.session.commit()
    assert "Wróć do ankiety" not in client.get(f"/prywatnosc?z=s:{counter.token}").get_data(as_text=True)


def test_css_is_addressed_by_content_hash_and_cached_for_a_year(client, counter):
    html = client.get(f"/s/{counter.token}").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert re.fullmatch(r"/static/css/opinia\.css\?v=[0-9a-f]{12}", href)
    css = client.get(href)
    assert css.status_code == 200
    assert css.cache_control.max_age == 365 * 24 * 3600 and css.cache_control.public
    assert not css.cache_control.no_cache
    unversioned = client.get("/static/css/opinia.css")
    assert unversioned.cache_control.max_age != 365 * 24 * 3600


def test_public_pages_load_nothing_from_other_hosts(client, counter):
    for path in (f"/s/{counter.token}", "/deklaracja-dostepnosci", "/prywatnosc"):
        html = client.get(path).get_data(as_text=True)
        assert "<script" not in html
        assert not re.search(r'(src|href)="(https?:)?//(?!opinia\.example\.gov\.pl)[^"]*\.(css|js|woff2?)', html)
