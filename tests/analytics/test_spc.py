"""Laney p′ limits computed by hand, each Making Data Count rule at its edge, trial limits, re-basing, assurance."""
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from analytics import spc

CENTER, UPPER, LOWER, UPPER_2, LOWER_2 = 0.5, 0.8, 0.2, 0.7, 0.3


def marks(values, improvement=1):
    size = len(values)
    return spc.mark_points(values, [CENTER] * size, [LOWER] * size, [UPPER] * size, [LOWER_2] * size,
                           [UPPER_2] * size, improvement)


def test_laney_limits_by_hand_with_unequal_samples():
    # p̄ = (10 + 30 + 18) / (50 + 100 + 60) = 58 / 210 = 0.276190
    # σpi = √(p̄(1 − p̄)/n) = 0.063231 (n 50), 0.044711 (n 100), 0.057722 (n 60)
    # z = (0.2 − p̄)/0.063231 = −1.204950, (0.3 − p̄)/0.044711 = 0.532518, (0.3 − p̄)/0.057722 = 0.412487
    # moving ranges 1.737468 and 0.120031, mean 0.928750; σz = 0.928750 / 1.128 = 0.823360
    limits = spc.laney_limits([10, 30, 18], [50, 100, 60], baseline=slice(0, 3))
    assert limits.center == pytest.approx(0.276190, abs=1e-6)
    assert limits.sigma_z == pytest.approx(0.823360, abs=1e-6)
    lower, upper = limits.at([50, 100, 60])
    # p̄ ± 3 · 0.823360 · σpi
    assert upper == pytest.approx([0.432377, 0.386631, 0.418768], abs=1e-6)
    assert lower == pytest.approx([0.120004, 0.165750, 0.133613], abs=1e-6)
    assert limits.trial


def test_equal_samples_give_the_xmr_limits_of_the_proportions():
    # with one n, σz·σpi = mean |Δp| / 1.128: here |Δp| = 0.05, 0.05 → limits 0.45 ± 3 · 0.05 / 1.128
    limits = spc.laney_limits([40, 45, 50], [100, 100, 100], baseline=slice(0, 3))
    lower, upper = limits.at(100)
    assert limits.center == pytest.approx(0.45)
    assert upper == pytest.approx(0.45 + 0.132979, abs=1e-6)
    assert lower == pytest.approx(0.45 - 0.132979, abs=1e-6)


def test_sigma_z_of_one_is_the_ordinary_p_chart():
    # p̄ = 0.8, n = 100: σp = √(0.8 · 0.2 / 100) = 0.04 → 0.68 … 0.92; σz is not floored at 1
    lower, upper = spc.Limits(0.8, 1.0, slice(0, 12), False).at(100)
    assert (lower, upper) == pytest.approx((0.68, 0.92))
    narrower = spc.laney_limits([80, 80, 81, 80], [100] * 4, slice(0, 4))
    assert narrower.sigma_z < 1


def test_limits_are_clipped_to_zero_and_one():
    lower, upper = spc.Limits(0.97, 2.0, slice(0, 12), False).at(20)
    assert upper == 1.0 and 0 <= lower < 0.97


def test_a_centre_at_one_collapses_the_limits_onto_it():
    limits = spc.laney_limits([20, 20], [20, 20], slice(0, 2))
    assert limits.center == 1.0 and limits.sigma_z == 1.0
    assert limits.at(20) == (1.0, 1.0)


def test_beyond_limit_is_strictly_outside():
    assert marks([0.8]).iloc[0].to_dict() == {"rule": None, "mark": "common"}
    assert marks([0.8001]).iloc[0].to_dict() == {"rule": "beyond_limit", "mark": "improvement"}
    assert marks([0.1999]).iloc[0].to_dict() == {"rule": "beyond_limit", "mark": "concern"}
    assert marks([0.1999], improvement=-1).iloc[0]["mark"] == "improvement"


def test_shift_needs_seven_on_one_side_and_the_centre_breaks_it():
    six = marks([0.45, 0.4, 0.45, 0.4, 0.45, 0.4])
    assert six["rule"].isna().all()
    seven = marks([0.55, 0.45, 0.4, 0.45, 0.4, 0.45, 0.4, 0.45])
    assert seven["rule"].tolist() == [None] + ["shift"] * 7
    assert seven["mark"].tolist() == ["common"] + ["concern"] * 7
    broken = marks([0.45, 0.4, 0.45, 0.5, 0.4, 0.45, 0.4])
    assert broken["rule"].isna().all()


def test_trend_needs_seven_strictly_rising_or_falling():
    rising = marks([0.44, 0.46, 0.48, 0.49, 0.51, 0.53, 0.55, 0.45])
    assert rising["rule"].tolist() == ["trend"] * 7 + [None]
    assert rising["mark"].tolist()[:7] == ["improvement"] * 7
    six = marks([0.44, 0.46, 0.48, 0.51, 0.53, 0.55])
    assert six["rule"].isna().all()
    tie = marks([0.44, 0.46, 0.48, 0.48, 0.51, 0.53, 0.55])
    assert tie["rule"].isna().all()
    falling = marks([0.56, 0.54, 0.52, 0.51, 0.49, 0.47, 0.45])
    assert falling["rule"].tolist() == ["trend"] * 7 and set(falling["mark"]) == {"concern"}


