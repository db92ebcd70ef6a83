"""A vectorised path for large, clean visit-level files (pandas instead of a Python loop per visit).

It accepts a file only when every row passes checks at least as strict as ``visits.read_visits``' own
(plain comma-separated text without quotes, exactly six fields per row, timestamps read by the same
``datetime.fromisoformat`` with an offset, known counters, unique ids, consistent times and outcomes) and
then aggregates exactly as that loop does. Anything else returns ``None`` and the caller reads the file with ``read_visits``, which names every
bad line. So a clean year of visits is checked and aggregated in seconds, and a bad file still gets its
reasons line by line.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone


import numpy as np
import pandas as pd

from served.importers import (
    FUTURE_TOLERANCE,
    MAX_VISIT_ID_LENGTH,
    NOT_SERVED_OUTCOMES,
    SERVED_OUTCOMES,
    VISIT_COLUMNS,
    ImportContext,
    ServedFile,
)
from served.visits import fill_quiet_hours

CHUNK_ROWS = 100_000


class _Unclean(Exception):
    """The file needs the line-by-line reader."""


def plain_header(data: bytes) -> list[str] | None:
    """The header's column names (stripped, lower case) if the file is plain UTF-8 text without quotes, which
    ``pandas.read_csv`` splits exactly as ``csv.reader`` does; ``None`` otherwise."""
    if b'"' in data:
        return None
    try:
        text_start = data.removeprefix(b"\xef\xbb\xbf")
        text_start.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return [name.strip().lower() for name in text_start.split(b"\n", 1)[0].decode("utf-8").split(",")]


def regular_fields(data: bytes, columns: int, lines: int) -> bool:
    """Whether every one of the ``lines`` rows and the header has exactly ``columns`` fields (pandas fills a
    short row with '' instead of refusing it)."""
    return data.count(b",") == (columns - 1) * (lines + 1)


def _plain_shape(data: bytes) -> list[str] | None:
    header = plain_header(data)
    return header if header is not None and sorted(header) == sorted(VISIT_COLUMNS) else None


def _epochs(values: list[str], required: bool, latest: float) -> np.ndarray:
    """Seconds since the epoch (NaN where empty), parsed by ``datetime.fromisoformat`` like the exact reader."""
    out = np.full(len(values), np.nan)
    for index, value in enumerate(values):
        if not value:
            if required:
                raise _Unclean
            continue
        moment = datetime.fromisoformat(value)  # ValueError: the exact reader names the line
        if moment.tzinfo is None:
            raise _Unclean
        out[index] = moment.timestamp()
    if (out > latest).any():
        raise _Unclean
    return out


def _stripped(chunk: pd.DataFrame, column: str) -> list[str]:
    return [value.strip() for value in chunk[column].tolist()]


def _chunk_totals(chunk: pd.DataFrame, ctx: ImportContext, seen: set[str], latest: float) -> tuple[pd.DataFrame, float, float]:
    ids = _stripped(chunk, "visit_id")
    if any(not i or len(i) > MAX_VISIT_ID_LENGTH for i in ids) or len(set(ids)) != len(ids) or not seen.isdisjoint(ids):
        raise _Unclean
    seen.update(ids)
    counters = [ctx.counters.get(ctx.mapping.get(name, name)) for name in _stripped(chunk, "service_point")]
    if None in counters:
        raise _Unclean
    entered = _epochs(_stripped(chunk, "entered_at"), True, latest)
    called = _epochs(_stripped(chunk, "called_at"), False, latest)
    ended = _epochs(_stripped(chunk, "ended_at"), False, latest)
    outcome = np.array([o.lower() for o in _stripped(chunk, "outcome")], dtype=object)
    never_called, has_end = np.isnan(called), ~np.isnan(ended)
    served_outcome = np.isin(outcome, list(SERVED_OUTCOMES))
    if (~np.isin(outcome, list(SERVED_OUTCOMES | NOT_SERVED_OUTCOMES))).any() \
            or (never_called & np.isin(outcome, list(SERVED_OUTCOMES - {""}))).any() \
            or (has_end & never_called).any() or (called < entered).any() or (ended < called).any():
        raise _Unclean
    served = ~never_called & served_outcome
    moment = np.where(served, called, entered)
    frame = pd.DataFrame({
        "counter": np.array(counters, dtype=np.int64),
        "hour": (np.floor(moment / 3600) * 3600).astype(np.int64),
        "served": served.astype(np.int64),
        "walked_away": (~served).astype(np.int64),
        "wait_sum": np.where(served, (called - entered) / 60, 0.0),
        "service_sum": np.where(served & has_end, (ended - called) / 60, 0.0),
        "service_n": (served & has_end).astype(np.int64),
    })
    return frame.groupby(["counter", "hour"]).sum(), float(entered.min()), float(entered.max())


def read_visits_fast(data: bytes, ctx: ImportContext) -> ServedFile | None:
    """The checked file, or ``None`` when it is not plainly clean (then read it with ``read_visits``)."""
    names = _plain_shape(data)
    if names is None:
        return None
    latest = (ctx.now + FUTURE_TOLERANCE).timestamp()
    seen: set[str] = set()
    parts, firsts, lasts, lines = [], [], [], 0
    try:
        chunks = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig",
                             chunksize=CHUNK_ROWS, names=names, header=0)
        for chunk in chunks:
            lines += len(chunk)
            totals, first, last = _chunk_totals(chunk, ctx, seen, latest)
            parts.append(totals)
            firsts.append(first)
            lasts.append(last)
    except (_Unclean, ValueError, pd.errors.ParserError):
        return None
    if not lines or not regular_fields(data, len(VISIT_COLUMNS), lines):
        return None
    totals = pd.concat(parts).groupby(level=[0, 1]).sum()
    hours = _hours(totals)
    fill_quiet_hours(hours, _utc(min(firsts)), _utc(max(lasts)), ctx)
    return ServedFile("visits", hours, lines)


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


def _hours(totals: pd.DataFrame) -> dict:
    counters, hours = totals.index.get_level_values(0).tolist(), totals.index.get_level_values(1).tolist()
    columns = [totals[c].tolist() for c in ("served", "walked_away", "wait_sum", "service_sum", "service_n")]
    result = {}
    for counter, hour, served, walked, wait_sum, service_sum, service_n in zip(counters, hours, *columns):
        result[(counter, _utc(hour))] = {
            "served": served,
            "walked_away": walked,
            "average_wait_minutes": wait_sum / served if served else None,
            "average_service_minutes": service_sum / service_n if service_n else None,
        }
    return result
