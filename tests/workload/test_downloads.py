"""A data export larger than a web request should build is refused with the command that makes it."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("output_format, setting", [("xlsx", "OPINIA_WEB_XLSX_MAX_RESPONSES"), ("csv", "OPINIA_WEB_CSV_MAX_RESPONSES")])
def test_an_export_over_the_web_limit_says_to_use_the_export_command(app, admin_client, report_office, output_format, setting):
    app.config[setting] = 39  # 2026-Q3 holds 40 responses
    response = admin_client.get(f"/reports/responses.{output_format}?period=2026-Q3&department=KM")
    assert response.status_code == 200, "KM alone holds 36"
    response = admin_client.get(f"/reports/responses.{output_format}?period=2026-Q3")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "40 odpowiedzi" in text and "najwyżej 39" in text
    assert f"flask --app app export --period 2026-Q3 --format {output_format}" in text


def test_the_default_limits_let_a_quarter_of_a_normal_office_through(admin_client, report_office):
    for output_format in ("csv", "xlsx"):
        assert admin_client.get(f"/reports/responses.{output_format}?period=2026-Q3").status_code == 200
