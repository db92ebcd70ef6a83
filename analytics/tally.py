"""Summing a period's count rows into the groups the indicators report, in plain Python (no database here).

``compute_indicators`` reads the answer counts of a period and of the period it is compared with in one
``GROUP BY``: a few hundred rows ``(bucket, service_point_id, question_id, value, count)``, where ``bucket``
numbers the time slices between consecutive boundaries (period starts and ends, month starts). Each row is
added to the office, its counter's department, its counter and — when months are reported — its month, in
the period its bucket belongs to. For so few rows, plain dictionaries are several times faster than
building and grouping pandas frames, and the sums are the same integers.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

OFFICE: tuple[str, None] = ("office", None)

Distributions = dict[str, dict]  # question code -> {value: answers}


def department(code: str) -> tuple[str, str]:
    return ("department", code)


def service_point(code: str) -> tuple[str, str]:
    return ("service_point", code)


def month(start: datetime) -> tuple[str, datetime]:
    return ("month", start)


@dataclass
class GroupCounts:
    """One period's answer distributions and response totals per group (``OFFICE``, ``department(code)``,
    ``service_point(code)``, ``month(start)``); a group without answers has none stored."""

    answers: dict[Hashable, Distributions] = field(default_factory=dict)
    responses: dict[Hashable, int] = field(default_factory=dict)

    def distributions(self, group: Hashable) -> Distributions:
        return self.answers.get(group, {})

    def responses_of(self, group: Hashable) -> int:
        return self.responses.get(group, 0)


@dataclass(frozen=True)
class Layout:
    """Where a count row belongs.

    ``bucket_periods[i]``: the index of the period bucket ``i`` lies in (``None`` for a gap between periods,
    e.g. the rest of a previous period a running one is compared with only partly); ``bucket_months[i]``:
    the start of the month bucket ``i`` is reported under (``None``: not reported by month);
    ``counters`` / ``departments``: counter and department code of each ``service_point_id``.
    """

    bucket_periods: Sequence[int | None]
    bucket_months: Sequence[datetime | None]
    counters: Mapping[int, str]
    departments: Mapping[int, str]

    def groups(self, bucket: int, service_point_id: int) -> tuple[Hashable, ...]:
        groups: list[Hashable] = [OFFICE]
        if service_point_id in self.departments:
            groups.append(department(self.departments[service_point_id]))
        if service_point_id in self.counters:
            groups.append(service_point(self.counters[service_point_id]))
        if self.bucket_months[bucket] is not None:
            groups.append(month(self.bucket_months[bucket]))
        return tuple(groups)


def tally(
    layout: Layout,
    answer_rows: Iterable[tuple],
    response_rows: Iterable[tuple],
    question_codes: Mapping[int, str],
    periods: int,
) -> list[GroupCounts]:
    """The counts of each of ``periods`` periods, from ``(bucket, service_point_id, question_id, value, count)``
    answer rows and ``(bucket, service_point_id, count)`` response rows."""
    result = [GroupCounts() for _ in range(periods)]
    places: dict[tuple[int | None, int], tuple[GroupCounts, tuple[Hashable, ...]] | None] = {}

    def place(bucket: int | None, service_point_id: int):
        key = (bucket, service_point_id)
        if key not in places:
            index = None if bucket is None else layout.bucket_periods[bucket]
            places[key] = None if index is None else (result[index], layout.groups(bucket, service_point_id))
        return places[key]

    for bucket, service_point_id, question_id, value, count in answer_rows:
        target = place(bucket, service_point_id)
        if target is None:
            continue
        counts, groups = target
        code = question_codes[question_id]
        for group in groups:
            by_value = counts.answers.setdefault(group, {}).setdefault(code, {})
            by_value[value] = by_value.get(value, 0) + int(count)
    for bucket, service_point_id, count in response_rows:
        target = place(bucket, service_point_id)
        if target is None:
            continue
        counts, groups = target
        for group in groups:
            counts.responses[group] = counts.responses.get(group, 0) + int(count)
    return result
