"""How staff pages show dates, periods and comparisons: one date format per language, in the office's zone.

Registered as Jinja filters for every page (``|local_date``, ``|local_datetime``, ``|period_range``,
``|comparator_text``), so the staff side, the dashboards and the reports never mix ``2026-11-26`` with
``26.11.2026``. Dates with a time are stored in UTC and shown in ``OPINIA_TIMEZONE`` (Flask-Babel's zone).
"""
from __future__ import annotations

import ipaddress
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

MISSING = "—"
DATE_PATTERNS = {"pl": "dd.MM.yyyy", "en": "d MMM yyyy"}
TIME_PATTERN = "HH:mm"
COMPARATOR_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
COMPARATOR_WORDS = {
    ">=": _l("co najmniej"),
    ">": _l("więcej niż"),
    "<=": _l("najwyżej"),
    "<": _l("mniej niż"),
}


def _date_pattern() -> str:
    return DATE_PATTERNS.get(get_locale().language, DATE_PATTERNS["pl"])


def local_date(value: date | datetime | None) -> str:
    """``26.11.2026`` on a Polish page, ``26 Nov 2026`` on an English one; a datetime in the office's zone."""
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        return format_datetime(value, _date_pattern())
    return format_date(value, _date_pattern())


def local_datetime(value: datetime | None) -> str:
    """``26.11.2026 14:05`` in the office's time zone."""
    if value is None:
        return MISSING
    return format_datetime(value, f"{_date_pattern()} {TIME_PATTERN}")


def period_range(period) -> str:
    """A period's first and last day, e.g. ``01.10.2026 – 31.12.2026``."""
    return f"{local_date(period.first_day)} – {local_date(period.last_day)}"


def comparator_symbol(comparator: str) -> str:
    return COMPARATOR_SYMBOLS.get(comparator, comparator)


def comparator_text(comparator: str) -> str:
    """Words a reader says aloud: "co najmniej" rather than ">="."""
    return str(COMPARATOR_WORDS.get(comparator, comparator))


PERIOD_FORMATS_TEXT = _l("RRRR (rok), RRRR-Qn (kwartał), RRRR-MM (miesiąc) albo RRRR-MM-DD..RRRR-MM-DD (własny zakres)")


def period_error_text(error: Exception) -> str:
    """A ``PeriodError`` in the page's language: "Okres „2026-13”: miesiąc musi być od 01 do 12"."""
    reason = getattr(error, "reason", "unknown")
    params = {key: str(value) for key, value in getattr(error, "params", {}).items()}
    value = params.get("value", "")
    if reason == "missing":
        return _("Podaj okres: %(formats)s.", formats=PERIOD_FORMATS_TEXT)
    if reason == "month_range":
        return _("Okres „%(value)s”: miesiąc musi być od 01 do 12.", value=value)
    if reason == "year_range":
        return _("Okres „%(value)s”: rok musi być od %(low)s do %(high)s.", value=value, low=params["low"], high=params["high"])
    if reason == "bad_date":
        return _("„%(value)s” nie jest poprawną datą (RRRR-MM-DD).", value=value)
    if reason == "end_before_start":
        return _("Okres „%(value)s”: data końcowa jest wcześniejsza niż początkowa.", value=value)
    if reason == "timezone":
        return _("Nieznana strefa czasowa „%(value)s” w ustawieniach (OPINIA_TIMEZONE).", value=value)
    return _("Nieznany okres „%(value)s”. Podaj %(formats)s.", value=value, formats=PERIOD_FORMATS_TEXT)


def is_local_address(url: str) -> bool:
    """True for an address only this computer (or no resident's phone) can reach: localhost, loopback,
    unspecified or ``.local`` names."""
    host = (urlsplit(url).hostname or "").lower()
    if host in ("", "localhost") or host.endswith((".localhost", ".local")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified or address.is_link_local


def public_url_is_local() -> bool:
    return is_local_address(current_app.config["OPINIA_PUBLIC_URL"])


def register_display(app: Flask) -> None:
    app.jinja_env.globals["public_url_is_local"] = public_url_is_local
    app.jinja_env.filters.update(
        local_date=local_date,
        local_datetime=local_datetime,
        period_range=period_range,
        comparator_symbol=comparator_symbol,
        comparator_text=comparator_text,
    )
