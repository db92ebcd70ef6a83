"""A vectorised path for large, clean visit-level files (pandas instead of a Python loop per visit).

It accepts a file only when every row passes checks at least as strict as ``importers.read_visits``' own
(plain comma-separated text without quotes, exactly six fields per row, strict ISO 8601 timestamps with an
offset, known counters, unique ids, consistent times and outcomes) and then aggregates exactly as that loop
does. Anything else returns ``None`` and the caller reads the file with ``read_visits``, which names every
bad line. So a clean year of visits is checked and aggregated in seconds, and a bad file still gets its
reasons line by line.
"""
from __future__ import annotations

import io


import pandas as pd

from served.importers import (
    FUTURE_TOLERANCE,
    MAX_VISIT_ID_LENGTH,
    NOT_SERVED_OUTCOMES,
    SERVED_OUTCOMES,
    VISIT_COLUMNS,
    ImportContext,
    ServedFile,
    fill_quiet_hours,
)

CHUNK_ROWS = 100_000
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})$"


class _Unclean(Exception):
    """The file needs the line-by-line reader."""


def _plain_shape(data: bytes) -> list[str] | None:
    """The header's column names if the file is plain (UTF-8, no quotes) with six fields on every row."""
    if b'"' in data:
        return None
    try:
        text_start = data.removeprefix(b"\xef\xbb\xbf")
        text_start.decode("utf-8")
    except UnicodeDecodeError:
        return None
    header = text_start.split(b"\n", 1)[0].decode("utf-8").strip().lower().split(",")
    if sorted(header) != sorted(VISIT_COLUMNS):
        return None
    return header


def _moments(column: pd.Series, now: pd.Timestamp, required: bool) -> pd.Series:
    present = column != ""
    if (required and not present.all()) or not column[present].str.match(TIMESTAMP).all():
        raise _Unclean
    moments = pd.to_datetime(column.where(present), format="ISO8601", utc=True)
    if moments[present].isna().any() or (moments[present] > now + FUTURE_TOLERANCE).any():
        raise _Unclean
    return moments


def _chunk_totals(chunk: pd.DataFrame, ctx: ImportContext, seen: set[str], now: pd.Timestamp) -> tuple[pd.DataFrame, pd.Timestamp, pd.Timestamp]:
    chunk = chunk.apply(lambda c: c.str.strip())
    ids = chunk["visit_id"]
    if ((ids == "") | (ids.str.len() > MAX_VISIT_ID_LENGTH)).any() or ids.duplicated().any() or not seen.isdisjoint(ids):
        raise _Unclean
    seen.update(ids)
    codes = chunk["service_point"].map(lambda name: ctx.mapping.get(name, name))
    counters = codes.map(ctx.counters)
    if counters.isna().any():
        raise _Unclean
    entered = _moments(chunk["entered_at"], now, required=True)
    called = _moments(chunk["called_at"], now, required=False)
    ended = _moments(chunk["ended_at"], now, required=False)
    outcome = chunk["outcome"].str.lower()
    never_called = called.isna()
    if (~outcome.isin(SERVED_OUTCOMES | NOT_SERVED_OUTCOMES)).any() \
            or (never_called & outcome.isin(SERVED_OUTCOMES - {""})).any() \
            or (ended.notna() & never_called).any() or (called < entered).any() or (ended < called).any():
        raise _Unclean
    served = ~never_called & outcome.isin(SERVED_OUTCOMES)
    frame = pd.DataFrame({
        "counter": counters.astype("int64"),
        "hour": called.where(served, entered).dt.floor("h"),
        "served": served.astype("int64"),
        "walked_away": (~served).astype("int64"),
        "wait_sum": ((called - entered).dt.total_seconds() / 60).where(served, 0.0),
        "service_sum": ((ended - called).dt.total_seconds() / 60).where(served & ended.notna(), 0.0),
        "service_n": (served & ended.notna()).astype("int64"),
    })
    return frame.groupby(["counter", "hour"]).sum(), entered.min(), entered.max()


def read_visits_fast(data: bytes, ctx: ImportContext) -> ServedFile | None:
    """The checked file, or ``None`` when it is not plainly clean (then read it with ``read_visits``)."""
    names = _plain_shape(data)
    if names is None:
        return None
    now = pd.Timestamp(ctx.now)
    seen: set[str] = set()
    parts, firsts, lasts, lines = [], [], [], 0
    try:
        chunks = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig",
                             chunksize=CHUNK_ROWS, names=names, header=0)
        for chunk in chunks:
            lines += len(chunk)
            totals, first, last = _chunk_totals(chunk, ctx, seen, now)
            parts.append(totals)
            firsts.append(first)
            lasts.append(last)
    except (_Unclean, ValueError, pd.errors.ParserError):
        return None
    if not lines or data.count(b",") != (len(VISIT_COLUMNS) - 1) * (lines + 1):
        return None  # a row with fewer fields than the header (pandas fills them with '')
    totals = pd.concat(parts).groupby(level=[0, 1]).sum()
    hours = {(int(counter), hour.to_pydatetime()): _figures(row) for (counter, hour), row in totals.iterrows()}
    fill_quiet_hours(hours, min(firsts).to_pydatetime(), max(lasts).to_pydatetime(), ctx)
    return ServedFile("visits", hours, lines)


def _figures(row: pd.Series) -> dict:
    served, service_n = int(row["served"]), int(row["service_n"])
    return {
        "served": served,
        "walked_away": int(row["walked_away"]),
        "average_wait_minutes": float(row["wait_sum"]) / served if served else None,
        "average_service_minutes": float(row["service_sum"]) / service_n if service_n else None,
    }


