"""Guards of the public survey: one answer per device and counter per interval, a per-address rate limit,
and a well-formedness check of posted answers. None of them keeps anything that identifies a resident.

- The interval is remembered on the resident's own device only: a signed cookie listing the counters it
  answered and when. The server stores nothing; clearing cookies lets a device answer again, which is
  accepted (the interval stops double counting, it is not an identity check). A tablet that staff set up as
  a counter's kiosk (another signed cookie, on the tablet) takes one resident after another without it.
- Rate limits are counted (by ``limits``, Flask-Limiter's engine) under an HMAC of the client address with a
  key that changes every UTC day, held in process memory (in Redis, expiring after two days, when Redis is the
  limiter's storage), so that storage never holds a raw address and yesterday's keys cannot be linked to today's.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import threading
import time
from datetime import datetime, timezone
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse_many
from limits.strategies import FixedWindowRateLimiter

from survey.limit_storage import limit_storage_from_string
from survey.text_safety import has_forbidden_characters

ANSWERED_COOKIE = "opinia_answered"
KIOSK_COOKIE = "opinia_kiosk"
KIOSK_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 3600
# A device rarely answers more than a handful of counters; the cookie stays small whatever happens.
MAX_REMEMBERED_COUNTERS = 20
DAILY_KEY_TTL_SECONDS = 2 * 24 * 3600


# --- one answer per device and counter per interval -------------------------------------------------


def answer_interval_seconds() -> int:
    return max(0, int(current_app.config["OPINIA_ANSWER_INTERVAL_MINUTES"])) * 60


def _serializer() -> URLSafeSerializer:
    return _signing_serializer(current_app.secret_key, "opinia-answered-counters")


@functools.lru_cache(maxsize=16)
def _signing_serializer(secret_key: str | bytes, salt: str) -> URLSafeSerializer:
    """Built once per key and salt: building one serialises a test value, and the cookies are read on every
    survey request."""
    return URLSafeSerializer(secret_key, salt=salt)


def _answered_counters() -> dict[str, float]:
    """``{service_point_id: unix time}`` from this device's cookie; a forged or garbled cookie counts as none."""
    raw = request.cookies.get(ANSWERED_COOKIE)
    if not raw:
        return {}
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, (int, float))}


def seconds_until_next_answer(service_point_id: int, channel: str = "web") -> int:
    """0 when this device may answer the counter now, else how many seconds it still has to wait."""
    interval = answer_interval_seconds() if interval_applies(service_point_id, channel) else 0
    answered_at = _answered_counters().get(str(service_point_id))
    if not interval or answered_at is None:
        return 0
    remaining = answered_at + interval - time.time()
    return int(remaining) + 1 if remaining > 0 else 0


def remember_answer(response: Response, service_point_id: int, channel: str = "web") -> Response:
    """Mark on the device's cookie that it has just answered this counter (not on the counter's own kiosk)."""
    interval = answer_interval_seconds() if interval_applies(service_point_id, channel) else 0
    if not interval:
        return response
    now = time.time()
    recent = {k: v for k, v in _answered_counters().items() if v + interval > now}
    recent[str(service_point_id)] = int(now)
    newest = dict(sorted(recent.items(), key=lambda item: item[1])[-MAX_REMEMBERED_COUNTERS:])
    return _set_device_cookie(response, ANSWERED_COOKIE, _serializer().dumps(newest), interval)


