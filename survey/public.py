"""The public, anonymous survey that a counter's QR code opens. No login, no JavaScript needed."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from survey.forms import RATING_FACES, answers_from_form, build_survey_form, unknown_fields
from survey.services import CounterLookup, CounterStatus, find_counter, new_submission_id, store_response

bp = Blueprint("public", __name__)


def current_language() -> str:
    return get_locale().language


def open_counter_or_404(token: str) -> CounterLookup:
    lookup = find_counter(token)
    if lookup.status is CounterStatus.RETIRED or lookup.status is CounterStatus.INACTIVE:
        abort(404, description=_("Ten kod nie jest już aktywny. Zapytaj w urzędzie o aktualną ankietę."))
    if lookup.status is CounterStatus.UNKNOWN:
        abort(404, description=_("Nie znaleźliśmy takiej ankiety. Sprawdź, czy adres jest poprawny."))
    return lookup


@bp.route("/s/<token>", methods=["GET", "POST"])
def survey(token: str):
    lookup = open_counter_or_404(token)
    lang = current_language()
    form = build_survey_form(lookup.version, lang)
    if request.method == "GET":
        form.submission_id.data = new_submission_id()
    else:
        unknown = unknown_fields(set(request.form.keys()), lookup.version)
        if unknown:
            abort(400, description=_("Formularz zawiera nieznane pytania. Odśwież stronę i spróbuj ponownie."))
        valid = form.validate_on_submit()
        if form.csrf_token.errors:
            abort(400, description=_("Formularz wygasł lub jest niepełny. Odśwież stronę i spróbuj ponownie."))
        if valid:
            store_response(
                lookup.service_point,
                lookup.version,
                answers_from_form(form, lookup.version),
                language=lang,
                submission_id=form.submission_id.data,
            )
            return redirect(url_for("public.thanks", token=token, lang=lang), code=303)
    status = 400 if form.errors else 200
    form.lang.data = lang
    return (
        render_template(
            "survey/form.html", form=form, lookup=lookup, version=lookup.version, lang=lang, rating_faces=RATING_FACES
        ),
        status,
    )


@bp.get("/s/<token>/dziekujemy")
def thanks(token: str):
    lookup = open_counter_or_404(token)
    return render_template("survey/thanks.html", lookup=lookup, lang=current_language())
