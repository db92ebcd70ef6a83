"""Indicator definitions with hand-computed values (z = 1.96 for the 95 % Wilson interval)."""
from __future__ import annotations

import pandas as pd
import pytest

from analytics.indicators import (
    nps_indicators,
    question_change,
    question_indicators,
    questions_from_counts,
    rating_5_indicators,
    single_choice_indicators,
    two_proportion_z_test,
    wilson_interval,
    yes_no_indicators,
)

approx = lambda value: pytest.approx(value, abs=5e-5)  # noqa: E731


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # p = 0.8: centre (0.8 + 1.9208/10) / 1.38415 = 0.71674, half-width 1.96·√(0.016 + 0.0096037) / 1.38415 = 0.22658
        (8, 10, 0.4902, 0.9433),
        (6, 10, 0.3127, 0.8318),
        (7, 10, 0.3968, 0.8922),
        # no successes: the interval still has width, starting at 0
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        # 51 of 60: p = 0.85, centre 0.882012 / 1.064024 = 0.82894, half-width 1.96·√(0.002125 + 0.000267) / 1.064024 = 0.09009
        (51, 60, 0.7389, 0.9190),
    ],
)
def test_wilson_interval(successes, n, low, high):
    got_low, got_high = wilson_interval(successes, n)
    assert got_low == approx(low)
    assert got_high == approx(high)


def test_wilson_interval_without_answers_is_null():
    assert wilson_interval(0, 0) == (None, None)


def test_rating_5_indicators():
    # 1×1, 1×2, 2×3, 3×4, 3×5: sum 1+2+6+12+15 = 36 over 10 answers
    result = rating_5_indicators({1: 1, 2: 1, 3: 2, 4: 3, 5: 3})
    assert result["n"] == 10
    assert result["mean"] == approx(3.6)
    assert result["distribution"] == {"1": 1, "2": 1, "3": 2, "4": 3, "5": 3}
    assert result["csat"] == approx(0.6)
    assert result["csat_ci_low"] == approx(0.3127)
    assert result["csat_ci_high"] == approx(0.8318)


def test_rating_5_ignores_values_outside_the_scale():
    assert rating_5_indicators({5: 2, 7: 3, 0: 1})["n"] == 2


def test_nps_indicators():
    # promoters 5+1 = 6, passives 2+0 = 2, detractors 1+1 = 2 → NPS 100·(6−2)/10 = 40
    result = nps_indicators({10: 5, 9: 1, 8: 2, 7: 0, 6: 1, 0: 1})
    assert result["n"] == 10
    assert (result["promoters"], result["passives"], result["detractors"]) == (approx(0.6), approx(0.2), approx(0.2))
    assert result["nps"] == approx(40)


def test_nps_all_promoters_is_100_and_all_detractors_is_minus_100():
    assert nps_indicators({9: 3, 10: 2})["nps"] == 100
    assert nps_indicators({9: 3, 10: 2})["detractors"] == 0
    assert nps_indicators({0: 1, 6: 4})["nps"] == -100


def test_nps_passives_only_is_zero():
    assert nps_indicators({7: 2, 8: 1})["nps"] == 0


@pytest.mark.parametrize("kind", ["rating_5", "nps", "yes_no", "single_choice", "text"])
def test_no_answers_give_nulls_not_errors(kind):
    result = question_indicators("q", kind, {}, ["a", "b"])
    assert result["n"] == 0
    for key in ("mean", "csat", "csat_ci_low", "csat_ci_high", "nps", "promoters", "passives", "detractors",
                "yes_share", "yes_share_ci_low", "yes_share_ci_high"):
        assert result.get(key) is None
    if kind == "single_choice":
        assert result["shares"] == {"a": None, "b": None}


def test_yes_no_indicators():
    result = yes_no_indicators({1: 7, 0: 3})
    assert (result["n"], result["yes"], result["no"]) == (10, 7, 3)
    assert result["yes_share"] == approx(0.7)
    assert (result["yes_share_ci_low"], result["yes_share_ci_high"]) == (approx(0.3968), approx(0.8922))


