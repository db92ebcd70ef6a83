"""A period that has not ended is compared with as many days of the previous period; targets no period could
meet are recognised; the report's Polish plural forms."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from analytics.objectives import target_problem
from analytics.periods import parse_period
from analytics.report_words import counted, plural

TZ = "Europe/Warsaw"


def test_running_quarter_is_compared_with_the_same_days_of_the_previous_one():
    q4 = parse_period("2026-Q4", TZ)
    today = date(2026, 11, 26)
    assert q4.is_running(today) and q4.days_elapsed(today) == 57
    comparison = q4.comparison(today)
    assert (comparison.first_day, comparison.last_day) == (date(2026, 7, 1), date(2026, 8, 26))


def test_ended_or_last_day_periods_compare_with_the_whole_previous_period():
    q3 = parse_period("2026-Q3", TZ)
    assert not q3.is_running(date(2026, 11, 26))
    assert q3.comparison(date(2026, 11, 26)).label == "2026-Q2"
    assert q3.comparison(date(2026, 9, 30)).label == "2026-Q2"  # its last day: complete but for hours


def test_a_longer_running_month_never_reaches_past_a_shorter_previous_month():
    march = parse_period("2026-03", TZ)
    comparison = march.comparison(date(2026, 3, 30))
    assert (comparison.first_day, comparison.last_day) == (date(2026, 2, 1), date(2026, 2, 28))


def test_compute_indicators_says_so(app, office):
    from analytics.service import compute_indicators

    result = compute_indicators("2026-Q4", now=datetime(2026, 11, 26, 12, tzinfo=timezone.utc))
    assert result["period_info"]["running"] is True and result["period_info"]["days_elapsed"] == 57
    previous = result["previous_period"]
    assert (previous["from"], previous["to"], previous["same_days_of"], previous["days"]) == (
        "2026-07-01", "2026-08-26", "2026-Q3", 57)
    ended = compute_indicators("2026-Q3", now=datetime(2026, 11, 26, 12, tzinfo=timezone.utc))
    assert ended["period_info"]["running"] is False and ended["previous_period"]["same_days_of"] is None


@pytest.mark.parametrize(("indicator", "comparator", "target", "problem"), [
    ("csat", ">=", 85.0, "out_of_range"),
    ("csat", ">=", 0.85, None),
    ("csat", ">", 1.0, "never_met"),
    ("yes_share", "<", 0.0, "never_met"),
    ("csat", ">=", 0.0, "always_met"),
    ("mean", "<=", 5.0, "always_met"),
    ("mean", ">=", 0.5, "out_of_range"),
    ("nps", ">=", 30.0, None),
    ("nps", ">=", 130.0, "out_of_range"),
    ("responses", ">=", 500.0, None),
    ("responses", ">=", -1.0, "out_of_range"),
])
def test_impossible_targets(indicator, comparator, target, problem):
    assert target_problem(indicator, comparator, target) == problem


@pytest.mark.parametrize(("count", "form"), [(1, "celu"), (2, "celów"), (5, "celów"), (22, "celów")])
def test_genitive_after_z(count, form):
    assert plural(count, "celu", "celów", "celów") == form


@pytest.mark.parametrize(("count", "text"), [
    (1, "1 komentarz"), (3, "3 komentarze"), (5, "5 komentarzy"), (12, "12 komentarzy"), (22, "22 komentarze"),
])
def test_plural_forms(count, text):
    assert counted(count, "komentarz", "komentarze", "komentarzy") == text
