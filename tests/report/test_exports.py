"""Raw-data exports: one row per response with a column per question, the indicators as a second XLSX sheet,
residents' text never turned into a spreadsheet formula."""
from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from analytics.service import compute_indicators
from tests.report.conftest import FORMULA_COMMENT, PERIOD, Q3_ANSWERS, SCRIPT_COMMENT

HEADER = ["response_id", "external_id", "submitted_at", "department", "service_point", "channel", "language",
          "satisfaction", "recommend", "settled", "waiting_time", "comment"]


def export(app, out: Path, *args: str):
    return app.test_cli_runner().invoke(args=["export", "--period", PERIOD, "--out", str(out), *args])


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_csv_has_one_row_per_response_and_a_column_per_question(app, report_office, tmp_path):
    out = tmp_path / "q3.csv"
    result = export(app, out, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert f"Exported {len(Q3_ANSWERS)} responses" in result.output
    rows = read_csv(out)
    assert list(rows[0]) == HEADER
    assert len(rows) == len(Q3_ANSWERS)
    expected = sorted((counter, str(rating), str(recommend), str(settled)) for counter, rating, recommend, settled, _ in Q3_ANSWERS)
    assert sorted((r["service_point"], r["satisfaction"], r["recommend"], r["settled"]) for r in rows) == expected
    first = rows[0]
    assert first["submitted_at"] == "2026-07-01T10:00:00+02:00"  # 08:00 UTC in Warsaw's summer time
    assert first["department"] == "KM" and first["channel"] == "web" and first["waiting_time"] == ""
    comments = {r["comment"] for r in rows if r["comment"]}
    assert SCRIPT_COMMENT in comments
    assert "'" + FORMULA_COMMENT in comments and FORMULA_COMMENT not in comments


def test_csv_of_one_department(app, report_office, tmp_path):
    out = tmp_path / "ab.csv"
    assert export(app, out, "--format", "csv", "--department", "AB").exit_code == 0
    rows = read_csv(out)
    assert {r["department"] for r in rows} == {"AB"} and len(rows) == 4


def test_xlsx_has_responses_indicators_and_objectives(app, report_office, tmp_path):
    out = tmp_path / "q3.xlsx"
    result = export(app, out, "--format", "xlsx")
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Odpowiedzi", "Wskaźniki", "Cele"]
    responses = list(book["Odpowiedzi"].values)
    assert list(responses[0]) == HEADER and len(responses) == 1 + len(Q3_ANSWERS)
    formula_cells = [c for row in book["Odpowiedzi"].iter_rows() for c in row if c.value == FORMULA_COMMENT]
    assert len(formula_cells) == 1 and formula_cells[0].data_type == "s"

    indicators = compute_indicators(PERIOD)
    sheet = list(book["Wskaźniki"].values)
    header = sheet[0]
    rows = [dict(zip(header, row)) for row in sheet[1:]]
    office = next(r for r in rows if r["scope"] == "office" and r["question"] == "satisfaction")
    rating = next(q for q in indicators["questions"] if q["code"] == "satisfaction")
    assert office["n"] == rating["n"] and office["responses"] == indicators["responses"]
    assert office["csat"] == rating["csat"] and office["csat_ci_low"] == rating["csat_ci_low"]
    ab = next(r for r in rows if r["scope"] == "department" and r["scope_code"] == "AB" and r["question"] == "satisfaction")
    assert ab["csat"] == 0.5 and ab["n"] == 4 and ab["distribution"] == "1: 1; 2: 1; 3: 0; 4: 1; 5: 1"
    objectives = list(book["Cele"].values)
    assert len(objectives) == 1 + len(indicators["objectives"])
    assert {row[-1] for row in objectives[1:]} <= {"met", "not_met", "insufficient_data"}


def test_empty_period_exports_only_the_header(app, office, tmp_path):
    out = tmp_path / "empty.csv"
    result = app.test_cli_runner().invoke(args=["export", "--period", "2025-Q1", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0 and "Exported 0 responses" in result.output
    assert read_csv(out) == [] and out.read_text("utf-8-sig").startswith("response_id,")


def test_bad_department_writes_nothing(app, office, tmp_path):
    out = tmp_path / "x.csv"
    result = app.test_cli_runner().invoke(args=["export", "--period", PERIOD, "--department", "XX", "--out", str(out)])
    assert result.exit_code == 2 and "unknown department" in result.output and not out.exists()


def test_csv_for_polish_excel_is_semicolon_separated_and_readable(app, report_office, tmp_path):
    out = tmp_path / "q3-excel.csv"
    result = export(app, out, "--format", "csv-excel")
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8")) and b"\r\n" in raw
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream, delimiter=";"))
    assert len(rows) == len(Q3_ANSWERS)
    first = rows[0]
    assert first["Data i godzina"] == "01.07.2026 10:00"
    assert first["Wydział"] == "Wydział Komunikacji" and first["Sposób wypełnienia"] == "telefon (kod QR)"
    assert "Jak oceniasz dzisiejszą obsługę przy tym stanowisku?" in first
    settled = next(key for key in first if key.startswith("Czy udało się"))
    assert {r[settled] for r in rows} <= {"tak", "nie", ""}
    assert not any(key in first for key in ("satisfaction", "settled", "response_id"))
    comments = {r[list(first)[-1]] for r in rows}
    assert "'" + FORMULA_COMMENT in comments and FORMULA_COMMENT not in comments


def test_paper_form_number_is_in_the_exports(app, report_office, db, tmp_path):
    import sqlalchemy as sa

    from survey.models import Response

    response = db.session.scalar(sa.select(Response).order_by(Response.id))
    response.external_id = "paper:F-0042"
    db.session.commit()
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert export(app, plain, "--format", "csv").exit_code == 0
    assert export(app, excel, "--format", "csv-excel").exit_code == 0
    assert read_csv(plain)[0]["external_id"] == "paper:F-0042"
    with excel.open(encoding="utf-8-sig", newline="") as stream:
        assert next(csv.DictReader(stream, delimiter=";"))["Nr formularza papierowego"] == "F-0042"