def test_two_of_three_beyond_two_sigma_on_one_side():
    fires = marks([0.55, 0.71, 0.6, 0.72, 0.5])
    assert fires["rule"].tolist() == [None, "two_of_three", None, "two_of_three", None]
    assert fires["mark"].tolist()[1] == "improvement"
    one = marks([0.55, 0.71, 0.6, 0.69, 0.5])
    assert one["rule"].isna().all()
    other_side = marks([0.71, 0.45, 0.72])  # the middle point is below the centre
    assert other_side["rule"].isna().all()
    beyond_three_counts = marks([0.5, 0.81, 0.6, 0.72])
    assert beyond_three_counts["rule"].tolist() == [None, "beyond_limit", None, "two_of_three"]
    at_the_edge = marks([0.7, 0.6, 0.7])  # exactly at two sigma is not beyond it
    assert at_the_edge["rule"].isna().all()


def weekly(counts, n, first=date(2026, 1, 5)):
    return pd.DataFrame({"start": [first + timedelta(weeks=i) for i in range(len(counts))], "count": counts, "n": n})


def test_fewer_than_twelve_points_give_trial_limits():
    chart = spc.spc_chart(weekly([40, 42, 38, 41, 39, 40, 43, 37], [50] * 8))
    assert chart["trial"].all() and chart["baseline"].all()


def test_limits_freeze_after_twelve_points():
    counts = [40, 42, 38, 41, 39, 40, 43, 37, 40, 41, 39, 40]
    frozen = spc.spc_chart(weekly(counts, [50] * 12))
    longer = spc.spc_chart(weekly(counts + [20, 21, 19], [50] * 15))
    assert not longer["trial"].any()
    assert longer["baseline"].tolist() == [True] * 12 + [False] * 3
    assert longer["center"].iloc[-1] == pytest.approx(frozen["center"].iloc[0])
    assert longer["sigma_z"].iloc[-1] == pytest.approx(frozen["sigma_z"].iloc[0])
    assert longer["mark"].tolist()[-3:] == ["concern"] * 3


def test_rebase_starts_a_new_segment_with_its_own_trial_baseline():
    counts = [40, 42, 38, 41, 39, 40, 43, 37, 40, 41, 39, 40, 20, 21, 19]
    data = weekly(counts, [50] * 15)
    rebased = spc.spc_chart(data, rebase_dates=[data["start"].iloc[12]])
    assert rebased["segment"].tolist() == [0] * 12 + [1] * 3
    assert rebased["center"].iloc[-1] == pytest.approx(60 / 150)
    assert rebased["trial"].tolist() == [False] * 12 + [True] * 3
    assert rebased["mark"].tolist()[-3:] == ["common"] * 3
    assert spc.rebase_from(list(data["start"]), [date(2027, 1, 1)]).tolist() == [0] * 15


def test_points_without_answers_are_left_out():
    chart = spc.spc_chart(weekly([40, 0, 38], [50, 0, 50]))
    assert len(chart) == 2


def test_latest_run_is_the_open_signal():
    counts = [40, 42, 38, 41, 39, 40, 43, 37, 40, 41, 39, 40, 20, 21]
    chart = spc.spc_chart(weekly(counts, [50] * 14))
    run = spc.latest_run(chart)
    assert run["start"].tolist() == list(chart["start"].iloc[12:])
    assert spc.latest_run(spc.spc_chart(weekly(counts[:12], [50] * 12))).empty


def test_a_newest_point_with_few_answers_cannot_end_a_signal():
    marks_of = np.array(["common"] * 12 + ["concern", "common"], dtype=object)
    # the running month's first days: 5 answers against a median of 50 — the points before it judge
    assert spc.judged_length(marks_of, [50] * 13 + [5]) == 13
    # half the median or more, or a special-cause newest point: every point judges
    assert spc.judged_length(marks_of, [50] * 13 + [25]) == 14
    assert spc.judged_length(np.array(["common"] * 13 + ["concern"], dtype=object), [50] * 13 + [5]) == 14
    assert spc.judged_length(np.array(["common"], dtype=object), [5]) == 1


def test_grain_is_monthly_when_weeks_are_thin():
    assert spc.choose_grain([25, 19, 30]) == "week"
    assert spc.choose_grain([19, 19, 30]) == "month"
    assert spc.choose_grain([]) == "month"


def test_assurance_against_limits_for_the_objectives_own_period():
    # p̄ = 0.85, σz = 1, median quarter n = 400: σ = √(0.85 · 0.15 / 400) = 0.017854 → 0.7964 … 0.9036
    assert spc.assurance(0.85, 1.0, [380, 400, 420], 0.80) == "hit_and_miss"
    assert spc.assurance(0.85, 1.0, [380, 400, 420], 0.79) == "pass"
    assert spc.assurance(0.85, 1.0, [380, 400, 420], 0.91) == "fail"
    assert spc.assurance(0.85, 1.0, [380, 400, 420], 0.91, "<=") == "pass"
    assert spc.assurance(0.85, 1.0, [380, 400, 420], 0.79, "<") == "fail"
    # the same target against weekly limits (n = 30) would be hit and miss: the quarter is the right scale
    assert spc.assurance(0.85, 1.0, [30, 30, 30], 0.79) == "hit_and_miss"
    assert spc.assurance(0.85, 1.0, [], 0.79) is None
    assert spc.assurance(0.85, 1.0, [400], None) is None


def test_assurance_uses_sigma_z():
    assert spc.assurance(0.85, 0.5, [400], 0.82) == "pass"
    assert spc.assurance(0.85, 1.0, [400], 0.82) == "hit_and_miss"


def test_chart_columns_and_values():
    chart = spc.spc_chart(weekly([10, 30, 18], [50, 100, 60]))
    assert list(chart.columns) == spc.CHART_COLUMNS
    assert chart["upper"].tolist() == pytest.approx([0.432377, 0.386631, 0.418768], abs=1e-6)
    assert np.allclose(chart["value"], [0.2, 0.3, 0.3])
