"""analytics.served: opening hours, Polish public holidays, opening slots over DST days, the four indicators."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.served import (
    OpeningHoursError,
    csat_by_wait_band,
    easter_sunday,
    is_low_response_rate,
    opening_slots,
    parse_opening_hours,
    polish_public_holidays,
    served_summary,
    wait_band,
)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_opening_hours_are_read_per_weekday_and_cover_every_touched_clock_hour():
    hours = parse_opening_hours("Mon 08:00-17:00; Tue-Fri 07:30-15:30")
    assert hours.local_hours(0) == set(range(8, 17))
    assert hours.local_hours(1) == set(range(7, 16))  # 07:30 touches 7, 15:30 touches 15
    assert hours.local_hours(5) == set()
    for wrong in ("", "Mon", "Xyz 08:00-16:00", "Mon 16:00-08:00", "Fri-Mon 08:00-16:00"):
        with pytest.raises(OpeningHoursError):
            parse_opening_hours(wrong)


def test_polish_public_holidays():
    assert easter_sunday(2026) == date(2026, 4, 5) and easter_sunday(2027) == date(2027, 3, 28)
    days = polish_public_holidays(2026)
    assert {date(2026, 4, 6), date(2026, 6, 4), date(2026, 11, 11), date(2026, 12, 24)} <= days  # Easter Monday, Corpus Christi
    assert date(2024, 12, 24) not in polish_public_holidays(2024)


def test_opening_slots_are_utc_hours_and_follow_the_clock_changes():
    opening = parse_opening_hours("Mon-Sun 01:00-04:00")
    march = opening_slots(ts("2026-03-28T23:00"), ts("2026-03-29T22:00"), "Europe/Warsaw", opening)
    assert list(march) == [ts("2026-03-29T00:00"), ts("2026-03-29T01:00")]  # 01:00 and 03:00; 02:00 never happens
    october = opening_slots(ts("2026-10-24T22:00"), ts("2026-10-25T23:00"), "Europe/Warsaw", opening)
    assert list(october) == [ts("2026-10-24T23:00"), ts("2026-10-25T00:00"), ts("2026-10-25T01:00"), ts("2026-10-25T02:00")]


def test_opening_slots_skip_weekends_and_holidays():
    opening = parse_opening_hours("Mon-Fri 07:30-15:30")
    november = opening_slots(ts("2026-11-08T23:00"), ts("2026-11-15T23:00"), "Europe/Warsaw", opening)
    assert len(november) == 4 * 9  # Monday 9 to Friday 13 November, without Wednesday 11 November


def frame(rows):
    return pd.DataFrame(rows, columns=["hour", "served", "walked_away", "average_wait_minutes", "responses"])


def test_served_summary_weights_waits_and_counts_responses_only_in_hours_with_data():
    slots = pd.DatetimeIndex([ts("2026-09-14T06:00"), ts("2026-09-14T07:00"), ts("2026-09-14T08:00")])
    hours = frame([(ts("2026-09-14T06:00"), 50, None, 4.0, 2), (ts("2026-09-14T07:00"), 30, None, 10.0, 1),
                   (ts("2026-09-14T18:00"), 20, None, None, 1)])
    summary = served_summary(hours, slots, counters=2)
    assert summary["served"] == 100 and summary["walked_away"] is None
    assert summary["average_wait_minutes"] == pytest.approx(6.25)
    assert summary["response_rate"] == pytest.approx(0.04)
    assert summary["coverage"] == pytest.approx(2 / 6)  # the 18:00 hour is outside the opening hours


def test_missing_data_is_none_never_zero():
    slots = pd.DatetimeIndex([ts("2026-09-14T06:00")])
    empty = served_summary(frame([]), slots, counters=3)
    assert (empty["served"], empty["average_wait_minutes"], empty["response_rate"], empty["coverage"]) == (None, None, None, None)
    assert (empty["covered_hours"], empty["opening_hours"]) == (0, 3)
    assert served_summary(frame([]), pd.DatetimeIndex([]), counters=3)["coverage"] is None
    nobody = served_summary(frame([(ts("2026-09-14T06:00"), 0, 0, None, 0)]), slots, counters=1)
    assert (nobody["served"], nobody["response_rate"], nobody["average_wait_minutes"], nobody["coverage"]) == (0, None, None, 1.0)


def test_wait_bands_and_csat_per_band():
    assert [wait_band(m) for m in (0, 4.99, 5, 14.9, 15, 29.9, 30, 300)] == ["lt5", "lt5", "5to15", "5to15", "15to30",
                                                                            "15to30", "gt30", "gt30"]
    counts = pd.DataFrame([("lt5", 5, 3), ("lt5", 2, 1), ("gt30", 1, 2)], columns=["band", "value", "count"])
    bands = {b["band"]: b for b in csat_by_wait_band(counts)}
    assert (bands["lt5"]["n"], bands["lt5"]["csat"]) == (4, 0.75)
    assert bands["lt5"]["csat_ci_low"] == pytest.approx(0.3006418, abs=1e-6)
    assert (bands["gt30"]["csat"], bands["5to15"]["csat"], bands["5to15"]["n"]) == (0.0, None, 0)


def test_low_response_rate():
    assert is_low_response_rate(0.019) and not is_low_response_rate(0.02) and not is_low_response_rate(None)
    assert is_low_response_rate(0.04, threshold=0.05)
