"""The report's words in Polish: numbers, percentages, plural forms, periods and the names of indicators,
scopes and channels, as a management review reads them (``84,3%``, ``+2,1 p.p.``, ``3 odpowiedzi``)."""
from __future__ import annotations

from babel.dates import format_date
from babel.numbers import format_decimal

from analytics.objectives import INSUFFICIENT_DATA, MET, NOT_MET
from analytics.periods import Period

LOCALE = "pl_PL"
DASH = "—"

STATUS_PL = {MET: "osiągnięty", NOT_MET: "nieosiągnięty", INSUFFICIENT_DATA: "za mało danych"}
INDICATOR_PL = {
    "csat": "CSAT (odsetek ocen 4–5)",
    "mean": "średnia ocena (1–5)",
    "nps": "NPS",
    "yes_share": "odsetek odpowiedzi „tak”",
    "responses": "liczba odpowiedzi",
}
SCOPE_PL = {"office": "cały urząd", "department": "wydział", "service_point": "stanowisko"}
CHANNEL_PL = {"web": "telefon lub komputer (kod QR)", "kiosk": "tablet przy stanowisku (kiosk)", "paper": "ankieta papierowa"}
PERIOD_KIND_PL = {"quarter": "kwartał", "month": "miesiąc", "year": "rok", "custom": "okres"}


# ---- Polish number formatting ------------------------------------------------------------------------

def pct(value: float | None, digits: int = 1) -> str:
    """A fraction as a Polish percentage: 0.8432 -> ``84,3%``."""
    if value is None:
        return DASH
    return format_decimal(value * 100, "0." + "0" * digits, locale=LOCALE) + "%"


def decimal(value: float | None, digits: int = 2) -> str:
    return DASH if value is None else format_decimal(value, "0." + "0" * digits, locale=LOCALE)


def integer(value: int | None) -> str:
    return DASH if value is None else format_decimal(value, "#,##0", locale=LOCALE)


def plural(count: int, one: str, few: str, many: str) -> str:
    """The Polish form of a noun after a number: 1 cel, 2–4 cele (but 12–14 celów), 5 celów, 22 cele."""
    if count == 1:
        return one
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return few
    return many


def counted(count: int, one: str, few: str, many: str) -> str:
    """"1 odpowiedź", "3 odpowiedzi", "1 250 odpowiedzi"."""
    return f"{integer(count)} {plural(count, one, few, many)}"


def responses_text(count: int) -> str:
    return counted(count, "odpowiedź", "odpowiedzi", "odpowiedzi")


COMPARATOR_PL = {">=": "co najmniej", ">": "więcej niż", "<=": "najwyżej", "<": "mniej niż"}
COMPARATOR_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def signed(value: float | None, digits: int = 1) -> str:
    if value is None:
        return DASH
    text = format_decimal(abs(value), "0." + "0" * digits, locale=LOCALE)
    return ("+" if value >= 0 else "−") + text


def points(difference: float | None) -> str:
    """A difference of two fractions in percentage points: 0.021 -> ``+2,1 p.p.``."""
    return DASH if difference is None else signed(difference * 100) + " p.p."


def p_value_text(p_value: float | None) -> str:
    if p_value is None:
        return DASH
    return "p < 0,001" if p_value < 0.001 else "p = " + format_decimal(p_value, "0.000", locale=LOCALE)


def interval(low: float | None, high: float | None) -> str:
    return DASH if low is None or high is None else f"{pct(low)}–{pct(high)}"


def indicator_value_text(indicator: str, value: float | None) -> str:
    if indicator in ("csat", "yes_share"):
        return pct(value)
    if indicator == "nps":
        return signed(value)
    if indicator == "mean":
        return decimal(value)
    return integer(None if value is None else int(value))


def period_text(period: Period) -> str:
    return f"{format_date(period.first_day, 'd MMMM y', locale=LOCALE)} – {format_date(period.last_day, 'd MMMM y', locale=LOCALE)}"
