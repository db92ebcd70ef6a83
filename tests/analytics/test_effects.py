"""Effects of improvement actions, checked against figures computed by hand (z = 1.959964, z_0.8 = 0.841621).

Wilson interval of x of n: centre (x + z²/2)/(n + z²), half-width z/(n + z²)·√(x(n − x)/n + z²/4):
  60/100 → 0.502003 … 0.690599;  45/100 → 0.356145 … 0.547554;
  300/600 → 0.460114 … 0.539886;  330/600 → 0.510005 … 0.589284.
Newcombe (hybrid score) for 0.60 − 0.45 = 0.15:
  lower 0.15 − √((0.60 − 0.502003)² + (0.547554 − 0.45)²) = 0.011724,
  upper 0.15 + √((0.690599 − 0.60)² + (0.45 − 0.356145)²) = 0.280449.
Score test (pooled 105/200 = 0.525): z = 0.15/√(0.525·0.475·2/100) = 2.123977, p = 0.033672.
"""
from datetime import date, timedelta

import pandas as pd
import pytest

from analytics.effects import (
    Share,
    answers_needed_after,
    before_after,
    difference_in_differences,
    effect_windows,
    measure_effect,
    target_share,
    verdict,
    window_shares,
)


def test_before_after_has_the_newcombe_interval_and_the_score_test():
    result = before_after(Share(45, 100), Share(60, 100))
    assert result.difference_pp == pytest.approx(15.0)
    assert result.ci_low_pp == pytest.approx(1.1724, abs=1e-3)
    assert result.ci_high_pp == pytest.approx(28.0449, abs=1e-3)
    assert result.p_value == pytest.approx(0.033672, abs=1e-5)
    assert result.above_zero and not result.below_zero


def test_before_after_without_answers_on_one_side_is_none():
    assert before_after(Share(0, 0), Share(3, 4)) is None


def test_difference_in_differences_subtracts_the_untreated_counters_change():
    # Treated 45/100 → 60/100 (+15 pp); untreated 300/600 → 330/600 (+5 pp): DiD = +10 pp.
    # MOVER lower: 0.10 − √(0.097997² + 0.097554² + (0.589284 − 0.55)² + (0.50 − 0.460114)²) = −0.049198
    # MOVER upper: 0.10 + √(0.090599² + 0.093855² + (0.55 − 0.510005)² + (0.539886 − 0.50)²) = 0.242152
    result = difference_in_differences((Share(45, 100), Share(60, 100)), (Share(300, 600), Share(330, 600)))
    assert result.difference_pp == pytest.approx(10.0)
    assert result.ci_low_pp == pytest.approx(-4.9198, abs=1e-3)
    assert result.ci_high_pp == pytest.approx(24.2152, abs=1e-3)
    assert result.before == pytest.approx(5.0) and result.after == pytest.approx(15.0)


def test_an_office_wide_rise_is_not_credited_to_the_action():
    effect = measure_effect(effect_windows(date(2026, 3, 2)), Share(45, 100), Share(60, 100), date(2026, 9, 1),
                            control=(Share(300, 600), Share(330, 600)))
    assert effect.difference.above_zero  # alone it would look like an improvement
    assert effect.verdict != "improved"  # against the untreated counters it is not one


def test_answers_needed_to_detect_ten_points_at_80_percent_power():
    # Before 280/400 = 0.70; Δ = 10 pp → 0.80. h = 2·asin(√0.8) − 2·asin(√0.7) = 0.231984.
    # n_after = 1 / (h²/(z_0.975 + z_0.8)² − 1/400) = 1 / (0.053817/7.848858 − 0.0025) = 229.54 → 230.
    assert answers_needed_after(Share(280, 400), 0.10) == 230


def test_no_number_of_answers_after_suffices_with_too_few_before():
    # (z_0.975 + z_0.8)²/h² = 145.8: with 100 answers before even infinitely many after stay below 80 %.
    assert answers_needed_after(Share(70, 100), 0.10) is None


def test_a_share_near_the_top_is_tested_downwards():
    assert target_share(0.95, 0.10) == pytest.approx(0.85)
    assert target_share(0.70, 0.10) == pytest.approx(0.80)


def test_too_early_says_how_many_answers_are_still_needed():
    windows = effect_windows(date(2026, 3, 2))
    effect = measure_effect(windows, Share(280, 400), Share(30, 40), date(2026, 3, 20))
    assert effect.verdict == "too_early"
    assert effect.needed_after == 230
    assert effect.still_needed == 190
    assert not effect.window_complete
    assert effect.as_dict()["answers_still_needed"] == 190


