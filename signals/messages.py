"""One sentence per signal, in the page's (or the mail's) language: what happened, where and since when.

Sentences are made when shown, from the signal's stored details, so the same signal reads in Polish on a
Polish page and in English on an English one.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import format_date, format_datetime, format_decimal, format_percent
from flask_babel import gettext as _

from signals.models import Signal


def indicator_name(indicator: str | None) -> str:
    return {"csat": _("CSAT (odsetek ocen 4–5)"), "yes_share": _("odsetek odpowiedzi „tak”")}.get(indicator or "", _("wynik"))


def rule_text(rule: str | None) -> str:
    return {
        "beyond_limit": _("punkt poza granicą kontrolną"),
        "shift": _("7 kolejnych punktów po jednej stronie średniej"),
        "trend": _("7 kolejnych punktów stale w jednym kierunku"),
        "two_of_three": _("2 z 3 kolejnych punktów blisko granicy kontrolnej"),
    }.get(rule or "", "")


def kind_text(kind: str) -> str:
    return {
        "concern": _("pogorszenie"),
        "improvement": _("poprawa"),
        "objective_at_risk": _("cel zagrożony"),
        "burst": _("seria niskich ocen"),
        "suspicious_burst": _("podejrzana seria odpowiedzi"),
    }[kind]


def status_text(status: str) -> str:
    return {"open": _("otwarty"), "acknowledged": _("przyjęty do wiadomości"), "closed": _("zamknięty")}[status]


def grain_text(grain: str) -> str:
    return _("tygodnie") if grain == "week" else _("miesiące")


def assurance_text(assurance: str | None) -> str:
    return {
        "pass": _("tak – cały zakres zwykłej zmienności spełnia cel"),
        "fail": _("nie – bez zmiany procesu cel nie zostanie osiągnięty"),
        "hit_and_miss": _("raz tak, raz nie – cel leży w zakresie zwykłej zmienności"),
    }.get(assurance or "", _("brak celu do porównania"))


def percent(value: float | None) -> str:
    return "–" if value is None else format_percent(value, "0.0%")


def _since(signal: Signal) -> str:
    if signal.kind in ("burst", "suspicious_burst"):
        return format_datetime(signal.since, "d MMMM yyyy, HH:mm")
    return format_date(signal.since, "d MMMM yyyy")


def describe(signal: Signal, scope_name: str) -> str:
    """The signal in one sentence."""
    details = signal.details or {}
    since = _since(signal)
    if signal.kind in ("concern", "improvement"):
        text = _("%(scope)s: %(indicator)s – %(kind)s (%(rule)s) od %(since)s; ostatnio %(value)s przy średniej %(center)s.",
                 scope=scope_name, indicator=indicator_name(signal.indicator), kind=kind_text(signal.kind),
                 rule=rule_text(signal.rule), since=since, value=percent(details.get("value")),
                 center=percent(details.get("center")))
        return text + (" " + _("Granice są jeszcze próbne.") if details.get("trial") else "")
    if signal.kind == "objective_at_risk":
        conclusive = _("wynik rozstrzygający") if details.get("conclusive") else _("wynik jeszcze nierozstrzygający")
        return _("%(scope)s: cel „%(objective)s” zagrożony – w okresie %(period)s %(value)s przy celu %(target)s "
                 "(%(n)s odpowiedzi, %(conclusive)s).",
                 scope=scope_name, objective=details.get("objective", ""), period=details.get("period", ""),
                 value=percent(details.get("value")), target=percent(details.get("target")),
                 n=format_decimal(details.get("n", 0), "#,##0"), conclusive=conclusive)
    if signal.kind == "burst":
        return _("%(scope)s: seria niskich ocen – %(low)s z %(n)s ocen to 1 lub 2 w ciągu %(minutes)s minut, od %(since)s.",
                 scope=scope_name, low=details.get("low", 0), n=details.get("n", 0),
                 minutes=details.get("minutes", 0), since=since)
    return _("%(scope)s: podejrzanie dużo odpowiedzi – %(n)s w ciągu %(minutes)s minut (zwykle %(usual)s na godzinę), "
             "od %(since)s. Sprawdź, zanim zaufasz tym danym.",
             scope=scope_name, n=details.get("n", 0), minutes=details.get("minutes", 0),
             usual=format_decimal(details.get("usual_per_hour", 0.0), "0.#"), since=since)


def when(moment: datetime | None) -> str:
    return "" if moment is None else format_datetime(moment, "yyyy-MM-dd HH:mm")
