"""Reading the queue system's files: hourly counts or single visits, checked whole before anything is stored.

Messages are in the language of the page that asked (``served.services`` picks English for the command line).

- ``hourly``: ``date,hour,service_point,served[,average_wait_minutes][,average_service_minutes][,utc_offset]``
  in local office time; ``utc_offset`` (``+02:00`` / ``+01:00``) tells the two 02:00 hours of the October
  change apart and is required only there; an hour the March change skips is an error.
- ``visits``: ``visit_id,service_point,entered_at,called_at,ended_at,outcome`` (ISO 8601 with offsets), as
  visit-level exports provide it; read by ``served.visits`` (and ``served.fast_visits`` for large clean files)
  with the shared pieces of this module.

Counters are matched by code; a mapping file ``queue_name,service_point`` translates the queue system's own
desk names. Every bad line is collected with its number and reason (``ImportFileError``); a file with any
bad line stores nothing. The result is one ``dict`` per counter-hour, keyed by ``(service_point_id, hour)``
with ``hour`` the UTC start of the office hour.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone
from typing import IO
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from analytics.served import OpeningHours
from survey.importers import ImportFileError, Problem

HOURLY_REQUIRED = ("date", "hour", "service_point", "served")
HOURLY_OPTIONAL = ("average_wait_minutes", "average_service_minutes", "utc_offset")
VISIT_COLUMNS = ("visit_id", "service_point", "entered_at", "called_at", "ended_at", "outcome")
MAPPING_COLUMNS = ("queue_name", "service_point")
SERVED_OUTCOMES = {"", "served", "transferred"}
NOT_SERVED_OUTCOMES = {"no_show", "walked_away"}
MAX_VISIT_ID_LENGTH = 100
MAX_MINUTES = 24 * 60
FUTURE_TOLERANCE = timedelta(hours=1)
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_HOUR = re.compile(r"^(\d{1,2})(?::00)?$")
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")

Key = tuple[int, datetime]


@dataclass
class ImportContext:
    """What a file is checked against: the counters by code, the office's zone and hours, the clock."""

    counters: dict[str, int]  # code -> service point id
    tz_name: str
    opening: OpeningHours
    now: datetime
    mapping: dict[str, str] = field(default_factory=dict)  # queue system's name -> counter code

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    def counter_id(self, name: str) -> int:
        code = self.mapping.get(name, name)
        if code not in self.counters:
            if name in self.mapping:
                raise ValueError(_("nieznane stanowisko %(name)r (przypisane do %(code)r)", name=name, code=code))
            raise ValueError(_("nieznane stanowisko %(name)r (to nie kod stanowiska i nie ma go w pliku mapowania)", name=name))
        return self.counters[code]


@dataclass
class ServedFile:
    """A checked file: its counter-hours and how many data lines it had."""

    format: str
    hours: dict[Key, dict]
    lines: int


# ---- reading CSV -----------------------------------------------------------------------------------------

def text_stream(data: bytes | IO[bytes]) -> IO[str]:
    """A text view of the file (UTF-8, an optional BOM); bytes that are not UTF-8 survive to be reported."""
    binary = io.BytesIO(data) if isinstance(data, bytes) else data
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")


