"""An action's measured effect in sentences: figures for staff, plain words for residents."""
from __future__ import annotations

from flask_babel import gettext as _

from analytics.effects import Difference, Effect
from dashboard.formatting import integer, p_value, percent


def _pp(value: float) -> str:
    from flask_babel import format_decimal

    return format_decimal(value, "+0.0;−0.0") + " pp"


def _interval(difference: Difference) -> str:
    return _("95%% przedział: %(low)s do %(high)s", low=_pp(difference.ci_low_pp), high=_pp(difference.ci_high_pp))


def staff_sentences(effect: Effect | None) -> list[str]:
    """The figures behind the verdict, one sentence each."""
    if effect is None:
        return [_("Efekt zostanie zmierzony, gdy działanie będzie miało datę wejścia zmiany.")]
    sentences = []
    if effect.difference is None:
        sentences.append(_("Brak odpowiedzi w oknie przed lub po zmianie (przed: %(before)s, po: %(after)s).",
                           before=integer(effect.before.n), after=integer(effect.after.n)))
    else:
        d = effect.difference
        sentences.append(_("Przed zmianą %(before)s (%(nb)s odp.), po zmianie %(after)s (%(na)s odp.): %(diff)s, "
                           "%(interval)s, p = %(p)s.", before=percent(d.before), nb=integer(effect.before.n),
                           after=percent(d.after), na=integer(effect.after.n), diff=_pp(d.difference_pp),
                           interval=_interval(d), p=p_value(d.p_value)))
    if effect.did is not None:
        sentences.append(_("Na stanowiskach bez działań w tym czasie zmiana wyniosła %(control)s; różnica różnic "
                           "%(did)s, %(interval)s.", control=_pp(effect.did.before), did=_pp(effect.did.difference_pp),
                           interval=_interval(effect.did)))
    if effect.verdict == "too_early":
        if effect.needed_after is None:
            sentences.append(_("Przed zmianą było za mało odpowiedzi, by wykryć zmianę o zadaną wielkość."))
        elif effect.still_needed:
            sentences.append(_("Do oceny potrzeba jeszcze %(n)s odpowiedzi po zmianie (łącznie %(total)s).",
                               n=integer(effect.still_needed), total=integer(effect.needed_after)))
        if not effect.window_complete:
            sentences.append(_("Okno pomiaru po zmianie trwa do %(day)s.",
                               day=effect.windows.after_end.isoformat()))
    return sentences


def public_sentence(effect: Effect | None, indicator: str) -> str:
    """What changed for residents, without statistics jargon."""
    if effect is None or effect.difference is None or effect.verdict == "too_early":
        return _("Skutki tej zmiany jeszcze mierzymy: potrzebujemy więcej Waszych opinii.")
    before, after = percent(effect.difference.before), percent(effect.difference.after)
    if indicator == "yes_share":
        figures = _("Odpowiedzi „tak” jest teraz %(after)s, wcześniej %(before)s.", after=after, before=before)
    else:
        figures = _("Zadowolonych (oceny 4 i 5) jest teraz %(after)s, wcześniej %(before)s.", after=after, before=before)
    outcome = {"improved": _("To wyraźna poprawa."), "worse": _("Szukamy dalszych rozwiązań."),
               "no_change": _("Na razie bez wyraźnej zmiany.")}[effect.verdict]
    return f"{figures} {outcome}"
