"""Importing the queue system's files, and the served-customer indicators of a period and scope.

``import_served`` checks the whole file, then replaces the stored figures of exactly the counter-hours the
file holds (importing a file twice changes nothing), writes the audit log and empties the dashboards' cache.
``add_served_indicators`` is the one step ``compute_indicators`` takes to put ``served``,
``average_wait_minutes``, ``response_rate`` and ``coverage`` next to ``responses`` in the indicators JSON.
"""
from __future__ import annotations

from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from typing import IO

import pandas as pd
from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _

from analytics import served as calc
from analytics.periods import Period
from extensions import db
from served import queries
from served.fast_hourly import read_hourly_fast
from served.fast_visits import read_visits_fast
from served.importers import ImportContext, ServedFile, read_hourly, read_mapping
from served.visits import read_visits
from served.models import FORMATS, ServedImport
from survey.importers import ImportFileError, Problem
from survey.models import AuditLog, utcnow
from survey.text_safety import clean_text


@dataclass(frozen=True)
class ImportSummary:
    format: str
    lines: int
    hours: int
    served: int
    walked_away: int | None
    first_hour: datetime | None
    last_hour: datetime | None


# ---- settings ---------------------------------------------------------------------------------------------

def opening_hours() -> calc.OpeningHours:
    return calc.parse_opening_hours(current_app.config["OPINIA_OPENING_HOURS"])


def low_response_rate() -> float:
    return float(current_app.config["OPINIA_LOW_RESPONSE_RATE"])


# ---- import -----------------------------------------------------------------------------------------------

def import_context(mapping: bytes | IO[bytes] | None = None) -> ImportContext:
    counters = queries.counter_ids_by_code()
    return ImportContext(
        counters=counters,
        tz_name=current_app.config["OPINIA_TIMEZONE"],
        opening=opening_hours(),
        now=utcnow(),
        mapping=read_mapping(mapping, counters) if mapping is not None else {},
    )


def read_file(data: bytes | IO[bytes], file_format: str, mapping: bytes | IO[bytes] | None = None) -> ServedFile:
    """The checked file, or ``ImportFileError`` naming every bad line (also of the mapping file)."""
    if file_format not in FORMATS:
        raise ImportFileError([Problem(0, _("nieznany format %(format)r; dostępne: %(formats)s", format=file_format,
                                           formats=", ".join(FORMATS)))])
    ctx = import_context(mapping)
    raw = data if isinstance(data, bytes) else data.read()
    if file_format == "visits":
        return read_visits_fast(raw, ctx) or read_visits(raw, ctx)
    return read_hourly_fast(raw, ctx) or read_hourly(raw, ctx)


def import_served(data: bytes | IO[bytes], file_format: str, *, mapping: bytes | IO[bytes] | None = None,
                  file_name: str = "", user_id: int | None = None) -> ImportSummary:
    """Check the whole file, then store it in one transaction (all or nothing)."""
    with _message_language():
        checked = read_file(data, file_format, mapping)
    summary = _summary(checked)
    file_name = clean_text(file_name)[:255]  # shown on the page and in the audit log
    batch = ServedImport(user_id=user_id, file_name=file_name, format=file_format, hours=summary.hours,
                         served=summary.served, first_hour=summary.first_hour, last_hour=summary.last_hour)
    db.session.add(batch)
    db.session.flush()
    queries.replace_hours(batch.id, checked.hours)
    db.session.add(AuditLog(user_id=user_id, action="import-served", entity="served_import", entity_id=batch.id,
                            details={"file": file_name, "format": file_format, "lines": checked.lines,
                                     "hours": summary.hours, "served": summary.served}))
    db.session.commit()
    _forget_dashboards()
    return summary


def _message_language():
    """Problems in the page's language; English on the command line (no request to choose from)."""
    return nullcontext() if has_request_context() else force_locale("en")


def _summary(checked: ServedFile) -> ImportSummary:
    hours = [hour for _counter, hour in checked.hours]
    walked = [f["walked_away"] for f in checked.hours.values() if f["walked_away"] is not None]
    return ImportSummary(
        format=checked.format,
        lines=checked.lines,
        hours=len(checked.hours),
        served=sum(f["served"] for f in checked.hours.values()),
        walked_away=sum(walked) if walked else None,
        first_hour=min(hours, default=None),
        last_hour=max(hours, default=None),
    )


