"""Periods are cut at local midnights of the office's time zone, not in UTC."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from analytics.periods import PeriodError, custom_period, last_months, last_quarters, parse_period, period_containing

WARSAW = "Europe/Warsaw"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_quarter_is_cut_at_warsaw_midnights():
    q3 = parse_period("2026-Q3", WARSAW)
    assert (q3.kind, q3.label, q3.first_day, q3.last_day) == ("quarter", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30))
    # summer time (UTC+2) at both ends
    assert q3.start == utc(2026, 6, 30, 22) and q3.end == utc(2026, 9, 30, 22)


def test_quarter_spanning_the_change_to_summer_time():
    q1 = parse_period("2026-q1", WARSAW)
    assert q1.start == utc(2025, 12, 31, 23)  # winter time, UTC+1
    assert q1.end == utc(2026, 3, 31, 22)  # summer time, UTC+2


def test_an_answer_late_on_30_september_utc_belongs_to_october_in_warsaw():
    moment = utc(2026, 9, 30, 22, 30)
    assert not parse_period("2026-09", WARSAW).contains(moment)
    assert parse_period("2026-10", WARSAW).contains(moment)
    assert not parse_period("2026-Q3", WARSAW).contains(moment)
    assert parse_period("2026-Q4", WARSAW).contains(moment)
    assert period_containing(moment, "month", WARSAW).label == "2026-10"
    # the same moment in a UTC office is still September
    assert period_containing(moment, "month", "UTC").label == "2026-09"


@pytest.mark.parametrize(
    ("text", "kind", "label", "first", "last"),
    [
        ("2026", "year", "2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-09", "month", "2026-09", date(2026, 9, 1), date(2026, 9, 30)),
        ("2024-02", "month", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        (" 2026-Q4 ", "quarter", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-07-01..2026-08-15", "custom", "2026-07-01..2026-08-15", date(2026, 7, 1), date(2026, 8, 15)),
    ],
)
def test_parse_period(text, kind, label, first, last):
    period = parse_period(text, WARSAW)
    assert (period.kind, period.label, period.first_day, period.last_day) == (kind, label, first, last)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "a period is needed"),
        ("2026-Q5", "unknown period '2026-Q5'"),
        ("2026-13", "the month must be between 01 and 12"),
        ("last quarter", "unknown period"),
        ("1999", "the year must be between"),
        ("2026-02-30..2026-03-01", "'2026-02-30' is not a valid date"),
        ("2026-09-01..2026-08-01", "the end date is before the start date"),
    ],
)
def test_bad_periods_are_explained(text, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(text, WARSAW)


def test_unknown_time_zone_is_explained():
    with pytest.raises(PeriodError, match="unknown time zone 'Mars/Olympus'"):
        parse_period("2026", "Mars/Olympus")


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("2026-Q1", "2025-Q4"),
        ("2026-Q3", "2026-Q2"),
        ("2026-01", "2025-12"),
        ("2026-03", "2026-02"),
        ("2026", "2025"),
        ("2026-07-01..2026-07-10", "2026-06-21..2026-06-30"),
    ],
)
def test_previous_period_has_the_same_length(text, previous):
    assert parse_period(text, WARSAW).previous().label == previous


def test_months_of_a_period_are_cut_to_it():
    months = custom_period("2026-07-15", "2026-09-10", WARSAW).months()
    assert [(m.first_day.isoformat(), m.last_day.isoformat()) for m in months] == [
        ("2026-07-15", "2026-07-31"), ("2026-08-01", "2026-08-31"), ("2026-09-01", "2026-09-10"),
    ]
    assert [m.label for m in parse_period("2026-Q3", WARSAW).months()] == ["2026-07", "2026-08", "2026-09"]


def test_last_quarters_and_months_end_with_the_running_one():
    now = utc(2026, 11, 25, 12)
    assert [p.label for p in last_quarters(5, WARSAW, now)] == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [p.label for p in last_months(3, WARSAW, now)] == ["2026-09", "2026-10", "2026-11"]
    # 31 December 23:30 UTC is already New Year in Warsaw
    assert [p.label for p in last_quarters(1, WARSAW, utc(2026, 12, 31, 23, 30))] == ["2027-Q1"]


def test_count_tables_are_read_by_whole_utc_days_and_the_hours_around_local_midnights():
    from analytics.queries import hourly_counts_cover, split_days_and_hours

    q3 = parse_period("2026-Q3", WARSAW)
    boundaries = [m.start for m in q3.months()] + [q3.end]
    (first, last), cut, hours = split_days_and_hours(boundaries)
    assert (first, last) == (utc(2026, 7, 1), utc(2026, 9, 30))
    # local midnights at 22:00 UTC cut 31 July and 31 August, which are read hour by hour
    assert cut == [utc(2026, 7, 31), utc(2026, 8, 31)]
    assert hours == [(utc(2026, 6, 30, 22), utc(2026, 7, 1)), (utc(2026, 7, 31), utc(2026, 8, 1)),
                     (utc(2026, 8, 31), utc(2026, 9, 1)), (utc(2026, 9, 30), utc(2026, 9, 30, 22))]
    assert split_days_and_hours([utc(2026, 7, 1, 22), utc(2026, 7, 2, 22)]) == (
        [], [], [(utc(2026, 7, 1, 22), utc(2026, 7, 2, 22))])
    assert hourly_counts_cover(boundaries)
    # an office at UTC+5:30 cuts days at half past the hour: the raw answers are read instead
    assert not hourly_counts_cover([parse_period("2026-Q3", "Asia/Kolkata").start])
