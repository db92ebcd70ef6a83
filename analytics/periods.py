"""Reporting periods cut in the office's time zone.

A period is a run of whole local days: ``2026-09`` (a month), ``2026-Q3`` (a quarter), ``2026`` (a year)
or a custom ``2026-07-01..2026-08-15`` (both days included). Its ``start`` and ``end`` are aware UTC
datetimes of the local midnights that bound it (``end`` excluded), so an answer stored at
2026-09-30 22:30 UTC falls into October in Europe/Warsaw, and daylight-saving changes are respected.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PERIOD_KINDS = ("month", "quarter", "year", "custom")
PERIOD_FORMATS = "YYYY (a year), YYYY-Qn (a quarter), YYYY-MM (a month) or YYYY-MM-DD..YYYY-MM-DD (custom)"
MIN_YEAR, MAX_YEAR = 2000, 2100

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/)\s*(\d{4}-\d{2}-\d{2})$")


class PeriodError(ValueError):
    """A period text that cannot be understood; the message says what is accepted (in English, for the CLI
    and the API). ``reason`` and ``params`` let a page say the same in its own language."""

    def __init__(self, message: str, reason: str = "unknown", **params: object):
        super().__init__(message)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class Period:
    kind: str
    first_day: date
    last_day: date  # included
    tz_name: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.first_day.year}"
        if self.kind == "quarter":
            return f"{self.first_day.year}-Q{(self.first_day.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.first_day.year}-{self.first_day.month:02d}"
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"

    @property
    def start(self) -> datetime:
        return local_midnight_utc(self.first_day, self.tz)

    @property
    def end(self) -> datetime:
        return local_midnight_utc(self.last_day + timedelta(days=1), self.tz)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def is_running(self, today: date) -> bool:
        """True while ``today`` (a local date) is inside the period but not its last day: it has not ended."""
        return self.first_day <= today < self.last_day

    def days_elapsed(self, today: date) -> int:
        """Days of the period up to and including ``today`` (all of them once it has ended)."""
        if today < self.first_day:
            return 0
        return min((today - self.first_day).days + 1, self.days)

    def comparison(self, today: date) -> Period:
        """What a change is measured against: the previous period of the same length; while this period is
        still running, only as many days of the previous period as have passed of this one (so 26 November
        compares 1 October – 26 November with 1 July – 26 August, not with the whole third quarter)."""
        previous = self.previous()
        if not self.is_running(today):
            return previous
        last = min(previous.first_day + timedelta(days=self.days_elapsed(today) - 1), previous.last_day)
        return Period("custom", previous.first_day, last, self.tz_name)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def previous(self) -> Period:
        """The period of the same length just before: the previous month, quarter or year, or as many days."""
        if self.kind == "custom":
            last = self.first_day - timedelta(days=1)
            return Period("custom", last - timedelta(days=self.days - 1), last, self.tz_name)
        return period_containing_day(self.first_day - timedelta(days=1), self.kind, self.tz_name)

    def months(self) -> list[Period]:
        """The months this period touches, each cut to the period (a custom period may start mid-month)."""
        result: list[Period] = []
        day = self.first_day
        while day <= self.last_day:
            month = period_containing_day(day, "month", self.tz_name)
            if month.first_day >= self.first_day and month.last_day <= self.last_day:
                result.append(month)
            else:
                result.append(Period("custom", day, min(month.last_day, self.last_day), self.tz_name))
            day = month.last_day + timedelta(days=1)
        return result

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "kind": self.kind,
            "from": self.first_day.isoformat(),
            "to": self.last_day.isoformat(),
            "start_utc": self.start.isoformat(),
            "end_utc": self.end.isoformat(),
        }

    def __str__(self) -> str:
        return self.label


def local_midnight_utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc)


def check_timezone(tz_name: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PeriodError(f"unknown time zone {tz_name!r}", "timezone", value=tz_name) from exc


def _last_day_of_month(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def period_containing_day(day: date, kind: str, tz_name: str) -> Period:
    if kind == "year":
        return Period("year", date(day.year, 1, 1), date(day.year, 12, 31), tz_name)
    if kind == "quarter":
        first_month = (day.month - 1) // 3 * 3 + 1
        return Period("quarter", date(day.year, first_month, 1), _last_day_of_month(day.year, first_month + 2), tz_name)
    if kind == "month":
        return Period("month", date(day.year, day.month, 1), _last_day_of_month(day.year, day.month), tz_name)
    raise PeriodError(f"period kind must be one of month, quarter, year (got {kind!r})")


def period_containing(moment: datetime, kind: str, tz_name: str) -> Period:
    """The month, quarter or year (in the office's zone) that an aware ``moment`` falls in."""
    local_day = moment.astimezone(check_timezone(tz_name)).date()
    return period_containing_day(local_day, kind, tz_name)


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"period {text!r}: the year must be between {MIN_YEAR} and {MAX_YEAR}", "year_range",
                          value=text, low=MIN_YEAR, high=MAX_YEAR)


