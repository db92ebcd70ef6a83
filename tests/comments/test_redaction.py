"""Personal data in comments becomes a marker before storing; numbers that are not personal data stay."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from comments.models import RedactionCount
from comments.redaction import nip_is_valid, pesel_is_valid, redact
from survey.models import Answer
from tests.conftest import csrf_token_from, hidden_value

VALID_PESEL = "44051401359"
VALID_NIP = "5260001246"


@pytest.mark.parametrize("text, kind, marker", [
    (f"Mój PESEL to {VALID_PESEL}, proszę oddzwonić", "pesel", "[PESEL]"),
    ("Proszę o kontakt 601 234 567", "phone", "[TELEFON]"),
    ("tel. +48 601-234-567", "phone", "[TELEFON]"),
    ("tel 0048601234567", "phone", "[TELEFON]"),
    ("stacjonarny (22) 123 45 67", "phone", "[TELEFON]"),
    ("stacjonarny 22 123-45-67", "phone", "[TELEFON]"),
    ("napiszcie na jan.kowalski@poczta.example.pl", "email", "[E-MAIL]"),
    ("zgubiłem dowód ABC123456", "id_card", "[NR DOWODU]"),
    ("dowód abc 123456 nieważny", "id_card", "[NR DOWODU]"),
    ("paszport EA1234567 do odbioru", "passport", "[NR PASZPORTU]"),
    (f"firma NIP {VALID_NIP}", "nip", "[NIP]"),
    ("NIP 526-000-12-46", "nip", "[NIP]"),
    ("zwrot na PL61 1090 1014 0000 0712 1981 2874", "bank_account", "[NR KONTA]"),
    ("konto 61109010140000071219812874", "bank_account", "[NR KONTA]"),
    ("auto WA 12345 zarejestrowane", "vehicle_registration", "[NR REJESTRACYJNY]"),
    ("tablice KR7V123", "vehicle_registration", "[NR REJESTRACYJNY]"),
    ("przerejestrowanie WPI 1234A", "vehicle_registration", "[NR REJESTRACYJNY]"),
    ("VIN WVWZZZ1JZXW000001 się nie zgadza", "vin", "[VIN]"),
    ("w sprawie KM.5410.12.2024 nikt nie odpisał", "case_signature", "[ZNAK SPRAWY]"),
    ("znak GN.6821.3.15.2023.AB", "case_signature", "[ZNAK SPRAWY]"),
])
def test_each_kind_of_personal_data_becomes_a_marker(text, kind, marker):
    result = redact(text)
    assert marker in result.text
    assert result.counts == {kind: 1}
    assert not any(ch.isdigit() for ch in result.text.split(marker)[0][-3:])


def test_several_values_are_all_removed_and_counted():
    text = f"PESEL {VALID_PESEL}, tel. 601 234 567, mail a@b.pl, drugi tel. 602 345 678"
    result = redact(text)
    assert result.text == "PESEL [PESEL], tel. [TELEFON], mail [E-MAIL], drugi tel. [TELEFON]"
    assert result.counts == {"pesel": 1, "phone": 2, "email": 1}


@pytest.mark.parametrize("number", ["44051401358", "12345678901", "00000000001"])
def test_eleven_digits_with_a_wrong_pesel_checksum_stay(number):
    assert not pesel_is_valid(number)
    assert redact(f"numer {number} z pisma").text == f"numer {number} z pisma"


def test_ten_digits_with_a_wrong_nip_checksum_stay():
    assert nip_is_valid(VALID_NIP) and not nip_is_valid("5260001247")
    assert redact("numer 5260001247").counts == {}


@pytest.mark.parametrize("text", [
    "Dostałem numerek 145 i czekałem do 11:30",
    "Bilet A123, stanowisko 4",
    "Wizyta 12.03.2024, potem 2024-03-19",
    "Opłata 256,00 zł, razem 1 250,50 zł",
    "Zgłoszenie nr 2024/145 z dnia 3 marca",
    "Kolejka 45 minut, 3 okienka z 8 czynne",
    "Pokój 215 na 2. piętrze, numer sprawy 17",
    "COVID i ePUAP to nie tablice",
])
def test_numbers_that_are_not_personal_data_stay(text):
    result = redact(text)
    assert result.text == text and result.counts == {}


def test_a_resident_s_comment_is_stored_without_personal_data(client, db, counter):
    page = client.get(f"/s/{counter.token}").get_data(as_text=True)
    assert "usuwamy przed zapisaniem" in page
    form = {"csrf_token": csrf_token_from(page), "submission_id": hidden_value(page, "submission_id"),
            "satisfaction": "2", "comment": f"Czekałem 2 h. Oddzwońcie: 601 234 567, PESEL {VALID_PESEL}"}
    assert client.post(f"/s/{counter.token}", data=form).status_code == 303
    stored = db.session.scalar(sa.select(Answer.value_text).where(Answer.value_text.is_not(None)))
    assert stored == "Czekałem 2 h. Oddzwońcie: [TELEFON], PESEL [PESEL]"
    counts = {(c.kind, c.n, c.source, c.service_point_id) for c in db.session.scalars(sa.select(RedactionCount))}
    assert counts == {("phone", 1, "web", counter.id), ("pesel", 1, "web", counter.id)}
    texts = [value for row in db.session.execute(sa.select(RedactionCount.__table__)) for value in row
             if isinstance(value, str)]
    assert texts and not any("601" in text or VALID_PESEL in text for text in texts)


def test_paper_imports_are_redacted_too(db, counter, tmp_path):
    from survey.importers import import_responses

    csv_text = ("response_id,submitted_at,service_point,question,value\n"
                "p1,2026-08-03T09:00:00+02:00,KM-3,satisfaction,4\n"
                "p1,2026-08-03T09:00:00+02:00,KM-3,comment,Proszę o telefon 601 234 567\n")
    path = tmp_path / "paper.csv"
    path.write_text(csv_text, encoding="utf-8")
    import_responses(path.read_bytes(), "obsluga-klienta", source_name="paper.csv")
    assert db.session.scalar(sa.select(Answer.value_text).where(Answer.value_text.is_not(None))) == \
        "Proszę o telefon [TELEFON]"
    assert db.session.scalar(sa.select(RedactionCount.source)) == "paper"
