"""Staff downloads of the report and the data: managers get any scope, department heads only their own."""
from __future__ import annotations

import html as html_lib
import io
import re

import pytest
from openpyxl import load_workbook

from tests.report.conftest import PERIOD


def test_logged_out_user_is_sent_to_login(client, report_office):
    result = client.get(f"/reports/management-review.pdf?period={PERIOD}")
    assert result.status_code == 302 and "/login" in result.headers["Location"]


def test_admin_downloads_the_office_pdf(admin_client, report_office):
    result = admin_client.get(f"/reports/management-review.pdf?period={PERIOD}")
    assert result.status_code == 200
    assert result.mimetype == "application/pdf" and result.data.startswith(b"%PDF")
    assert result.headers["Content-Disposition"] == 'attachment; filename="przeglad-zarzadzania-2026-Q3.pdf"'
    assert result.headers["Cache-Control"] == "no-store"


def test_quality_manager_downloads_any_department_as_html(quality_manager_client, report_office):
    result = quality_manager_client.get(f"/reports/management-review.html?period={PERIOD}&department=AB")
    assert result.status_code == 200 and result.mimetype == "text/html"
    html = result.get_data(as_text=True)
    assert "Wydział Architektury i Budownictwa" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_department_head_gets_their_department_only(head_client, report_office):
    own = head_client.get(f"/reports/management-review.html?period={PERIOD}")
    assert own.status_code == 200
    html = own.get_data(as_text=True)
    assert "Wydział Komunikacji (KM)" in html and "Wydział Architektury" not in html
    assert 'filename="przeglad-zarzadzania-2026-Q3-KM.html"' in own.headers["Content-Disposition"]
    assert head_client.get(f"/reports/management-review.pdf?period={PERIOD}&department=AB").status_code == 403
    assert head_client.get(f"/reports/responses.csv?period={PERIOD}&department=AB").status_code == 403


def test_department_head_csv_has_only_their_responses(head_client, report_office):
    result = head_client.get(f"/reports/responses.csv?period={PERIOD}")
    assert result.status_code == 200 and result.mimetype == "text/csv"
    assert result.is_streamed and result.data.startswith("\ufeff".encode())
    lines = result.data.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 36 and all(",KM,KM-" in line for line in lines[1:])


def test_xlsx_download(admin_client, report_office):
    result = admin_client.get(f"/reports/responses.xlsx?period={PERIOD}&department=AB")
    assert result.status_code == 200
    book = load_workbook(io.BytesIO(result.data))
    assert book["Odpowiedzi"].max_row == 5 and book.sheetnames[1] == "Wskaźniki"


@pytest.mark.parametrize("query, status, message", [
    ("", 400, "Podaj okres"),
    ("?period=2026-Q9", 400, "Nieznany okres „2026-Q9”"),
    (f"?period={PERIOD}&department=XX", 400, "Nie ma takiego wydziału"),
])
def test_bad_input_is_a_clear_400(admin_client, report_office, query, status, message):
    for path in ("/reports/management-review.pdf", "/reports/responses.csv"):
        result = admin_client.get(path + query)
        assert result.status_code == status and message in result.get_data(as_text=True)


def test_unknown_format_is_404(admin_client, report_office):
    assert admin_client.get(f"/reports/management-review.docx?period={PERIOD}").status_code == 404
    assert admin_client.get(f"/reports/responses.json?period={PERIOD}").status_code == 404


def test_reports_page_offers_the_downloads_in_scope(head_client, report_office):
    page = head_client.get("/reports/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/reports/management-review.pdf" in html and "/reports/responses.xlsx" in html
    assert 'value="KM"' in html and 'value="AB"' not in html and "Cały urząd" not in html


def test_dashboard_download_button_gives_the_report_of_its_period_and_scope(head_client, report_office):
    page = head_client.get(f"/dashboard/department/KM?period={PERIOD}")
    assert page.status_code == 200
    link = re.search(r'href="(/reports/management-review\.pdf\?[^"]+)"', page.get_data(as_text=True))
    assert link, "no Download report link on the dashboard"
    href = html_lib.unescape(link.group(1))
    assert "period=2026-Q3" in href and "department=KM" in href
    result = head_client.get(href)
    assert result.status_code == 200 and result.data.startswith(b"%PDF")


def test_excel_csv_download_beside_the_csv(admin_client, report_office):
    page = admin_client.get("/reports/").get_data(as_text=True)
    assert "/reports/responses.csv-excel" in page and "/reports/responses.csv" in page
    result = admin_client.get(f"/reports/responses.csv-excel?period={PERIOD}")
    assert result.status_code == 200
    assert result.headers["Content-Disposition"].endswith(f'odpowiedzi-{PERIOD}-excel.csv"')
    header = result.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert header.startswith("Nr odpowiedzi;Nr formularza papierowego;Data i godzina;Wydział;")


def test_custom_range_from_the_period_picker(admin_client, report_office):
    result = admin_client.get("/reports/responses.csv?period=custom&from=2026-07-01&to=2026-07-31")
    assert result.status_code == 200
    missing = admin_client.get("/reports/responses.csv?period=custom&from=2026-07-01")
    assert missing.status_code == 400 and "Podaj obie daty" in missing.get_data(as_text=True)


def test_report_pdf_is_tagged_with_text_alternatives(admin_client, report_office, tmp_path):
    import subprocess

    from pdfua import validate

    body = admin_client.get(f"/reports/management-review.pdf?period={PERIOD}").data
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    assert [f"{f.rule_id}: {f.message}" for f in validate(str(path)).findings] == []
    html = admin_client.get(f"/reports/management-review.html?period={PERIOD}").get_data(as_text=True)
    assert 'role="img" aria-label="Wykres CSAT w kolejnych kwartałach.' in html
    assert "niekonkluzyw" not in html and "flask --app" not in html and " >= " not in html
    assert "Z 4 celów jakości" in html or "Z 3 celów jakości" in html