def _forget_dashboards() -> None:
    """This process's built dashboards; other processes see the new import in the cache's fingerprint."""
    from dashboard.cache import app_cache

    app_cache().clear()


# ---- indicators -------------------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _opening_slots(start: datetime, end: datetime, tz_name: str, opening_text: str) -> pd.DatetimeIndex:
    """``calc.opening_slots`` of a period, kept: it depends on nothing else (a ``DatetimeIndex`` is immutable)."""
    return calc.opening_slots(pd.Timestamp(start), pd.Timestamp(end), tz_name, calc.parse_opening_hours(opening_text))


def _counters_for_coverage(points: pd.DataFrame, hours: pd.DataFrame) -> pd.DataFrame:
    """Active counters, and inactive ones that still have queue data in the period."""
    active = (points.loc[points["active"], "id"].tolist() if "active" in points.columns  # known from the catalog
              else queries.active_counter_ids())
    keep = set(active) | set(hours["service_point_id"].tolist())
    return points[points["id"].isin(keep)]


def served_indicators(period: Period, service_points: pd.DataFrame, restricted: bool, departments: list[str],
                      rating_question_ids: list[int]) -> dict:
    """The served-customer indicators of the scope, of each of ``departments`` and of each counter in it.

    ``service_points``: the scope's counters (``id, code, department_code``, and ``active`` when known — else it
    is read); ``restricted``: whether the
    scope is narrower than the office (else no counter filter is applied).
    """
    ids = [int(i) for i in service_points["id"]] if restricted else None
    hours = queries.served_hours(period.start, period.end, ids)
    points = service_points.set_index("id")
    hours["service_point"] = hours["service_point_id"].map(points["code"])
    hours["department"] = hours["service_point_id"].map(points["department_code"])
    slots = _opening_slots(period.start, period.end, period.tz_name, current_app.config["OPINIA_OPENING_HOURS"])
    counted = _counters_for_coverage(service_points, hours)
    counted_codes = set(counted["code"].tolist())
    per_department = Counter(counted["department_code"].tolist())
    # Ratings by wait band come from the counter-hours with a measured wait: without any, there is nothing to join.
    timed = bool(hours["average_wait_minutes"].notna().any())
    bands = (queries.rating_counts_by_wait_band(period.start, period.end, ids, rating_question_ids) if timed
             else queries.empty_band_counts())
    return {
        "scope": calc.served_summary(hours, slots, len(counted)),
        "by_department": calc.grouped_summaries(hours, "department", slots,
                                                {code: per_department[code] for code in departments}),
        "by_service_point": calc.grouped_summaries(hours, "service_point", slots,
                                                   {code: int(code in counted_codes) for code in points["code"]}),
        "csat_by_wait_band": calc.csat_by_wait_band(bands),
    }


def _next_to_responses(entry: dict, summary: dict) -> dict:
    """``entry`` with the four indicators inserted right after its ``responses`` (readable JSON)."""
    result = {}
    for key, value in entry.items():
        result[key] = value
        if key == "responses":
            result |= {k: summary[k] for k in calc.SERVED_KEYS}
    return result


def _queue_parts(summary: dict) -> dict:
    """What the four indicators are made of, so each can be checked by hand."""
    return {key: summary[key] for key in ("walked_away", "responses_in_queue_hours", "covered_hours", "opening_hours")}


def add_served_indicators(result: dict, period: Period, service_points: pd.DataFrame, restricted: bool,
                          question_ids: dict[int, tuple[str, str]]) -> dict:
    """The indicators JSON with the queue system's figures added (scope, departments, counters, ``queue``)."""
    rating_code = next((code for code, kind in question_ids.values() if kind == "rating_5"), None)
    rating_ids = [qid for qid, (code, _kind) in question_ids.items() if code == rating_code]
    departments = [d["code"] for d in result["by_department"]]
    figures = served_indicators(period, service_points, restricted, departments, rating_ids)
    scope = figures["scope"]
    result = _next_to_responses(result, scope)
    for key in ("by_department", "by_service_point"):
        groups = figures[key]
        result[key] = [{**_next_to_responses(entry, groups[entry["code"]]), "queue": _queue_parts(groups[entry["code"]])}
                       for entry in result[key]]
    result["queue"] = {
        **_queue_parts(scope),
        "rating_question": rating_code,
        "csat_by_wait_band": figures["csat_by_wait_band"],
        "low_response_rate_below": low_response_rate(),
    }
    return result

