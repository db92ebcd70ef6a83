"""HTTP hardening applied to every response: security headers, and the reverse-proxy setup.

The Content-Security-Policy allows scripts only from this origin, and no inline scripts: pages that need
JavaScript (the staff dashboards) load it from ``/static`` and read their data from
``<script type="application/json">`` blocks, which browsers never execute. Inline *styles* stay allowed,
because Plotly positions chart elements with style attributes; styles cannot run code.
"""
from __future__ import annotations

from flask import Flask, Response
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

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


class AssetAwareSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except that a response marked ``immutable`` (a versioned asset, the same
    for everyone: Plotly's script, hashed static files) neither refreshes the session cookie nor varies on it.

    A staff session is refreshed on every request, so its cookie changes each time; with ``Set-Cookie`` and
    ``Vary: Cookie`` on such a file the browser asks for it again on the next page instead of keeping it.
    """

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
    behind_https = bool(app.config.get("SESSION_COOKIE_SECURE"))

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if behind_https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