def test_single_choice_keeps_the_survey_order_and_reports_retired_options_last():
    result = single_choice_indicators({"gt30": 1, "lt5": 2, "old": 1}, ["lt5", "5to15", "15to30", "gt30"])
    assert result["n"] == 4
    assert list(result["counts"]) == ["lt5", "5to15", "15to30", "gt30", "old"]
    assert result["counts"] == {"lt5": 2, "5to15": 0, "15to30": 0, "gt30": 1, "old": 1}
    assert result["shares"] == {"lt5": 0.5, "5to15": 0.0, "15to30": 0.0, "gt30": 0.25, "old": 0.25}


def test_two_proportion_z_test():
    # 60/100 vs 45/100: pooled 0.525, SE √(0.525·0.475·0.02) = 0.070622, z = 0.15 / 0.070622 = 2.1240
    z, p = two_proportion_z_test(60, 100, 45, 100)
    assert z == pytest.approx(2.1240, abs=1e-4)
    assert p == pytest.approx(0.03367, abs=1e-4)
    # 55/100 vs 50/100: the same pooled SE, z = 0.05 / 0.070622 = 0.7080, p = 2·(1 − Φ(0.708)) = 0.4790
    z, p = two_proportion_z_test(55, 100, 50, 100)
    assert z == pytest.approx(0.7080, abs=1e-4)
    assert p == pytest.approx(0.4790, abs=1e-4)


def test_two_proportion_z_test_edge_cases():
    assert two_proportion_z_test(5, 10, 0, 0) == (None, None)
    assert two_proportion_z_test(10, 10, 20, 20) == (0.0, 1.0)


def test_change_against_previous_period_flags_significance():
    current = question_indicators("satisfaction", "rating_5", {5: 60, 1: 40})
    previous = question_indicators("satisfaction", "rating_5", {4: 45, 2: 55})
    change = question_change(current, previous)
    assert change["previous_n"] == 100
    assert change["csat"]["previous"] == approx(0.45)
    assert change["csat"]["difference"] == approx(0.15)
    assert change["csat"]["significant"] is True
    # means 0.6·5 + 0.4·1 = 3.4 and 0.45·4 + 0.55·2 = 2.9
    assert change["mean"]["difference"] == approx(0.5)


def test_change_without_previous_answers_is_null_and_not_significant():
    current = question_indicators("settled", "yes_no", {1: 3})
    change = question_change(current, None)
    assert change["previous_n"] == 0
    assert change["yes_share"]["difference"] is None
    assert change["yes_share"]["significant"] is False


def test_change_of_nps_is_a_difference_in_points():
    change = question_change(question_indicators("r", "nps", {10: 1}), question_indicators("r", "nps", {0: 1, 10: 1}))
    assert change["nps"] == {"previous": 0.0, "difference": 100.0}


def test_questions_from_a_frame_of_counts():
    counts = pd.DataFrame(
        [
            ("satisfaction", "rating_5", 5, 2),
            ("satisfaction", "rating_5", 5, 1),  # the same value from another counter adds up
            ("satisfaction", "rating_5", 2, 1),
            ("comment", "text", None, 4),
        ],
        columns=["code", "kind", "value", "count"],
    )
    questions = [
        {"code": "satisfaction", "kind": "rating_5"},
        {"code": "settled", "kind": "yes_no"},
        {"code": "comment", "kind": "text"},
    ]
    result = questions_from_counts(counts, questions)
    assert [q["code"] for q in result] == ["satisfaction", "settled", "comment"]
    assert result[0]["n"] == 4 and result[0]["csat"] == approx(0.75) and result[0]["mean"] == approx(17 / 4)
    assert result[1]["n"] == 0 and result[1]["yes_share"] is None
    assert result[2] == {"code": "comment", "kind": "text", "n": 4}
