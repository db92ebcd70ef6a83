"""Burst and suspicious-burst thresholds at their edges."""
from datetime import datetime, timedelta, timezone

import pandas as pd

from analytics.bursts import BurstSettings, SuspiciousSettings, low_rating_bursts, suspicious_bursts, usual_rate_per_hour

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def answers(minutes_and_ratings, point=1):
    return pd.DataFrame([(point, T0 + timedelta(minutes=m), r) for m, r in minutes_and_ratings],
                        columns=["service_point_id", "submitted_at", "rating"])


def test_half_low_of_four_in_an_hour_is_a_burst():
    bursts = low_rating_bursts(answers([(0, 1), (20, 5), (40, 2), (59, 4)]))
    assert len(bursts) == 1
    burst = bursts.iloc[0]
    assert (burst["n"], burst["low"]) == (4, 2)
    assert burst["start"] == pd.Timestamp(T0) and burst["end"] == pd.Timestamp(T0 + timedelta(minutes=59))


def test_below_half_low_is_not_a_burst():
    assert low_rating_bursts(answers([(0, 1), (20, 5), (40, 3), (59, 4)])).empty


def test_three_answers_are_too_few():
    assert low_rating_bursts(answers([(0, 1), (20, 1), (40, 2)])).empty


def test_the_window_excludes_its_end():
    assert low_rating_bursts(answers([(0, 1), (20, 5), (40, 2), (60, 4)])).empty


def test_overlapping_windows_merge_and_counters_are_separate():
    frame = pd.concat([answers([(0, 1), (10, 2), (20, 1), (30, 2), (40, 1), (50, 1)]),
                       answers([(0, 1), (10, 5), (20, 5), (30, 5)], point=2)])
    bursts = low_rating_bursts(frame)
    assert bursts["service_point_id"].tolist() == [1]
    assert bursts.iloc[0]["n"] == 6


def test_settings_change_the_thresholds():
    settings = BurstSettings(window_minutes=30, min_answers=3, low_share=1.0)
    assert len(low_rating_bursts(answers([(0, 1), (10, 2), (20, 1)]), settings)) == 1
    assert low_rating_bursts(answers([(0, 1), (10, 3), (20, 1)]), settings).empty


def responses(minutes, point=1):
    return pd.DataFrame([(point, T0 + timedelta(minutes=m)) for m in minutes], columns=["service_point_id", "submitted_at"])


def test_suspicious_burst_needs_the_minimum_and_the_factor():
    quiet = {1: 3.0}  # 3 an hour: 0.5 in ten minutes, 5 × that is below the minimum of 10
    assert len(suspicious_bursts(responses([i * 0.9 for i in range(10)]), quiet)) == 1
    assert suspicious_bursts(responses([i * 0.9 for i in range(9)]), quiet).empty
    busy = {1: 60.0}  # 10 in ten minutes is usual; 5 × 10 = 50 are needed
    assert suspicious_bursts(responses([i * 0.9 for i in range(10)]), busy).empty
    assert len(suspicious_bursts(responses([i * 0.19 for i in range(50)]), busy)) == 1
    assert suspicious_bursts(responses([i * 0.19 for i in range(49)]), busy).empty


def test_suspicious_settings_and_usual_rate():
    rate = usual_rate_per_hour(pd.DataFrame({"service_point_id": [1, 1, 1], "hour": [0, 1, 2], "n": [2, 4, 0]}))
    assert rate == {1: 3.0}
    settings = SuspiciousSettings(window_minutes=5, min_responses=4, factor=2)
    assert len(suspicious_bursts(responses([0, 1, 2, 3]), rate, settings)) == 1
