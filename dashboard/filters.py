"""The dashboard's filters, read from (and written back to) the URL so any view can be bookmarked and shared.

- ``period``: ``2026``, ``2026-Q3``, ``2026-09`` or ``2026-07-01..2026-08-15`` (default: the current quarter);
- ``period=custom`` with ``from`` and ``to`` (``YYYY-MM-DD``, both days included): a custom range (the
  period menu's "custom range" choice; a shared link may also carry ``period=2026-07-01..2026-08-15``);
- ``compare``: ``previous`` (default) shows changes against the previous period, ``none`` hides them;
- ``sort`` / ``dir``: the column and direction of the departments or counters table;
- ``q``, ``rating`` (repeatable, 1–5), ``theme`` (a theme's code) and ``page``: the comments list.

Anything else that is malformed raises ``FilterError`` with a message for the user (the views answer 400).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from admin.display import period_error_text
from analytics.periods import Period, PeriodError, current_period, custom_period, last_periods, parse_period

SORT_KEYS = ("name", "responses", "csat", "mean", "nps", "yes_share", "csat_change")
COMPARE_CHOICES = ("previous", "none")
MAX_QUERY_LENGTH = 200
MAX_PAGE = 100_000
THEME_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# The query parameters a dashboard view reads (``lang`` is the page language): what a link to another view keeps.
FILTER_PARAMETERS = ("period", "from", "to", "compare", "sort", "dir", "q", "rating", "theme", "page", "lang")


class FilterError(ValueError):
    """A filter in the URL that cannot be understood; the message says what is accepted."""


@dataclass(frozen=True)
class Filters:
    period: Period
    compare: bool = True
    sort: str = "name"
    descending: bool = False
    query: str = ""
    ratings: tuple[int, ...] = field(default=())
    page: int = 1
    theme: str = ""

    @property
    def is_custom(self) -> bool:
        return self.period.kind == "custom"

    def args(self, **changes) -> dict:
        """The query arguments of these filters (with ``changes``), for links that keep the current view."""
        filters = replace(self, **changes) if changes else self
        args: dict = {"period": filters.period.label}
        if not filters.compare:
            args["compare"] = "none"
        if filters.sort != "name" or filters.descending:
            args["sort"] = filters.sort
            args["dir"] = "desc" if filters.descending else "asc"
        if filters.query:
            args["q"] = filters.query
        if filters.ratings:
            args["rating"] = list(filters.ratings)
        if filters.theme:
            args["theme"] = filters.theme
        if filters.page != 1:
            args["page"] = filters.page
        return args

    def period_args(self) -> dict:
        """Only period and comparison: what links to another scope (or a download) carry along."""
        return {k: v for k, v in self.args().items() if k in ("period", "compare")}


def _period(args: MultiDict, tz_name: str, max_days: int | None) -> Period:
    """``period=custom`` (or no period at all) with ``from``/``to`` is a custom range; else the period label.
    A period longer than ``max_days`` is refused (the dashboards compute at most a year)."""
    text = args.get("period", "").strip()
    first, last = args.get("from", "").strip(), args.get("to", "").strip()
    try:
        if text == "custom" or (not text and (first or last)):
            if not (first and last):
                raise FilterError(_("Podaj obie daty własnego zakresu: od i do (RRRR-MM-DD)."))
            period = custom_period(first, last, tz_name)
        else:
            period = parse_period(text, tz_name) if text else current_period("quarter", tz_name)
    except PeriodError as exc:
        raise FilterError(period_error_text(exc)) from exc
    if max_days is not None and period.days > max_days:
        raise FilterError(_("Okres może mieć najwyżej %(limit)d dni (wybrany ma %(days)d). Wybierz krótszy zakres.",
                            limit=max_days, days=period.days))
    return period


def _positive_int(text: str | None, default: int, name: str) -> int:
    if text in (None, ""):
        return default
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise FilterError(_("Parametr %(name)s musi być liczbą całkowitą od 1.", name=name))
    return int(text)


def _ratings(values: list[str]) -> tuple[int, ...]:
    ratings = set()
    for value in values:
        if value == "":
            continue
        if value not in {"1", "2", "3", "4", "5"}:
            raise FilterError(_("Ocena w filtrze komentarzy musi być liczbą od 1 do 5."))
        ratings.add(int(value))
    return tuple(sorted(ratings))


def parse_filters(args: MultiDict, tz_name: str, max_days: int | None = None) -> Filters:
    """The filters of a request's query string; ``FilterError`` for anything malformed or a period longer
    than ``max_days``."""
    compare = args.get("compare", "previous")
    if compare not in COMPARE_CHOICES:
        raise FilterError(_("Parametr compare przyjmuje wartości: previous, none."))
    sort = args.get("sort", "name")
    if sort not in SORT_KEYS:
        raise FilterError(_("Nie można sortować po %(key)s.", key=sort[:40]))
    direction = args.get("dir", "asc")
    if direction not in ("asc", "desc"):
        raise FilterError(_("Kierunek sortowania to asc albo desc."))
    query = args.get("q", "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise FilterError(_("Szukany tekst może mieć najwyżej %(n)d znaków.", n=MAX_QUERY_LENGTH))
    theme = args.get("theme", "").strip()
    if theme and not THEME_CODE.match(theme):
        raise FilterError(_("Nieznany temat komentarzy."))
    return Filters(
        theme=theme,
        period=_period(args, tz_name, max_days),
        compare=compare == "previous",
        sort=sort,
        descending=direction == "desc",
        query=query,
        ratings=_ratings(args.getlist("rating")),
        page=_positive_int(args.get("page"), 1, "page"),
    )


def period_choices(tz_name: str, now: datetime | None = None) -> list[tuple[str, list[Period]]]:
    """Recent months, quarters and years for the period menu, newest first, grouped by kind."""
    now = now or datetime.now(timezone.utc)
    return [
        ("month", list(reversed(last_periods("month", 12, tz_name, now)))),
        ("quarter", list(reversed(last_periods("quarter", 8, tz_name, now)))),
        ("year", list(reversed(last_periods("year", 3, tz_name, now)))),
    ]


def local_today(tz_name: str) -> date:
    return datetime.now(ZoneInfo(tz_name)).date()
