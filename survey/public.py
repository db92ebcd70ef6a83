"""The public, anonymous survey that a counter's QR code opens. No login, no JavaScript needed."""
from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from survey.answer_time import estimated_answer_seconds
from survey.forms import SurveyFormBase, answers_from_form, build_survey_form, unknown_fields
from survey.guards import (
    answered_recently_response,
    remember_answer,
    seconds_until_next_answer,
)
from survey.services import CounterLookup, CounterStatus, find_counter, find_short_code, store_response
from survey.submission_ids import issue_submission_id, submission_nonce

bp = Blueprint("public", __name__)

# A kiosk survey left part-answered warns before it starts afresh; WCAG 2.2.1 asks for at least 20 s
# in which one simple action keeps the answers.
KIOSK_GRACE_SECONDS = 20
# Stand-ins for the two per-resident values of a cached blank survey page (letters only: HTML escaping keeps them).
CSRF_SLOT = "opiniaCsrfTokenSlot"
SUBMISSION_SLOT = "opiniaSubmissionIdSlot"
MAX_CACHED_PAGES = 1024


# Every template a resident's request may render (``survey/_question.html`` through ``survey/form.html``).
PUBLIC_TEMPLATES = (
    "base.html", "survey/form.html", "survey/_question.html", "survey/_face.html", "survey/thanks.html",
    "survey/kiosk_thanks.html", "survey/answered_recently.html", "errors/error.html",
)


def compile_public_templates(app: Flask) -> None:
    """Compile the public pages' templates now. Called by gunicorn's master before it forks the workers: each
    worker would otherwise compile them on its first survey request (some 0.2 s, while residents queue)."""
    for name in PUBLIC_TEMPLATES:
        app.jinja_env.get_template(name)


def current_language() -> str:
    return get_locale().language


def find_token_by_short_code(code: str) -> str:
    """The counter's token for a typed short code, else the same 404 pages as an old or unknown token."""
    normalised = "".join(code.split()).replace("-", "").upper()
    lookup = find_short_code(normalised)
    if lookup is CounterStatus.RETIRED:
        abort(404, description=_("Ten kod nie jest już aktywny. Zapytaj w urzędzie o aktualną ankietę."))
    if lookup is CounterStatus.UNKNOWN:
        abort(404, description=_("Nie znaleźliśmy takiej ankiety. Sprawdź, czy adres jest poprawny."))
    return lookup


def open_counter_or_404(token: str) -> CounterLookup:
    lookup = find_counter(token)
    if lookup.status is CounterStatus.RETIRED or lookup.status is CounterStatus.INACTIVE:
        abort(404, description=_("Ten kod nie jest już aktywny. Zapytaj w urzędzie o aktualną ankietę."))
    if lookup.status is CounterStatus.UNKNOWN:
        abort(404, description=_("Nie znaleźliśmy takiej ankiety. Sprawdź, czy adres jest poprawny."))
    return lookup


@bp.after_request
def never_cache(response):
    """Survey pages carry a one-time submission id and, on a kiosk, the previous resident's context:
    no browser or proxy may keep them (this also keeps them out of the back-forward cache)."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/s/<token>", methods=["GET", "POST"])
def survey(token: str):
    return answer_survey(token, channel="web")


@bp.get("/o/<code>")
def short_address(code: str):
    """The short address printed under a poster's QR code, typed by hand: any case, spaces and dashes
    ignored; it leads to the counter's survey. Rate-limited with the survey pages (same blueprint)."""
    token = find_token_by_short_code(code)
    return redirect(url_for("public.survey", token=token), code=303)


@bp.route("/k/<token>", methods=["GET", "POST"])
def kiosk(token: str):
    """The same survey on a tablet standing at the counter, answered by one resident after another."""
    return answer_survey(token, channel="kiosk")


