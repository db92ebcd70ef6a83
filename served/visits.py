"""The visit-level format: one row per visit, aggregated to counter-hours (see ``served.importers``).

A served visit counts in the hour it was called, with its wait (called - entered) and service time (ended -
called); a visit never called, or called and gone (``no_show``), counts as walked away in the hour its ticket
was taken. An export covers whole days, so the opening hours of those days without a visit at a counter in
the file are stored as 0 served.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

import pandas as pd
from flask_babel import gettext as _

from analytics.served import opening_slots
from served.importers import (
    MAX_VISIT_ID_LENGTH,
    NOT_SERVED_OUTCOMES,
    SERVED_OUTCOMES,
    VISIT_COLUMNS,
    ImportContext,
    Key,
    ServedFile,
    checked,
    csv_rows,
    header,
    hour_of,
    record_of,
    timestamp,
)
from survey.importers import Problem

@dataclass
class _HourTotals:
    served: int = 0
    walked_away: int = 0
    wait_sum: float = 0.0
    service_sum: float = 0.0
    service_n: int = 0

    def figures(self) -> dict:
        return {
            "served": self.served,
            "walked_away": self.walked_away,
            "average_wait_minutes": self.wait_sum / self.served if self.served else None,
            "average_service_minutes": self.service_sum / self.service_n if self.service_n else None,
        }


def _visit_line(record: dict[str, str], ctx: ImportContext) -> tuple[int, datetime, datetime | None, datetime | None, bool]:
    """``(counter, entered, called, ended, served)`` of one visit, or ``ValueError`` with every reason."""
    reasons: list[str] = []
    moments: dict[str, datetime | None] = {}
    if not record["visit_id"] or len(record["visit_id"]) > MAX_VISIT_ID_LENGTH:
        reasons.append(_("visit_id musi mieć od 1 do %(max)d znaków", max=MAX_VISIT_ID_LENGTH))
    counter = None
    try:
        counter = ctx.counter_id(record["service_point"])
    except ValueError as exc:
        reasons.append(str(exc))
    for column in ("entered_at", "called_at", "ended_at"):
        try:
            moments[column] = timestamp(record[column], column, ctx.now)
        except ValueError as exc:
            reasons.append(str(exc))
            moments[column] = None
    entered, called, ended = moments["entered_at"], moments["called_at"], moments["ended_at"]
    outcome = record["outcome"].lower()
    if not record["entered_at"]:
        reasons.append(_("brak entered_at (kiedy pobrano bilet)"))
    if outcome not in SERVED_OUTCOMES | NOT_SERVED_OUTCOMES:
        reasons.append(_("outcome musi być puste albo mieć wartość served, transferred, no_show lub walked_away, jest "
                         "%(raw)r", raw=record["outcome"]))
    elif not record["called_at"] and outcome in SERVED_OUTCOMES - {""}:
        reasons.append(_("outcome %(outcome)s, ale wizyta nie została wywołana (puste called_at)", outcome=outcome))
    if record["ended_at"] and not record["called_at"]:
        reasons.append(_("ended_at bez called_at"))
    if entered and called and called < entered:
        reasons.append(_("called_at jest wcześniej niż entered_at"))
    if called and ended and ended < called:
        reasons.append(_("ended_at jest wcześniej niż called_at"))
    if reasons:
        raise ValueError("; ".join(reasons))
    return counter, entered, called, ended, called is not None and outcome in SERVED_OUTCOMES


def read_visits(data: bytes | IO[bytes], ctx: ImportContext) -> ServedFile:
    rows = csv_rows(data)
    names = header(rows, VISIT_COLUMNS)
    totals: dict[Key, _HourTotals] = {}
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    first_entry = last_entry = None
    lines = 0
    for line, fields in rows:
        lines += 1
        try:
            record = record_of(fields, names)
            counter, entered, called, ended, served = _visit_line(record, ctx)
        except ValueError as exc:
            problems.append(Problem(line, str(exc)))
            continue
        if record["visit_id"] in seen:
            problems.append(Problem(line, _("visit_id %(id)r występuje już w wierszu %(line)d", id=record["visit_id"],
                                            line=seen[record["visit_id"]])))
            continue
        seen[record["visit_id"]] = line
        first_entry = entered if first_entry is None else min(first_entry, entered)
        last_entry = entered if last_entry is None else max(last_entry, entered)
        if served:
            hour = totals.setdefault((counter, hour_of(called)), _HourTotals())
            hour.served += 1
            hour.wait_sum += (called - entered).total_seconds() / 60
            if ended is not None:
                hour.service_sum += (ended - called).total_seconds() / 60
                hour.service_n += 1
        else:
            totals.setdefault((counter, hour_of(entered)), _HourTotals()).walked_away += 1
    result = checked(ServedFile("visits", {key: t.figures() for key, t in totals.items()}, lines), problems)
    fill_quiet_hours(result.hours, first_entry, last_entry, ctx)
    return result


def fill_quiet_hours(hours: dict[Key, dict], first: datetime, last: datetime, ctx: ImportContext) -> None:
    """A visit-level export covers whole days: an opening hour of those days without a visit at a counter
    in the file served nobody (0), which is data, not a gap."""
    tz = ctx.tz
    start = datetime.combine(first.astimezone(tz).date(), datetime.min.time(), tzinfo=tz)
    end = datetime.combine(last.astimezone(tz).date() + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    slots = opening_slots(pd.Timestamp(start), pd.Timestamp(end), ctx.tz_name, ctx.opening)
    counters = {counter for counter, _hour in hours}
    for slot in slots.to_pydatetime():
        for counter in counters:
            hours.setdefault((counter, slot), {"served": 0, "walked_away": 0, "average_wait_minutes": None,
                                               "average_service_minutes": None})

