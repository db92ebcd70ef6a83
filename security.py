"""HTTP hardening applied to every response: security headers, and the reverse-proxy setup.

The Content-Security-Policy allows scripts only from this origin, and no inline scripts: pages that need
JavaScript (the staff dashboards) load it from ``/static`` and read their data from
``<script type="application/json">`` blocks, which browsers never execute. Inline *styles* stay allowed,
because Plotly positions chart elements with style attributes; styles cannot run code.
"""
from __future__ import annotations

from flask import Flask, Request, Response, current_app
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # A counter's survey address is a capability: never leak it to another site.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
# Ids are 64-bit signed integers in every database we run on; a larger number in a URL can name nothing.
MAX_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number no database column can hold (>= 2**63) is a 404, not an
    overflow error from the driver."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_DATABASE_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_url_converters(app: Flask) -> None:
    """Before any route is added: ``<int:...>`` only matches ids a database can hold."""
    app.url_map.converters["int"] = DatabaseIdConverter


# Secret keys change only when an administrator rotates them (and tests use a few).
MAX_CACHED_SERIALIZERS = 8

# Blueprints whose every page needs a staff login: their forms (the survey editor with 40 questions in two
# languages) may be larger than anything a resident sends. Everything else keeps MAX_CONTENT_LENGTH (64 KB).
STAFF_BLUEPRINTS = frozenset({"admin", "dashboard", "reports", "api"})


class BodyLimitedRequest(Request):
    """A request whose body limit depends on the route: ``OPINIA_STAFF_MAX_CONTENT_LENGTH`` on staff pages,
    ``MAX_CONTENT_LENGTH`` on the public survey and everywhere else."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app and self.blueprint in STAFF_BLUEPRINTS:
            return current_app.config["OPINIA_STAFF_MAX_CONTENT_LENGTH"]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


class AssetAwareSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except that a response marked ``immutable`` (a versioned asset, the same
    for everyone: Plotly's script, hashed static files) neither refreshes the session cookie nor varies on it.

    A staff session is refreshed on every request, so its cookie changes each time; with ``Set-Cookie`` and
    ``Vary: Cookie`` on such a file the browser asks for it again on the next page instead of keeping it.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, built once per set of keys: Flask builds one to open and another to save the
        session of every request, and building one serialises a test value (a tenth of a millisecond each)."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            if len(self._serializers) >= MAX_CACHED_SERIALIZERS:
                self._serializers.clear()
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]

    def save_session(self, app: Flask, session, response: Response) -> None:
        if response.cache_control.immutable:
            return
        super().save_session(app, session, response)


def register_security(app: Flask) -> None:
    """Trust ``OPINIA_PROXY_COUNT`` proxies' forwarded headers, add the security headers, and keep the session
    cookie off immutable assets."""
    app.session_interface = AssetAwareSessionInterface()
    proxies = int(app.config.get("OPINIA_PROXY_COUNT", 0))
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    app.request_class = BodyLimitedRequest
    behind_https = bool(app.config.get("SESSION_COOKIE_SECURE"))

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if behind_https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
