"""Objective statuses: met, not met, or insufficient data below the minimum sample."""
from __future__ import annotations

import pytest

from analytics.indicators import question_indicators
from analytics.objectives import ObjectiveSpec, evaluate_objective, objective_status


@pytest.mark.parametrize(
    ("value", "n", "comparator", "target", "min_sample", "status"),
    [
        (0.85, 40, ">=", 0.85, 30, "met"),  # exactly on target
        (0.84, 40, ">=", 0.85, 30, "not_met"),
        (0.85, 40, ">", 0.85, 30, "not_met"),
        (0.95, 29, ">=", 0.85, 30, "insufficient_data"),  # good value, but too few answers
        (0.95, 30, ">=", 0.85, 30, "met"),
        (None, 0, ">=", 0.85, 1, "insufficient_data"),
        (12.0, 50, "<=", 15.0, 30, "met"),
        (16.0, 50, "<", 15.0, 30, "not_met"),
    ],
)
def test_objective_status(value, n, comparator, target, min_sample, status):
    assert objective_status(value, n, comparator, target, min_sample) == status


def test_responses_objective_is_judged_on_the_count_itself():
    assert objective_status(10.0, 10, ">=", 100, 30, "responses") == "not_met"
    assert objective_status(120.0, 120, ">=", 100, 30, "responses") == "met"


def test_evaluate_objective_reads_the_named_question():
    # 17 of 20 answers are 4 or 5: CSAT 0.85
    questions = [
        question_indicators("satisfaction", "rating_5", {5: 10, 4: 7, 2: 3}),
        question_indicators("settled", "yes_no", {1: 15, 0: 5}),
        question_indicators("recommend", "nps", {10: 10, 3: 10}),
    ]
    csat = evaluate_objective(ObjectiveSpec("CSAT ≥ 85 %", "csat", 0.85, min_sample=20), questions, responses=20)
    assert (csat["value"], csat["n"], csat["status"]) == (0.85, 20, "met")
    settled = evaluate_objective(ObjectiveSpec("settled", "yes_share", 0.8, question_code="settled"), questions, 20)
    assert (settled["value"], settled["n"], settled["status"]) == (0.75, 20, "insufficient_data")
    nps = evaluate_objective(ObjectiveSpec("nps", "nps", 10, min_sample=5), questions, 20)
    assert (nps["value"], nps["status"]) == (0.0, "not_met")
    mean = evaluate_objective(ObjectiveSpec("mean", "mean", 4.0, min_sample=5), questions, 20)
    assert mean["value"] == pytest.approx((50 + 28 + 6) / 20) and mean["status"] == "met"
    missing = evaluate_objective(ObjectiveSpec("none", "csat", 0.8, question_code="nope", min_sample=1), questions, 20)
    assert (missing["value"], missing["n"], missing["status"]) == (None, 0, "insufficient_data")
