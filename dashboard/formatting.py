"""Jinja filters showing indicator values the Polish (or English) way: ``63,8%``, ``+1,3 pp``, ``−9,5``.

A missing value (no answers) is shown as a dash, never as 0.

A dashboard shows a thousand numbers or more (the control charts' tables repeat their centre and limits on
every row); Babel parses the pattern and looks up the locale's symbols for each, so the texts are remembered
per (pattern, value, locale) — ``_formatted`` is what ``flask_babel.format_decimal``/``format_percent`` do.
"""
from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.numbers import parse_pattern
from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _

MISSING = "–"


@lru_cache(maxsize=8192)
def _formatted(pattern: str, value: float, locale: str) -> str:
    return parse_pattern(pattern).apply(value, Locale.parse(locale))


def format_decimal(value: float, pattern: str) -> str:
    return _formatted(pattern, value, str(get_locale()))


format_percent = format_decimal  # the pattern's "%" multiplies by 100, as in Babel's own format_percent


def percent(value: float | None) -> str:
    return MISSING if value is None else format_percent(value, "0.0%")


def percentage_points(value: float | None) -> str:
    return MISSING if value is None else format_decimal(100 * value, "+0.0;−0.0") + " pp"


def number(value: float | None) -> str:
    return MISSING if value is None else format_decimal(value, "0.00")


def signed_number(value: float | None) -> str:
    return MISSING if value is None else format_decimal(value, "+0.00;−0.00")


def nps(value: float | None) -> str:
    return MISSING if value is None else format_decimal(value, "+0.0;−0.0")


def integer(value: int | None) -> str:
    return MISSING if value is None else format_decimal(value, "#,##0")


def signed_integer(value: int | None) -> str:
    return MISSING if value is None else format_decimal(value, "+#,##0;−#,##0")


def flag(value: bool | None) -> str:
    return MISSING if value is None else (_("tak") if value else _("nie"))


def p_value(value: float | None) -> str:
    if value is None:
        return MISSING
    return "< 0,001" if value < 0.001 else format_decimal(value, "0.000")


CELL_FORMATS = {
    "percent": percent, "pp": percentage_points, "number": number, "nps": nps, "int": integer,
    "signed": signed_integer, "flag": flag,
}
CHANGE_FORMATS = {"pp": percentage_points, "number": signed_number, "nps": nps, "signed": signed_integer}


def cell(value, kind: str) -> str:
    """A table cell's text by the column's kind."""
    if kind in CELL_FORMATS:
        return CELL_FORMATS[kind](value)
    return MISSING if value is None else str(value)


def indicator_value(value: float | None, indicator: str) -> str:
    """An objective's value or target: shares as percent, NPS and means as numbers, responses as a count."""
    return {"csat": percent, "yes_share": percent, "mean": number, "nps": nps, "responses": integer}.get(
        indicator, number)(value)


def register_formatting(app: Flask) -> None:
    app.jinja_env.filters.update(
        pct=percent, pp=percentage_points, num=number, nps=nps, count=integer, cell=cell, p_value=p_value,
        indicator_value=indicator_value, change=lambda value, kind: CHANGE_FORMATS[kind](value),
    )
