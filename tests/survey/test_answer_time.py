"""The time hint under a survey's title."""
from __future__ import annotations

from types import SimpleNamespace

from survey.answer_time import estimated_answer_minutes, estimated_answer_seconds


def version_of(*kinds: str):
    return SimpleNamespace(questions=[SimpleNamespace(kind=kind) for kind in kinds])


def test_demo_survey_takes_about_30_seconds(office):
    from survey.services import find_counter

    version = find_counter(office["KM-1"].token).version
    assert estimated_answer_seconds(version) == 30


def test_estimate_rounds_to_ten_seconds_and_never_says_zero():
    assert estimated_answer_seconds(version_of("yes_no")) == 10
    assert estimated_answer_seconds(version_of()) == 10
    assert estimated_answer_seconds(version_of("rating_5", "rating_5", "yes_no")) == 10
    assert estimated_answer_seconds(version_of("text", "text", "nps")) == 30


def test_long_survey_is_counted_in_minutes():
    version = version_of(*["single_choice"] * 20)
    assert estimated_answer_seconds(version) == 120
    assert estimated_answer_minutes(version) == 2
