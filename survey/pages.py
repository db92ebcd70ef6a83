"""Public information pages linked from every page's footer: the accessibility statement
(deklaracja dostępności, in the structure Polish public bodies publish under the Act of 4 April 2019
on digital accessibility) and the privacy note. Also the small helpers every public page uses:
the language switch, the return link to a counter's survey and versioned, long-cached CSS.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml
from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from flask_babel import get_locale

from config import DATA_DIR
from survey.services import CounterStatus, find_counter

ACCESSIBILITY_FILE = DATA_DIR / "accessibility_statement.yaml"
# Static files addressed with their content hash (``?v=``) may be kept by browsers for a year.
STATIC_MAX_AGE = timedelta(days=365)

bp = Blueprint("pages", __name__)


@dataclass(frozen=True)
class AccessibilityStatement:
    """The office-specific facts of the statement; the legal wording lives in the template."""

    site_url: str
    published: date
    updated: date
    prepared: date
    reviewed: date
    method: dict[str, str]
    status: str
    contact_person: str
    contact_email: str
    contact_phone: str
    address: str
    texts: dict[str, dict[str, str]]

    def text(self, key: str, lang: str) -> str:
        texts = self.texts.get(key, {})
        return texts.get(lang) or texts.get("pl", "")


def load_accessibility_statement(path: Path = ACCESSIBILITY_FILE, site_url: str = "") -> AccessibilityStatement:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    contact = data["contact"]
    return AccessibilityStatement(
        site_url=site_url,
        published=data["published"],
        updated=data["updated"],
        prepared=data["prepared"],
        reviewed=data["reviewed"],
        method=data["method"],
        status=data["status"],
        contact_person=contact["person"],
        contact_email=contact["email"],
        contact_phone=contact["phone"],
        address=contact["address"],
        texts=data["texts"],
    )


def survey_back_link() -> str | None:
    """Where "back to the survey" leads, when a page was opened from a counter's survey.

    The footer passes ``?z=s:<token>`` (phone) or ``?z=k:<token>`` (kiosk); only a token of an open
    counter gives a link, so the parameter cannot send anyone elsewhere.
    """
    origin = request.args.get("z", "")
    channel, _, token = origin.partition(":")
    if channel not in ("s", "k") or not token or len(token) > 64:
        return None
    if find_counter(token).status is not CounterStatus.OPEN:
        return None
    return url_for("public.kiosk" if channel == "k" else "public.survey", token=token)


def other_language() -> str:
    return "en" if get_locale().language == "pl" else "pl"


def language_switch_url() -> str | None:
    """The current page in the other language, or None for pages without an endpoint (errors)."""
    if request.endpoint is None or request.endpoint == "static" or request.method != "GET":
        return None
    query = {name: value for name, value in request.args.items() if name != "z"}
    if request.blueprint == "pages":
        query["z"] = footer_origin()
    query["lang"] = other_language()
    # The query string is appended, never passed to url_for: a parameter named like a route argument or like
    # url_for's own (_scheme, _anchor, _method, _external) would change the URL or fail to build it.
    kept = {name: value for name, value in query.items() if value is not None}
    return f"{url_for(request.endpoint, **(request.view_args or {}))}?{urlencode(kept)}"


def footer_origin() -> str | None:
    """The ``z`` value the footer links carry from a survey page (see ``survey_back_link``)."""
    if request.blueprint == "pages":
        return request.args.get("z") if survey_back_link() else None
    token = (request.view_args or {}).get("token")
    if token is None or request.blueprint != "public":
        return None
    return ("k:" if (request.endpoint or "").startswith("public.kiosk") else "s:") + token


@cache
def _file_hash(path: str, modified_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """A static file's URL with its content hash, so a changed file is never served stale from cache."""
    path = Path(current_app.static_folder or "") / filename
    return url_for("static", filename=filename, v=_file_hash(str(path), path.stat().st_mtime_ns))


@bp.get("/deklaracja-dostepnosci")
def accessibility():
    statement = load_accessibility_statement(site_url=current_app.config["OPINIA_PUBLIC_URL"])
    return render_template(
        "pages/accessibility.html", statement=statement, lang=get_locale().language, back_link=survey_back_link()
    )


@bp.get("/prywatnosc")
def privacy():
    return render_template("pages/privacy.html", back_link=survey_back_link())


def cache_versioned_static(response: Response) -> Response:
    """A static file asked for by its content hash never changes: let browsers keep it."""
    if request.endpoint == "static" and "v" in request.args and response.status_code == 200:
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = int(STATIC_MAX_AGE.total_seconds())
        response.cache_control.immutable = True
    return response


def register_pages(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(cache_versioned_static)
    app.jinja_env.globals.update(
        static_url=static_url,
        language_switch_url=language_switch_url,
        other_language=other_language,
        footer_origin=footer_origin,
    )
