"""A vectorised path for large, clean hourly files (a few thousand distinct values instead of a loop per line).

An hourly file repeats the same few values: a few thousand dates, 24 hours, the counters, a few hundred
counts and waits. So the file is split by ``pandas.read_csv`` (only plain files: UTF-8, no quotes, exactly
one field per header column on every row — see ``served.fast_visits``), every column is factorized, and each
*distinct* value is checked and converted by the very functions ``importers.read_hourly`` uses per line
(``date_value``, ``hour_value``, ``offset_value``, ``ctx.counter_id``, ``count_value``, ``minutes_value`` and
``local_hour_start`` per distinct date, hour and offset); the rows then take their converted values by index.
Any value those functions refuse, an hour in the future, the same counter and hour twice, or an unusual
shape returns ``None``: the caller then reads the file with ``read_hourly``, which names every bad line.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

import numpy as np
import pandas as pd

from served.fast_visits import plain_header, regular_fields
from served.importers import (
    HOURLY_OPTIONAL,
    HOURLY_REQUIRED,
    ImportContext,
    ServedFile,
    count_value,
    date_value,
    hour_value,
    local_hour_start,
    minutes_value,
    offset_value,
)


def _known_header(names: list[str]) -> bool:
    """The header ``read_hourly`` accepts (else it names the problem)."""
    return (len(set(names)) == len(names) and set(HOURLY_REQUIRED) <= set(names)
            and set(names) <= set(HOURLY_REQUIRED + HOURLY_OPTIONAL))


def distinct_values(column: np.ndarray, convert: Callable[[str], object]) -> tuple[np.ndarray, list]:
    """``(codes, values)``: row ``i`` has ``values[codes[i]]``, each distinct raw text stripped and converted
    once. ``convert``'s ``ValueError`` is the caller's sign that some line is bad."""
    codes, uniques = pd.factorize(column)
    return codes, [convert(raw.strip()) for raw in uniques]


def _by_row(codes: np.ndarray, values: list) -> list:
    """The converted value of every row, as the Python objects the line-by-line reader makes."""
    table = np.empty(len(values), dtype=object)
    table[:] = values
    return table[codes].tolist()


def hour_starts(days: tuple[np.ndarray, list], hours: tuple[np.ndarray, list], offsets: tuple[np.ndarray, list],
                ctx: ImportContext) -> tuple[np.ndarray, list[datetime]]:
    """``(codes, starts)``: the UTC start of every row's local hour, computed once per distinct date, hour and
    offset (``ValueError`` for an hour the March change skips, an ambiguous or mismatched October one)."""
    (day_codes, day_values), (hour_codes, hour_values), (offset_codes, offset_values) = days, hours, offsets
    combined = (day_codes.astype(np.int64) * len(hour_values) + hour_codes) * len(offset_values) + offset_codes
    distinct, codes = np.unique(combined, return_inverse=True)
    starts = []
    for value in distinct.tolist():
        rest, offset = divmod(value, len(offset_values))
        day, hour = divmod(rest, len(hour_values))
        start = local_hour_start(day_values[day], hour_values[hour], offset_values[offset], ctx.tz)
        if start > ctx.now:
            raise ValueError("in the future")  # the line-by-line reader words it
        starts.append(start)
    return codes.reshape(-1), starts


def read_hourly_fast(data: bytes, ctx: ImportContext) -> ServedFile | None:
    """The checked file, or ``None`` when it is not plainly clean (then read it with ``read_hourly``)."""
    names = plain_header(data)
    if names is None or not _known_header(names):
        return None
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False,
                            encoding="utf-8-sig", names=names, header=0)
    except (ValueError, pd.errors.ParserError):
        return None
    lines = len(frame)
    if not lines or not regular_fields(data, len(names), lines):
        return None

    def column(name: str) -> np.ndarray:
        return frame[name].to_numpy() if name in frame else np.full(lines, "", dtype=object)

    try:
        counters = distinct_values(column("service_point"), ctx.counter_id)
        served = distinct_values(column("served"), lambda raw: count_value(raw, "served"))
        waits = distinct_values(column("average_wait_minutes"), lambda raw: minutes_value(raw, "average_wait_minutes"))
        services = distinct_values(column("average_service_minutes"),
                                   lambda raw: minutes_value(raw, "average_service_minutes"))
        start_codes, starts = hour_starts(distinct_values(column("date"), date_value),
                                          distinct_values(column("hour"), hour_value),
                                          distinct_values(column("utc_offset"), offset_value), ctx)
    except ValueError:
        return None
    counter_ids = np.asarray(counters[1], dtype=np.int64)[counters[0]]
    epochs = np.array([start.timestamp() for start in starts], dtype=np.int64)[start_codes]  # '8' and '08:00' alike
    if pd.DataFrame({"counter": counter_ids, "start": epochs}).duplicated().any():
        return None
    keys = zip(counter_ids.tolist(), _by_row(start_codes, starts))
    figures = zip(_by_row(*served), _by_row(*waits), _by_row(*services))
    hours = {key: {"served": count, "walked_away": None, "average_wait_minutes": wait, "average_service_minutes": service}
             for key, (count, wait, service) in zip(keys, figures)}
    return ServedFile("hourly", hours, lines)
