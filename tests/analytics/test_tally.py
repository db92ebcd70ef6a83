"""analytics.tally: count rows summed into office, department, counter and month groups per period."""
from __future__ import annotations

from datetime import datetime, timezone

from analytics.tally import OFFICE, Layout, department, month, service_point, tally

JULY = datetime(2026, 6, 30, 22, tzinfo=timezone.utc)
AUGUST = datetime(2026, 7, 31, 22, tzinfo=timezone.utc)

# Buckets: 0 = the previous period, 1 = a gap (counted nowhere), 2 = July, 3 = August (the period, by month).
LAYOUT = Layout(
    bucket_periods=[0, None, 1, 1],
    bucket_months=[None, None, JULY, AUGUST],
    counters={1: "KM-1", 2: "KM-2", 3: "AB-1"},
    departments={1: "KM", 2: "KM", 3: "AB"},
)
CODES = {10: "satisfaction", 11: "satisfaction", 20: "comment"}  # two versions of one question share a code


def test_rows_are_summed_into_every_group_of_their_period():
    answers = [
        (2, 1, 10, 5, 3),
        (2, 2, 11, 5, 2),  # another version's id, same code
        (3, 1, 10, 4, 1),
        (3, 3, 10, 5, 4),
        (2, 1, 20, None, 7),
        (0, 1, 10, 1, 6),  # previous period
        (1, 1, 10, 2, 100),  # in the gap: nowhere
        (None, 1, 10, 3, 100),  # outside every bucket: nowhere
    ]
    responses = [(2, 1, 9), (2, 2, 2), (3, 1, 1), (3, 3, 4), (0, 1, 6), (1, 2, 50)]
    previous, current = tally(LAYOUT, answers, responses, CODES, 2)

    assert current.distributions(OFFICE) == {"satisfaction": {5: 9, 4: 1}, "comment": {None: 7}}
    assert current.distributions(department("KM")) == {"satisfaction": {5: 5, 4: 1}, "comment": {None: 7}}
    assert current.distributions(department("AB")) == {"satisfaction": {5: 4}}
    assert current.distributions(service_point("KM-2")) == {"satisfaction": {5: 2}}
    assert current.distributions(month(JULY)) == {"satisfaction": {5: 5}, "comment": {None: 7}}
    assert current.distributions(month(AUGUST)) == {"satisfaction": {4: 1, 5: 4}}
    assert (current.responses_of(OFFICE), current.responses_of(department("KM")), current.responses_of(month(JULY))) == (16, 12, 11)

    assert previous.distributions(OFFICE) == {"satisfaction": {1: 6}}
    assert previous.responses == {OFFICE: 6, department("KM"): 6, service_point("KM-1"): 6}
    assert previous.distributions(month(JULY)) == {}


def test_groups_without_counts_are_empty_and_unknown_counters_count_for_the_office_only():
    (counts,) = tally(
        Layout(bucket_periods=[0], bucket_months=[None], counters={}, departments={}),
        [(0, 9, 10, 3, 2)], [(0, 9, 2)], CODES, 1,
    )
    assert counts.answers == {OFFICE: {"satisfaction": {3: 2}}}
    assert counts.responses_of(OFFICE) == 2
    assert counts.distributions(department("KM")) == {} and counts.responses_of(service_point("KM-1")) == 0
