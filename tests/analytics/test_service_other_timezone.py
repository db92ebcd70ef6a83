"""An office whose midnight is not on a whole UTC hour reads the raw answers, still cut at its own midnight."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from analytics.service import compute_indicators
from survey.services import store_response


@pytest.fixture
def app_config() -> dict:
    return {"OPINIA_TIMEZONE": "Asia/Kolkata"}  # UTC+5:30


def test_periods_follow_a_half_hour_offset(db, office):
    version = office["KM-1"].survey.current_version
    for minute, satisfaction in [(25, 5), (35, 2)]:  # 23:55 on 30 Sep and 00:05 on 1 Oct in Kolkata
        when = datetime(2026, 9, 30, 18, minute, tzinfo=timezone.utc)
        store_response(office["KM-1"], version, {"satisfaction": satisfaction}, submitted_at=when)
    september, october = compute_indicators("2026-09"), compute_indicators("2026-10")
    assert september["timezone"] == "Asia/Kolkata"
    assert (september["responses"], october["responses"]) == (1, 1)
    assert september["questions"][0]["distribution"]["5"] == 1
    assert october["questions"][0]["distribution"]["2"] == 1
    assert [c["hour"] for c in compute_indicators("2026-Q4")["by_weekday_hour"]] == [0]
