"""Characters that XML, a spreadsheet or PostgreSQL cannot hold: refused at every entry, never breaking an export.

Driven the way the outside test did it: a resident's comment with U+FFFF, a control character in a staff form
(department and counter names, the survey editor), and rows stored before these checks existed, exported as
XLSX and CSV from the web and the ``export`` command.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from survey.models import Answer, Department, Response, ServicePoint
from survey.services import store_response
from tests.admin.helpers import submit, text
from tests.reliability.helpers import VALID_ANSWERS, answer, count

FORBIDDEN = ["\x00", "\x07", "\x1b", "\x7f", "\ufffe", "\uffff", "\ud800"]


@pytest.mark.parametrize("character", FORBIDDEN)
def test_the_one_definition_finds_and_removes_each_forbidden_character(character):
    from survey.text_safety import clean_text, first_forbidden_character

    assert first_forbidden_character(f"ok{character}ok") == character
    assert clean_text(f"ok{character}ok") == "ok" + "ok"


def test_tab_line_breaks_and_polish_letters_are_kept():
    from survey.text_safety import clean_text, first_forbidden_character

    kept = "Zażółć\tgęślą\r\njaźń 😀 – „cudzysłów”"
    assert first_forbidden_character(kept) is None and clean_text(kept) == kept


@pytest.mark.parametrize("character", ["\uffff", "\ufffe", "\x0b"])
@pytest.mark.parametrize("path", ["s", "k"])
def test_resident_comment_with_a_character_xml_forbids_is_refused(client, db, counter, character, path):
    result = answer(client, counter, path, **{**VALID_ANSWERS, "comment": f"Dobrze{character}"})
    assert result.status_code == 400
    assert "Formularz zawiera nieprawidłowe dane" in result.get_data(as_text=True)
    assert count(db) == 0


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/departments/new", {"code": "SO", "name": "Wydział\x07 Spraw Obywatelskich"}),
        ("/admin/departments/new", {"code": "SO", "name": "Wydział Spraw Obywatelskich\uffff"}),
    ],
)
def test_staff_form_refuses_a_department_name_with_a_control_character(admin_client, office, db, url, data):
    before = count(db, Department)
    result = submit(admin_client, url, data)
    assert result.status_code == 400
    assert "niewidoczny znak sterujący" in text(result)
    assert count(db, Department) == before


def test_staff_form_refuses_a_counter_name_with_a_control_character(admin_client, office, db):
    department = office["AB-1"].department
    result = submit(admin_client, "/admin/service-points/new",
                    {"code": "AB-9", "name": "Stanowisko\x1b 9", "department_id": department.id, "survey_id": 0})
    assert result.status_code == 400 and "(U+001B)" in text(result)
    assert db.session.scalar(sa.select(ServicePoint).where(ServicePoint.code == "AB-9")) is None


def test_survey_editor_refuses_a_question_text_with_nul(admin_client, counter, db):
    version_number = counter.survey.current_version.number
    editor = admin_client.get(f"/admin/surveys/{counter.survey_id}/edit").headers["Location"]
    data = {"kind": "yes_no", "text_pl": "Czy wszystko\x00 było jasne?", "text_en": "Was everything clear?", "position": "3"}
    result = submit(admin_client, f"{editor}/questions/new", data)
    assert result.status_code == 400 and "(U+0000)" in text(result)
    db.session.expire_all()
    assert counter.survey.current_version.number == version_number


def test_staff_code_with_a_trailing_line_break_is_refused(admin_client, office, db):
    result = submit(admin_client, "/admin/departments/new", {"code": "SO\n", "name": "Wydział Spraw Obywatelskich"})
    assert result.status_code == 400 and "Kod: litery, cyfry" in text(result)


@pytest.fixture
def stored_before_the_checks(db, office):
    """Rows written before every entry refused these characters: a comment with U+FFFF and a control
    character, a department name with BEL (SQLite stores them; PostgreSQL refuses only NUL)."""
    point = office["KM-1"]
    point.department.name = "Wydział\x07 Komunikacji"
    point.name = "Stanowisko\x1b 1\uffff"
    db.session.commit()
    moment = datetime(2026, 8, 3, 9, 0, tzinfo=timezone.utc)
    store_response(point, point.survey.current_version, {"satisfaction": 5, "comment": "Dobrze\uffff\x01 i szybko"},
                   submitted_at=moment)
    store_response(point, point.survey.current_version, {"satisfaction": 2, "comment": "=1+1\x0b"},
                   submitted_at=moment)
    return point


def test_xlsx_export_of_stored_bad_characters_is_a_valid_file(app, stored_before_the_checks, tmp_path):
    out = tmp_path / "q3.xlsx"
    result = app.test_cli_runner().invoke(args=["export", "--period", "2026-Q3", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    book = load_workbook(out)
    comments = {row[-1] for row in book["Odpowiedzi"].iter_rows(min_row=2, values_only=True)}
    assert comments == {"Dobrze i szybko", "=1+1"}
    names = {row[2] for row in book["Wskaźniki"].iter_rows(min_row=2, values_only=True)}
    assert "Wydział Komunikacji" in names and "Stanowisko 1" in names


def test_xlsx_and_csv_downloads_of_stored_bad_characters(client, users, stored_before_the_checks):
    from tests.conftest import login

    login(client, users["quality_manager"])
    xlsx = client.get("/reports/responses.xlsx?period=2026-Q3")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    assert {row[-1] for row in book["Odpowiedzi"].iter_rows(min_row=2, values_only=True)} == {"Dobrze i szybko", "=1+1"}
    download = client.get("/reports/responses.csv?period=2026-Q3")
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["comment"] for r in rows} == {"Dobrze i szybko", "'=1+1"}


def test_report_and_csv_downloads_name_their_charset_once(client, users, stored_before_the_checks):
    from tests.conftest import login

    login(client, users["quality_manager"])
    for url in ("/reports/responses.csv?period=2026-Q3", "/reports/management-review.html?period=2026-Q3"):
        content_type = client.get(url).headers["Content-Type"]
        assert content_type.count("charset") == 1, content_type


def test_nothing_forbidden_reaches_the_answers_table_through_the_survey(client, db, counter):
    assert answer(client, counter, **{**VALID_ANSWERS, "comment": "Zażółć\r\ngęślą jaźń\t😀"}).status_code in (302, 303)
    stored = set(db.session.scalars(sa.select(Answer.value_text).where(Answer.value_text.is_not(None))))
    assert "Zażółć\r\ngęślą jaźń\t😀" in stored and count(db, Response) == 1


def test_report_of_stored_bad_characters_still_renders(app, stored_before_the_checks, tmp_path):
    runner = app.test_cli_runner()
    for output_format in ("html", "pdf"):
        out = tmp_path / f"report.{output_format}"
        result = runner.invoke(args=["report", "--period", "2026-Q3", "--format", output_format, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert first_forbidden(html) is None


def first_forbidden(text):
    from survey.text_safety import first_forbidden_character

    return first_forbidden_character(text)
