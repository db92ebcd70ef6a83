"""The control charts' pieces of time: local week and month starts, and the counts kept per piece.

A control chart's point is a local ISO week or a calendar month; a week that a month starts in is split into
two pieces, so both grains are sums of pieces. ``chart_boundaries`` holds every piece's start (a local
midnight of the office's time zone, as a UTC instant) from 2000 to 2100, and the count triggers
(``analytics/rollup.py``) add each proportion answer to its piece in ``chart_counts``: the latest boundary
not after the answer's time. The charts then read a few hundred rows for the office's whole history instead
of summing a year of daily counts cut at local midnights (the biggest statement of a cold dashboard).

``comment_piece_counts`` counts the comments' facts per piece the same way (``comments/piece_counts.py``).

The boundaries depend on the time zone; ``chart_boundary_zone`` records the one they were cut in.
``ensure_chart_boundaries`` cuts them again (and recounts both tables) when the office's zone is another. The
readers use the piece tables only when the zones agree and every boundary they need is a piece boundary
(``are_pieces``), and otherwise read the day and hour counts (or ``comment_facts``) as before.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from analytics.periods import local_midnight_utc

DEFAULT_TIMEZONE = "Europe/Warsaw"
COVERED_FROM = date(2000, 1, 1)
COVERED_UNTIL = date(2100, 1, 1)
# A row before every piece, so that an answer outside the covered years still finds one (and is never counted
# in a piece the charts read: they use ``chart_counts`` only within the covered years).
BEFORE_EVERYTHING = datetime(1900, 1, 1, tzinfo=timezone.utc)
ROWS_PER_INSERT = 1000


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def boundary_days(first: date, last: date) -> tuple[list[date], list[date], list[date]]:
    """Local week and month starts from the week of ``first`` to the first boundary after ``last``, with the
    weeks and months themselves."""
    weeks = [monday(first) + timedelta(weeks=i) for i in range((monday(last) - monday(first)).days // 7 + 2)]
    months, month = [], date(first.year, first.month, 1)
    while month <= last:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return sorted({*weeks, *months, month}), weeks[:-1], months


def chart_boundaries(first: date, last: date, tz: ZoneInfo) -> tuple[list[datetime], list[date], list[date]]:
    """``boundary_days`` as UTC instants (the local midnights), with the weeks and months."""
    days, weeks, months = boundary_days(first, last)
    return [local_midnight_utc(day, tz) for day in days], weeks, months


def covers(boundaries: list[datetime]) -> bool:
    """Whether ``chart_boundaries`` holds every one of ``boundaries`` (they lie within the covered years)."""
    return (bool(boundaries) and boundaries[0] >= datetime.combine(COVERED_FROM, datetime.min.time(), timezone.utc)
            and boundaries[-1] <= datetime.combine(COVERED_UNTIL, datetime.min.time(), timezone.utc))


def are_pieces(boundaries: list[datetime], tz_name: str, stored: str | None) -> bool:
    """Whether every one of ``boundaries`` is a boundary of ``chart_counts``' pieces as stored (cut in ``stored``):
    a local midnight of ``tz_name`` on a Monday or a month's first day, within the covered years."""
    if stored != tz_name or not covers(boundaries):
        return False
    tz = ZoneInfo(tz_name)
    for moment in boundaries:
        local = moment.astimezone(tz)
        if local.time() != datetime.min.time() or (local.day != 1 and local.weekday() != 0):
            return False
    return True


def stored_zone(connection) -> str | None:
    return connection.execute(sa.text("SELECT timezone FROM chart_boundary_zone")).scalar()


def ensure_chart_boundaries(connection, tz_name: str) -> bool:
    """Cut ``chart_boundaries`` in ``tz_name`` and recount both piece tables, unless they already are; returns
    whether anything was done."""
    if stored_zone(connection) == tz_name:
        return False
    write_chart_boundaries(connection, tz_name)
    recount_pieces(connection)
    return True


def recount_pieces(connection) -> None:
    """``chart_counts`` and ``comment_piece_counts`` counted again (after the boundaries were cut again)."""
    from analytics.rollup import rebuild_chart_counts
    from comments.piece_counts import rebuild_comment_piece_counts

    rebuild_chart_counts(connection)
    rebuild_comment_piece_counts(connection)


@lru_cache(maxsize=4)
def _boundary_literals(tz_name: str, postgres: bool) -> list[str]:
    """The covered boundaries as SQL literals, as ``survey.models.UTCDateTime`` stores them: naive UTC text on
    SQLite, ``timestamptz`` on PostgreSQL (computed once per zone: every test database is made anew)."""
    boundaries, _weeks, _months = chart_boundaries(COVERED_FROM, COVERED_UNTIL - timedelta(days=1), ZoneInfo(tz_name))
    return [f"('{moment:%Y-%m-%d %H:%M:%S.%f}{'+00:00' if postgres else ''}')" for moment in [BEFORE_EVERYTHING, *boundaries]]


def write_chart_boundaries(connection, tz_name: str) -> None:
    """Replace ``chart_boundaries`` with the local week and month starts of ``tz_name`` (2000–2100)."""
    literals = _boundary_literals(tz_name, connection.dialect.name == "postgresql")
    connection.execute(sa.text("DELETE FROM chart_boundaries"))
    for start in range(0, len(literals), ROWS_PER_INSERT):  # a few multi-row INSERTs of literals: a few ms
        connection.exec_driver_sql(
            "INSERT INTO chart_boundaries (starts_at) VALUES " + ", ".join(literals[start:start + ROWS_PER_INSERT]))
    connection.execute(sa.text("DELETE FROM chart_boundary_zone"))
    connection.execute(sa.text("INSERT INTO chart_boundary_zone (timezone) VALUES (:zone)"), {"zone": tz_name})
