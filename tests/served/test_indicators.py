"""Served customers, waits, response rates and coverage in the indicators JSON, computed by hand below."""
from __future__ import annotations

import json

import pytest

from analytics.service import compute_indicators
from survey.services import store_response
from tests.served.conftest import utc

approx = lambda value: pytest.approx(value, abs=1e-9)  # noqa: E731

# Monday 14 September 2026 (Warsaw = UTC+2), opened 07:30-15:30: 9 opening hours (07..15) per counter.
DAY = "2026-09-14..2026-09-14"
HOURLY = """date,hour,service_point,served,average_wait_minutes
2026-09-14,8,KM-1,50,4
2026-09-14,9,KM-1,30,10
2026-09-14,8,KM-2,20,
2026-09-14,10,AB-1,0,
"""
# (counter, UTC time, rating): 08:15, 08:40 and 09:10 local at KM-1 (queue data), 11:00 at KM-1 (none),
# 08:30 at KM-2 (queue data, no wait measured), 09:00 at AB-2 (no queue data at all).
RESPONSES = [("KM-1", utc(2026, 9, 14, 6, 15), 5), ("KM-1", utc(2026, 9, 14, 6, 40), 4), ("KM-1", utc(2026, 9, 14, 7, 10), 2),
             ("KM-1", utc(2026, 9, 14, 9, 0), 5), ("KM-2", utc(2026, 9, 14, 6, 30), 3), ("AB-2", utc(2026, 9, 14, 7, 0), 4)]


@pytest.fixture
def queue_day(office, write_csv, import_served):
    version = office["KM-1"].survey.current_version
    for code, when, rating in RESPONSES:
        assert store_response(office[code], version, {"satisfaction": rating}, submitted_at=when)
    result = import_served(write_csv("day.csv", HOURLY), "hourly")
    assert result.exit_code == 0, result.stderr
    return office


def by_code(items):
    return {item["code"]: item for item in items}


def test_office_figures_are_counted_over_the_hours_with_queue_data_only(queue_day):
    result = compute_indicators(DAY)
    assert result["responses"] == 6
    assert result["served"] == 100
    assert result["response_rate"] == approx(4 / 100)  # 3 at KM-1 + 1 at KM-2 in hours with queue data
    assert result["average_wait_minutes"] == approx((50 * 4 + 30 * 10) / 80)  # 6.25, weighted by served
    assert result["coverage"] == approx(4 / 90)  # 4 counter-hours of 10 counters x 9 opening hours
    assert list(result)[list(result).index("responses") + 1:][:4] == ["served", "average_wait_minutes", "response_rate", "coverage"]
    assert result["queue"]["responses_in_queue_hours"] == 4
    assert (result["queue"]["covered_hours"], result["queue"]["opening_hours"]) == (4, 90)


def test_departments_and_counters_get_their_own_figures_and_null_where_data_is_missing(queue_day):
    result = compute_indicators(DAY)
    departments, counters = by_code(result["by_department"]), by_code(result["by_service_point"])
    km = departments["KM"]
    assert (km["served"], km["response_rate"], km["coverage"]) == (100, approx(0.04), approx(3 / 36))
    ab = departments["AB"]  # one hour with data, nobody served: no rate, no wait, but coverage
    assert (ab["served"], ab["response_rate"], ab["average_wait_minutes"], ab["coverage"]) == (0, None, None, approx(1 / 18))
    gk = departments["GK"]  # no queue data: null, never 0; its parts say there were 18 opening hours
    assert (gk["served"], gk["response_rate"], gk["average_wait_minutes"], gk["coverage"]) == (None, None, None, None)
    assert (gk["queue"]["covered_hours"], gk["queue"]["opening_hours"]) == (0, 18)
    assert counters["KM-1"]["response_rate"] == approx(3 / 80)
    assert counters["KM-1"]["average_wait_minutes"] == approx(6.25)
    assert counters["KM-1"]["coverage"] == approx(2 / 9)
    assert (counters["KM-2"]["response_rate"], counters["KM-2"]["average_wait_minutes"]) == (approx(1 / 20), None)
    assert (counters["AB-2"]["served"], counters["AB-2"]["response_rate"], counters["AB-2"]["responses"]) == (None, None, 1)


def test_csat_per_waiting_time_band_measured_by_the_queue_system(queue_day):
    bands = {b["band"]: b for b in compute_indicators(DAY)["queue"]["csat_by_wait_band"]}
    assert list(bands) == ["lt5", "5to15", "15to30", "gt30"]
    assert (bands["lt5"]["n"], bands["lt5"]["csat"]) == (2, 1.0)  # KM-1 08:00, wait 4 min: ratings 5 and 4
    assert (bands["5to15"]["n"], bands["5to15"]["csat"]) == (1, 0.0)  # KM-1 09:00, wait 10 min: rating 2
    assert bands["lt5"]["csat_ci_low"] == approx(0.3423802275066531)  # Wilson, 2 of 2
    assert (bands["gt30"]["n"], bands["gt30"]["csat"], bands["gt30"]["csat_ci_low"]) == (0, None, None)


def test_no_wait_bands_where_the_queue_data_measured_no_wait(queue_day):
    # KM-2's only counter-hour (08:00, 20 served) has no average wait: its rating 3 falls in no band.
    km2 = compute_indicators(DAY, service_point_code="KM-2")
    assert (km2["served"], km2["queue"]["responses_in_queue_hours"]) == (20, 1)
    assert [(b["band"], b["n"], b["csat"]) for b in km2["queue"]["csat_by_wait_band"]] == [
        ("lt5", 0, None), ("5to15", 0, None), ("15to30", 0, None), ("gt30", 0, None)]
    km1 = compute_indicators(DAY, service_point_code="KM-1")
    assert [b["n"] for b in km1["queue"]["csat_by_wait_band"]] == [2, 1, 0, 0]


def test_a_department_scope_and_periods_without_queue_data_or_opening_hours(queue_day):
    km = compute_indicators(DAY, "KM")
    assert (km["served"], km["response_rate"], km["coverage"]) == (100, approx(0.04), approx(3 / 36))
    assert [p["code"] for p in km["by_service_point"]] == ["KM-1", "KM-2", "KM-3", "KM-4"]
    august = compute_indicators("2026-08")
    assert (august["served"], august["average_wait_minutes"], august["response_rate"], august["coverage"]) == (None, None, None, None)
    sunday = compute_indicators("2026-09-13..2026-09-13")
    assert (sunday["served"], sunday["coverage"]) == (None, None)


def test_the_indicators_command_prints_the_figures_in_json_and_in_the_table(app, queue_day):
    runner = app.test_cli_runner()
    data = json.loads(runner.invoke(args=["indicators", "--period", DAY, "--format", "json"]).output)
    assert (data["served"], data["response_rate"]) == (100, approx(0.04))
    table = runner.invoke(args=["indicators", "--period", DAY]).output
    assert "Served (queue system): 100" in table
    assert "response rate 4.0%" in table and "coverage 4.4%" in table
