"""Custom ranges longer than 366 days get a 400 stating the limit on the dashboards, the reports and the API
(finding 1 of issue 12: a department head stalled every worker with ``period=2000-01-01..2100-12-31``);
the command line may ask for more."""
from __future__ import annotations

import json

import pytest

ATTACK = "2000-01-01..2100-12-31"
TOO_LONG = "2025-01-01..2026-01-02"  # 367 days
LONGEST = "2024-01-01..2024-12-31"  # 366 days (a leap year)


@pytest.mark.parametrize("path", [
    f"/dashboard/?period={ATTACK}",
    f"/dashboard/?period={TOO_LONG}",
    "/dashboard/?period=custom&from=2000-01-01&to=2100-12-31",
    f"/dashboard/department/KM?period={ATTACK}",
    f"/dashboard/service-point/KM-1?period={ATTACK}",
    f"/dashboard/department/KM/csv/comments.csv?period={ATTACK}",
    f"/dashboard/csv/departments.csv?period={ATTACK}",
])
def test_dashboards_refuse_a_period_longer_than_366_days(admin_client, report_office, path):
    response = admin_client.get(path)
    assert response.status_code == 400
    assert "najwyżej 366 dni" in response.get_data(as_text=True)


def test_the_refusal_is_in_the_pages_language(admin_client, report_office):
    response = admin_client.get(f"/dashboard/?period={ATTACK}&lang=en")
    assert response.status_code == 400
    assert "at most 366 days" in response.get_data(as_text=True)


@pytest.mark.parametrize("output", ["management-review.pdf", "management-review.html", "responses.csv", "responses.xlsx"])
def test_reports_and_exports_refuse_a_period_longer_than_366_days(head_client, report_office, output):
    response = head_client.get(f"/reports/{output}?period={ATTACK}")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "najwyżej 366 dni" in text and "flask report" in text


@pytest.mark.parametrize("query", [f"period={ATTACK}", "from=2000-01-01&to=2100-12-31", f"period={TOO_LONG}"])
def test_the_api_refuses_a_period_longer_than_366_days(admin_client, report_office, query):
    response = admin_client.get(f"/api/v1/indicators?{query}")
    assert response.status_code == 400
    assert "at most 366 days" in json.loads(response.get_data())["error"]


def test_a_whole_leap_year_is_still_allowed_everywhere(admin_client, report_office):
    for path in (f"/dashboard/?period={LONGEST}", "/dashboard/?period=2024", f"/api/v1/indicators?period={LONGEST}",
                 f"/reports/management-review.html?period={LONGEST}", f"/reports/responses.csv?period={LONGEST}"):
        assert admin_client.get(path).status_code == 200, path


def test_the_command_line_may_ask_for_longer_periods(app, report_office, tmp_path):
    out = tmp_path / "long.csv"
    result = app.test_cli_runner().invoke(args=["export", "--period", "2020-01-01..2026-12-31", "--format", "csv",
                                                "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8-sig").count("\n") == 51  # header + 50 responses


def test_the_limit_is_a_setting(app, admin_client, report_office):
    app.config["OPINIA_MAX_PERIOD_DAYS"] = 31
    assert admin_client.get("/dashboard/?period=2026-Q3").status_code == 400
    assert admin_client.get("/dashboard/?period=2026-08").status_code == 200