def csv_rows(data: bytes | IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """``(line number, fields)`` per non-empty CSV record."""
    reader = csv.reader(text_stream(data))
    start = 1
    for fields in reader:
        if any(f.strip() for f in fields):
            yield start, fields
        start = reader.line_num + 1


def header(rows: Iterator[tuple[int, list[str]]], required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[str]:
    first = next(rows, None)
    expected = ",".join(required) + "".join(f"[,{name}]" for name in optional)
    if first is None:
        raise ImportFileError([Problem(1, _("plik jest pusty; nagłówek musi mieć postać %(expected)s", expected=expected))])
    names = [name.strip().lower() for name in first[1]]
    missing = [name for name in required if name not in names]
    unknown = [name for name in names if name not in required + optional]
    if missing or unknown or len(set(names)) != len(names):
        detail = "; ".join(filter(None, [
            _("brak kolumn: %(names)s", names=", ".join(missing)) if missing else "",
            _("nieznane kolumny: %(names)s", names=", ".join(unknown)) if unknown else "",
            _("kolumna występuje dwa razy") if len(set(names)) != len(names) else "",
        ]))
        raise ImportFileError([Problem(1, _("%(detail)s; nagłówek musi mieć postać %(expected)s", detail=detail,
                                               expected=expected))])
    return names


def record_of(fields: list[str], names: list[str]) -> dict[str, str]:
    if any(_UNDECODABLE.search(f) for f in fields):
        raise ValueError(_("to nie jest poprawny tekst UTF-8 (zapisz plik w kodowaniu UTF-8)"))
    if len(fields) != len(names):
        raise ValueError(_("oczekiwano %(expected)d kolumn (%(names)s), jest %(found)d", expected=len(names),
                           names=",".join(names), found=len(fields)))
    return {name: value.strip() for name, value in zip(names, fields)}


def read_mapping(data: bytes | IO[bytes], counters: dict[str, int]) -> dict[str, str]:
    """The mapping file ``queue_name,service_point``: the queue system's desk names to counter codes."""
    rows = csv_rows(data)
    try:
        names = header(rows, MAPPING_COLUMNS)
    except ImportFileError as exc:
        raise ImportFileError([_mapping_problem(p.line, p.message) for p in exc.problems]) from None
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for line, fields in rows:
        try:
            record = record_of(fields, names)
        except ValueError as exc:
            problems.append(_mapping_problem(line, str(exc)))
            continue
        name, code = record["queue_name"], record["service_point"]
        if code not in counters:
            problems.append(_mapping_problem(line, _("nieznany kod stanowiska %(code)r", code=code)))
        elif name in mapping and mapping[name] != code:
            problems.append(_mapping_problem(line, _("%(name)r jest już przypisane do %(code)r", name=name,
                                                     code=mapping[name])))
        else:
            mapping[name] = code
    if problems:
        raise ImportFileError(problems)
    return mapping


def _mapping_problem(line: int, message: str) -> Problem:
    return Problem(0, _("plik mapowania, wiersz %(line)d: %(message)s", line=line, message=message))


# ---- values ----------------------------------------------------------------------------------------------

def minutes_value(raw: str, column: str) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise ValueError(_("%(column)s musi być liczbą minut, jest %(raw)r", column=column, raw=raw)) from None
    if not 0 <= value <= MAX_MINUTES:
        raise ValueError(_("%(column)s musi wynosić od 0 do %(max)d minut, jest %(raw)r", column=column, max=MAX_MINUTES,
                           raw=raw))
    return value


def count_value(raw: str, column: str) -> int:
    if not re.fullmatch(r"\d{1,7}", raw):
        raise ValueError(_("%(column)s musi być liczbą całkowitą klientów (0 lub więcej), jest %(raw)r", column=column,
                           raw=raw))
    return int(raw)


def offset_value(raw: str) -> timedelta | None:
    if not raw:
        return None
    if raw.upper() == "Z":
        return timedelta(0)
    match = _OFFSET.match(raw)
    if not match:
        raise ValueError(_("utc_offset musi mieć postać +02:00 lub +01:00, jest %(raw)r", raw=raw))
    sign = -1 if match.group(1) == "-" else 1
    return sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@lru_cache(maxsize=65_536)  # every counter repeats the same hours: convert each once
def local_hour_start(day: date, hour: int, offset: timedelta | None, tz: ZoneInfo) -> datetime:
    """The UTC start of a local clock hour; ``offset`` picks one of the two hours the October change repeats."""
    candidates: dict[timedelta, datetime] = {}
    for fold in (0, 1):
        local = datetime(day.year, day.month, day.day, hour, tzinfo=tz, fold=fold)
        moment = local.astimezone(timezone.utc)
        if moment.astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None):
            candidates[local.utcoffset()] = moment
    when = f"{day.isoformat()} {hour:02d}:00"
    if not candidates:
        raise ValueError(_("godzina %(when)s nie istnieje w strefie %(zone)s (o tej godzinie zegary przesuwa się do przodu)",
                           when=when, zone=tz.key))
    if offset is not None:
        if offset not in candidates:
            valid = " / ".join(_offset_text(o) for o in candidates)
            raise ValueError(_("utc_offset %(offset)s nie pasuje do godziny %(when)s w strefie %(zone)s (jest %(valid)s)",
                               offset=_offset_text(offset), when=when, zone=tz.key, valid=valid))
        return candidates[offset]
    if len(candidates) > 1:
        first, second = (_offset_text(o) for o in sorted(candidates, reverse=True))
        raise ValueError(_("godzina %(when)s występuje w strefie %(zone)s dwa razy (zegary cofa się): dodaj utc_offset "
                           "%(first)s dla pierwszej i %(second)s dla drugiej", when=when, zone=tz.key, first=first,
                           second=second))
    return next(iter(candidates.values()))


def timestamp(raw: str, column: str, now: datetime) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(_("%(column)s %(raw)r to nie data i godzina ISO 8601 (np. 2026-09-30T10:15:00+02:00)",
                           column=column, raw=raw)) from None
    if moment.tzinfo is None:
        raise ValueError(_("%(column)s %(raw)r wymaga przesunięcia względem UTC lub Z (np. 2026-09-30T10:15:00+02:00)",
                           column=column, raw=raw))
    moment = moment.astimezone(timezone.utc)
    if moment > now + FUTURE_TOLERANCE:
        raise ValueError(_("%(column)s %(raw)r to przyszłość", column=column, raw=raw))
    return moment


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


# ---- the hourly format -----------------------------------------------------------------------------------

def _hourly_line(record: dict[str, str], ctx: ImportContext) -> tuple[Key, dict]:
    reasons: list[str] = []

    def attempt(check, *args):
        try:
            return check(*args)
        except ValueError as exc:
            reasons.append(str(exc))
            return None

    day = attempt(date_value, record["date"])
    hour = attempt(hour_value, record["hour"])
    offset_ok = not reasons
    offset = attempt(offset_value, record.get("utc_offset", ""))
    offset_ok = offset_ok and not reasons
    counter = attempt(ctx.counter_id, record["service_point"])
    served = attempt(count_value, record["served"], "served")
    wait = attempt(minutes_value, record.get("average_wait_minutes", ""), "average_wait_minutes")
    service = attempt(minutes_value, record.get("average_service_minutes", ""), "average_service_minutes")
    start = None
    if offset_ok:  # the date, the hour and the offset are readable
        start = attempt(local_hour_start, day, hour, offset, ctx.tz)
    if start is not None and start > ctx.now:
        reasons.append(_("%(date)s %(hour)s to przyszłość", date=record["date"], hour=record["hour"]))
    if reasons:
        raise ValueError("; ".join(reasons))
    figures = {"served": served, "walked_away": None, "average_wait_minutes": wait, "average_service_minutes": service}
    return (counter, start), figures


def hour_value(raw: str) -> int:
    match = _HOUR.match(raw)
    if not match or int(match.group(1)) > 23:
        raise ValueError(_("hour musi być pełną godziną od 0 do 23 (np. 8 lub 08:00), jest %(raw)r", raw=raw))
    return int(match.group(1))


def date_value(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(_("date musi mieć postać RRRR-MM-DD, jest %(raw)r", raw=raw)) from None


def read_hourly(data: bytes | IO[bytes], ctx: ImportContext) -> ServedFile:
    rows = csv_rows(data)
    names = header(rows, HOURLY_REQUIRED, HOURLY_OPTIONAL)
    hours: dict[Key, dict] = {}
    first_line: dict[Key, int] = {}
    problems: list[Problem] = []
    lines = 0
    for line, fields in rows:
        lines += 1
        try:
            key, figures = _hourly_line(record_of(fields, names), ctx)
        except ValueError as exc:
            problems.append(Problem(line, str(exc)))
            continue
        if key in first_line:
            problems.append(Problem(line, _("to samo stanowisko i godzina co w wierszu %(line)d", line=first_line[key])))
            continue
        first_line[key] = line
        hours[key] = figures
    return checked(ServedFile("hourly", hours, lines), problems)


def checked(result: ServedFile, problems: list[Problem]) -> ServedFile:
    if problems:
        raise ImportFileError(problems)
    if not result.lines:
        raise ImportFileError([Problem(1, _("plik ma nagłówek, ale nie ma wierszy z danymi"))])
    return result