def test_no_change_once_enough_answers_after_a_complete_window():
    windows = effect_windows(date(2026, 3, 2))
    effect = measure_effect(windows, Share(280, 400), Share(165, 240), date(2026, 6, 1))
    assert effect.window_complete and effect.still_needed == 0
    assert effect.verdict == "no_change"


def test_a_clear_improvement_counts_even_before_the_window_ends():
    effect = measure_effect(effect_windows(date(2026, 3, 2)), Share(45, 100), Share(60, 100), date(2026, 3, 30))
    assert effect.verdict == "improved"


def test_a_clear_fall_is_worse():
    assert verdict(before_after(Share(60, 100), Share(45, 100)), 0, True) == "worse"


def test_windows_are_equal_and_end_where_the_problem_began():
    windows = effect_windows(date(2026, 5, 4), weeks=8)
    assert (windows.before_start, windows.before_end) == (date(2026, 3, 9), date(2026, 5, 4))
    assert windows.after_end == date(2026, 6, 29)
    prompted = effect_windows(date(2026, 5, 4), weeks=8, problem_since=date(2026, 4, 6))
    assert (prompted.before_start, prompted.before_end) == (date(2026, 2, 9), date(2026, 4, 6))
    assert (prompted.after_start, prompted.after_end) == (date(2026, 5, 4), date(2026, 6, 29))


def test_window_shares_pool_treated_and_control_counters():
    counts = pd.DataFrame([
        ("before", 1, 45, 100), ("after", 1, 60, 100),
        ("before", 2, 100, 200), ("after", 2, 110, 200), ("before", 3, 200, 400), ("after", 3, 220, 400),
        ("before", 4, 1, 1),
    ], columns=["window", "service_point_id", "successes", "n"])
    shares = window_shares(counts, {1}, {2, 3})
    assert shares["treated_before"] == Share(45, 100)
    assert shares["control_before"] == Share(300, 600) and shares["control_after"] == Share(330, 600)


def test_new_points_are_judged_against_frozen_pre_action_limits_then_rebased():
    # Before: 48, 52, 50, 50 of 100. p̄ = 0.5, σpi = 0.05, z = −0.4, 0.4, 0, 0; mean moving range 0.4,
    # σz = 0.4/1.128 = 0.354610; limits 0.5 ± 3·0.354610·0.05 = 0.446809 … 0.553191 (trial: 4 points < 12).
    # After: 52 (common), then 70 (beyond the upper limit: improvement) → re-based there. The new segment
    # 70, 72, 71: p̄ = 0.71, σpi = 0.045376, z = −0.220380, 0.220380, 0; σz = 0.330570/1.128 = 0.293058;
    # limits 0.71 ± 3·0.293058·0.045376 = 0.670106 … 0.749894.
    from datetime import date as d

    import analytics.effects as fx

    starts = [d(2026, 1, 5) + timedelta(weeks=i) for i in range(7)]
    points = pd.DataFrame({"start": starts, "count": [48, 52, 50, 50, 52, 70, 72], "n": [100] * 7})
    points = pd.concat([points, pd.DataFrame({"start": [d(2026, 2, 23)], "count": [71], "n": [100]})])
    chart, rebased = fx.judged_chart(points, cut=d(2026, 2, 2))
    assert rebased == d(2026, 2, 9)
    first = chart[chart["segment"] == 0]
    assert first["lower"].iloc[0] == pytest.approx(0.446809, abs=1e-6)
    assert first["upper"].iloc[0] == pytest.approx(0.553191, abs=1e-6)
    assert list(first["mark"]) == ["common"] * 5 and bool(first["trial"].iloc[0])
    second = chart[chart["segment"] == 1]
    assert second["center"].iloc[0] == pytest.approx(0.71)
    assert second["lower"].iloc[0] == pytest.approx(0.670106, abs=1e-6)
    assert second["upper"].iloc[0] == pytest.approx(0.749894, abs=1e-6)
    assert fx.chart_points(chart)[5]["segment"] == 1


def test_without_a_special_cause_improvement_the_limits_stay_frozen():
    from datetime import date as d

    import analytics.effects as fx

    starts = [d(2026, 1, 5) + timedelta(weeks=i) for i in range(6)]
    points = pd.DataFrame({"start": starts, "count": [48, 52, 50, 50, 52, 49], "n": [100] * 6})
    chart, rebased = fx.judged_chart(points, cut=d(2026, 2, 2))
    assert rebased is None and set(chart["segment"]) == {0}
    assert chart["upper"].iloc[-1] == pytest.approx(0.553191, abs=1e-6)