def _set_device_cookie(response: Response, name: str, signed_value: str, max_age: int) -> Response:
    """A cookie that only the server reads (HttpOnly), sent with first-party navigation, Secure behind HTTPS."""
    response.set_cookie(
        name,
        signed_value,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def interval_applies(service_point_id: int, channel: str) -> bool:
    """The interval stops one phone answering a counter twice. The tablet that staff set up as this counter's
    kiosk is answered by one resident after another and is exempt; the kiosk address opened on any other device
    is not, or changing ``/s/`` to ``/k/`` in the address would skip the check."""
    return channel != "kiosk" or service_point_id not in kiosk_counters()


def _kiosk_serializer() -> URLSafeSerializer:
    return _signing_serializer(current_app.secret_key, "opinia-kiosk-counters")


def kiosk_counters() -> set[int]:
    """Ids of the counters this device was set up as the kiosk of; a forged or garbled cookie gives none."""
    raw = request.cookies.get(KIOSK_COOKIE)
    if not raw:
        return set()
    try:
        data = _kiosk_serializer().loads(raw)
    except BadSignature:
        return set()
    return {value for value in data if isinstance(value, int)} if isinstance(data, list) else set()


def enrol_kiosk(response: Response, service_point_id: int) -> Response:
    """Mark this device (a tablet at the counter) as the counter's kiosk, for a year, on the device only."""
    counters = sorted(kiosk_counters() | {service_point_id})[-MAX_REMEMBERED_COUNTERS:]
    return _set_device_cookie(response, KIOSK_COOKIE, _kiosk_serializer().dumps(counters), KIOSK_COOKIE_MAX_AGE_SECONDS)


def answered_recently_response(token: str, lookup, lang: str, wait_seconds: int, channel: str = "web"):
    """What a device gets inside its interval; nothing is stored either way.

    Opening the survey again shows a friendly page saying the answer is already counted and when the next
    one is possible (so nobody fills in a form in vain). A post (a second tab, a resubmitted old page) gets
    the thank-you page: the resident's answer *is* counted, and an error would only invite retries.
    """
    if request.method == "POST":
        return redirect(url_for("public.thanks", token=token, lang=lang), code=303)
    minutes = -(-wait_seconds // 60)
    return render_template(
        "survey/answered_recently.html", lookup=lookup, lang=lang, minutes=minutes, kiosk_address=channel == "kiosk"
    )


# --- per-address rate limit without keeping addresses -----------------------------------------------

_daily_keys: dict[str, bytes] = {}
_daily_keys_lock = threading.Lock()


def _shared_daily_key(storage_uri: str, day: str) -> bytes:
    """One random key per day shared by all workers through Redis; it expires by itself after two days."""
    import redis

    client = redis.Redis.from_url(storage_uri)
    name = f"opinia:ratelimit-key:{day}"
    client.set(name, secrets.token_hex(32), nx=True, ex=DAILY_KEY_TTL_SECONDS)
    return client.get(name)


def daily_key() -> bytes:
    """Today's (UTC) HMAC key: random, in memory only (shared via Redis when the limiter uses Redis)."""
    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    with _daily_keys_lock:
        key = _daily_keys.get(day)
        if key is None:
            storage_uri = current_app.config.get("RATELIMIT_STORAGE_URI", "memory://")
            if storage_uri.startswith(("redis://", "rediss://")):
                key = _shared_daily_key(storage_uri, day)
            else:
                key = secrets.token_bytes(32)
            _daily_keys.clear()
            _daily_keys[day] = key
    return key


def hashed_remote_address(extra: str = "") -> str:
    """The rate-limit key: HMAC-SHA256 of the client address (and ``extra``, e.g. an account) under today's
    key (never the address)."""
    message = (get_remote_address() or "").encode() + (b"\0" + extra.encode() if extra else b"")
    return hmac.new(daily_key(), message, hashlib.sha256).hexdigest()[:32]


class PublicRateLimit:
    """Per-address limits of the public survey: answers posted and pages opened, each per (hashed) address.

    Counted by ``limits``, the library under Flask-Limiter, with the same settings (``RATELIMIT_STORAGE_URI``,
    ``RATELIMIT_KEY_PREFIX``, ``RATELIMIT_ENABLED``). Flask-Limiter itself still guards the staff login; here its
    per-request machinery (resolving decorated limits, scopes and exemptions for every request) cost about
    0.4 ms of the survey's 1.2 ms page, while the check itself costs a twentieth of that.
    """

    SCOPES = {"POST": "public-submit", "GET": "public-page", "HEAD": "public-page"}

    def __init__(self, app: Flask):
        self.enabled = app.config["RATELIMIT_ENABLED"]
        self.strategy = FixedWindowRateLimiter(limit_storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))
        self.prefix = app.config.get("RATELIMIT_KEY_PREFIX") or "opinia"
        self.limits = {
            "public-submit": parse_many(app.config["OPINIA_SUBMIT_RATE_LIMIT"]),
            "public-page": parse_many(app.config["OPINIA_PAGE_RATE_LIMIT"]),
        }

    def check(self) -> None:
        """Before a public survey request: 429 (a friendly page) once this address is over a limit."""
        if not self.enabled or request.blueprint != "public" or request.method not in self.SCOPES:
            return
        scope = self.SCOPES[request.method]
        try:
            key = hashed_remote_address()  # today's key may come from Redis too
            allowed = all(self.strategy.hit(limit, self.prefix, scope, key) for limit in self.limits[scope])
        except Exception:  # noqa: BLE001 — the limiter's storage is down: residents can still answer
            current_app.logger.exception("rate-limit storage unavailable; the public survey is not limited")
            return
        if not allowed:
            abort(429)


# --- well-formed answers ----------------------------------------------------------------------------

SURVEY_ENDPOINTS = ("public.survey", "public.kiosk")
FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def malformed_submission_problem() -> str | None:
    """Why a posted survey answer cannot be a real browser's submission, or None if it can.

    A browser never sends a field twice for these forms, never sends control characters from a text box
    (PostgreSQL refuses NUL in text, XML and so XLSX exports refuse U+FFFF: ``survey.text_safety``), and
    always sends UTF-8: Werkzeug would keep undecodable ``%FF``
    escapes as literal text and turn raw invalid bytes into U+FFFD, so both are caught here.
    """
    if request.mimetype not in FORM_MIMETYPES:
        return "content type"  # Flask-WTF would also read JSON, which bypasses the checks below
    if _undecodable_urlencoded_body():
        return "encoding"
    if request.files:
        return "file"  # the survey has no file field; Flask-WTF would hand the upload to a text field
    for name in request.form:
        values = request.form.getlist(name)
        if len(values) > 1:
            return "duplicated"
        if _has_forbidden_characters(name) or any(_has_forbidden_characters(v) for v in values):
            return "characters"
    return None


def _undecodable_urlencoded_body() -> bool:
    if request.mimetype != "application/x-www-form-urlencoded":
        return False
    try:
        for pair in request.get_data(cache=True).split(b"&"):
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _has_forbidden_characters(text) -> bool:
    if not isinstance(text, str):
        return True
    return "\ufffd" in text or has_forbidden_characters(text)


def refuse_malformed_submission() -> None:
    """Before the view (and before anything parses the form): 400 for a survey post no browser would send."""
    if request.method == "POST" and request.endpoint in SURVEY_ENDPOINTS and malformed_submission_problem():
        abort(400, description=_("Formularz zawiera nieprawidłowe dane. Odśwież stronę i spróbuj ponownie."))


def register_guards(app: Flask) -> None:
    app.before_request(PublicRateLimit(app).check)
    app.before_request(refuse_malformed_submission)


def is_public_survey_request() -> bool:
    """Flask-Limiter skips these: the public survey is limited by ``PublicRateLimit`` alone (no double work)."""
    return request.blueprint == "public"