def _parse_day(value: str, text: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise PeriodError(f"period {text!r}: {value!r} is not a valid date (YYYY-MM-DD)", "bad_date", value=value) from exc
    _check_year(day.year, text)
    return day


def custom_period(first_day: date | str, last_day: date | str, tz_name: str) -> Period:
    """A custom period of whole local days, both ends included."""
    check_timezone(tz_name)
    text = f"{first_day}..{last_day}"
    first = _parse_day(first_day, text) if isinstance(first_day, str) else first_day
    last = _parse_day(last_day, text) if isinstance(last_day, str) else last_day
    if last < first:
        raise PeriodError(f"period {text!r}: the end date is before the start date", "end_before_start", value=text)
    return Period("custom", first, last, tz_name)


def parse_period(text: str | None, tz_name: str) -> Period:
    """Parse ``2026``, ``2026-Q3``, ``2026-09`` or ``2026-07-01..2026-09-30``; raise ``PeriodError`` otherwise."""
    check_timezone(tz_name)
    value = (text or "").strip()
    if not value:
        raise PeriodError(f"a period is needed: {PERIOD_FORMATS}", "missing")
    if match := _YEAR.match(value):
        year = int(match.group(1))
        _check_year(year, value)
        return Period("year", date(year, 1, 1), date(year, 12, 31), tz_name)
    if match := _QUARTER.match(value):
        year, quarter = int(match.group(1)), int(match.group(2))
        _check_year(year, value)
        return period_containing_day(date(year, quarter * 3, 1), "quarter", tz_name)
    if match := _MONTH.match(value):
        year, month = int(match.group(1)), int(match.group(2))
        _check_year(year, value)
        if not 1 <= month <= 12:
            raise PeriodError(f"period {value!r}: the month must be between 01 and 12", "month_range", value=value)
        return period_containing_day(date(year, month, 1), "month", tz_name)
    if match := _CUSTOM.match(value):
        return custom_period(match.group(1), match.group(2), tz_name)
    raise PeriodError(f"unknown period {value!r}: use {PERIOD_FORMATS}", "unknown", value=value)


def last_periods(kind: str, count: int, tz_name: str, now: datetime | None = None) -> list[Period]:
    """The last ``count`` months, quarters or years, oldest first, ending with the current (running) one."""
    current = period_containing(now or datetime.now(timezone.utc), kind, tz_name)
    periods = [current]
    for _ in range(count - 1):
        periods.append(periods[-1].previous())
    return list(reversed(periods))


def last_quarters(count: int, tz_name: str, now: datetime | None = None) -> list[Period]:
    return last_periods("quarter", count, tz_name, now)


def last_months(count: int, tz_name: str, now: datetime | None = None) -> list[Period]:
    return last_periods("month", count, tz_name, now)


def current_period(kind: str, tz_name: str, now: datetime | None = None) -> Period:
    return period_containing(now or datetime.now(timezone.utc), kind, tz_name)