def answer_survey(token: str, channel: str):
    lookup = open_counter_or_404(token)
    lang = current_language()
    wait = seconds_until_next_answer(lookup.service_point.id, channel)
    if wait:
        return answered_recently_response(token, lookup, lang, wait, channel)
    if request.method == "GET":
        return blank_survey_page(lookup, lang, channel)
    unknown = unknown_fields(set(request.form.keys()), lookup.version)
    if unknown:
        abort(400, description=_("Formularz zawiera nieznane pytania. Odśwież stronę i spróbuj ponownie."))
    form = build_survey_form(lookup.version, lang)
    valid = form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400, description=_("Formularz wygasł lub jest niepełny. Odśwież stronę i spróbuj ponownie."))
    nonce = submission_nonce(form.submission_id.data, lookup.service_point.id)
    if nonce is None:
        return form_to_send_again(form, lookup, lang, channel)
    if not valid:
        return render_survey_page(form, lookup, lang, channel), 400
    store_response(
        lookup.service_point,
        lookup.version,
        answers_from_form(form, lookup.version),
        language=lang,
        channel=channel,
        submission_id=nonce,
    )
    thanks_endpoint = "public.kiosk_thanks" if channel == "kiosk" else "public.thanks"
    thanks_page = redirect(url_for(thanks_endpoint, token=token, lang=lang), code=303)
    return remember_answer(thanks_page, lookup.service_point.id, channel)


def form_to_send_again(form: SurveyFormBase, lookup: CounterLookup, lang: str, channel: str):
    """A post without a submission id this server issued for this counter (missing, made up, or the form was
    open longer than OPINIA_SUBMISSION_MAX_AGE_MINUTES) stores nothing: the resident sees their answers again
    in a form with a fresh id, and one more tap sends them."""
    form.form_errors.append(_("Ten formularz był otwarty zbyt długo albo jest niepełny. Sprawdź odpowiedzi i wyślij je ponownie."))
    form.submission_id.data = issue_submission_id(lookup.service_point.id)
    return render_survey_page(form, lookup, lang, channel), 400


def blank_survey_page(lookup: CounterLookup, lang: str, channel: str) -> str:
    """The empty survey, rendered once per counter, version, language and channel and then reused.

    Only the CSRF token and the one-time submission id differ between two residents' blank forms: the page is
    rendered with a placeholder for each and every request fills in fresh values. Pages opened with other query
    parameters (which the language switch carries over) are rendered each time.
    """
    pages = current_app.extensions.setdefault("opinia_blank_survey_pages", {})
    key = (lookup.cache_key, lang, channel)
    cacheable = set(request.args) <= {"lang"}
    page = pages.get(key) if cacheable else None
    if page is None:
        form = build_survey_form(lookup.version, lang)
        form.submission_id.data = SUBMISSION_SLOT
        if "csrf_token" in form:
            form.csrf_token.current_token = CSRF_SLOT
        page = render_survey_page(form, lookup, lang, channel)
        if cacheable:
            if len(pages) >= MAX_CACHED_PAGES:
                pages.clear()
            pages[key] = page
    if CSRF_SLOT in page:
        page = page.replace(CSRF_SLOT, generate_csrf())
    return page.replace(SUBMISSION_SLOT, issue_submission_id(lookup.service_point.id))


def render_survey_page(form: SurveyFormBase, lookup: CounterLookup, lang: str, channel: str) -> str:
    form.lang.data = lang
    return render_template(
        "survey/form.html",
        form=form,
        lookup=lookup,
        version=lookup.version,
        lang=lang,
        kiosk=channel == "kiosk",
        kiosk_idle_seconds=current_app.config["OPINIA_KIOSK_IDLE_SECONDS"],
        kiosk_grace_seconds=KIOSK_GRACE_SECONDS,
        answer_seconds=estimated_answer_seconds(lookup.version),
    )


@bp.get("/s/<token>/dziekujemy")
def thanks(token: str):
    lookup = open_counter_or_404(token)
    return render_template("survey/thanks.html", lookup=lookup, lang=current_language())


@bp.get("/k/<token>/dziekujemy")
def kiosk_thanks(token: str):
    """Thanks, then back to an empty survey in the office's default language after a few seconds.

    A meta refresh rather than a script: it works with JavaScript off and under a CSP without inline
    scripts. The fresh form gets a new submission id and is never cached (see ``never_cache``).
    """
    lookup = open_counter_or_404(token)
    delay = current_app.config["OPINIA_KIOSK_RESET_SECONDS"]
    fresh_survey = url_for("public.kiosk", token=token, lang=current_app.config["BABEL_DEFAULT_LOCALE"])
    return render_template(
        "survey/kiosk_thanks.html", lookup=lookup, lang=current_language(), delay=delay, fresh_survey=fresh_survey
    )
