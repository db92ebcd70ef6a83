"""No way in: security headers, cookies behind HTTPS, proxies, error pages, and the server set-up."""
from __future__ import annotations

import re
import runpy

import pytest
import sqlalchemy as sa

from config import PROJECT_ROOT, Config, engine_options
from extensions import db as _db
from tests.conftest import FreshGlobalsClient
from tests.reliability.helpers import answer, count

HTTPS = {"SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True}


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_every_public_page_carries_the_security_headers(client, counter):
    for path in (f"/s/{counter.token}", f"/k/{counter.token}", "/s/unknown-token", f"/s/{counter.token}/dziekujemy"):
        response = client.get(path)
        directives = csp_directives(response)
        assert directives["script-src"] == ["'self'"], path
        assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS


def test_public_pages_have_no_inline_scripts(client, counter):
    for path in (f"/s/{counter.token}", f"/k/{counter.token}", "/s/unknown-token"):
        html = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, f"inline script on {path}: {tag}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"inline event handler on {path}"


@pytest.mark.parametrize("app_config", [HTTPS])
def test_behind_https_cookies_are_secure_and_hsts_is_sent(app, db, counter):
    client = FreshGlobalsClient(app, app.response_class, use_cookies=True)
    page = client.get(f"/s/{counter.token}", base_url="https://opinia.example.gov.pl")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    session_cookie = page.headers["Set-Cookie"]
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    result = answer(client, counter)
    answered_cookie = [c for c in result.headers.getlist("Set-Cookie") if c.startswith("opinia_answered=")]
    assert answered_cookie and "Secure" in answered_cookie[0] and "HttpOnly" in answered_cookie[0]


def test_https_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("OPINIA_PROXY_COUNT", "1")
    config = Config()
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.SESSION_COOKIE_HTTPONLY and config.OPINIA_PROXY_COUNT == 1


LIMITED = {"RATELIMIT_ENABLED": True, "OPINIA_SUBMIT_RATE_LIMIT": "2 per minute", "OPINIA_ANSWER_INTERVAL_MINUTES": 0}


def _client_via_proxy(app, forwarded_for: str):
    client = FreshGlobalsClient(app, app.response_class, use_cookies=True)
    client.environ_base.update({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded_for})
    return client


@pytest.mark.parametrize("app_config", [{**LIMITED, "OPINIA_PROXY_COUNT": 1}])
def test_behind_a_proxy_each_resident_address_has_its_own_limit(app, db, counter):
    first, second = _client_via_proxy(app, "198.51.100.1"), _client_via_proxy(app, "198.51.100.2")
    assert [answer(first, counter).status_code for _ in range(3)] == [303, 303, 429]
    assert answer(second, counter).status_code == 303


@pytest.mark.parametrize("app_config", [LIMITED])
def test_without_a_configured_proxy_a_forged_forwarded_for_is_ignored(app, db, counter):
    """A flooder cannot escape the limit by inventing X-Forwarded-For headers."""
    results = [answer(_client_via_proxy(app, f"198.51.100.{n}"), counter).status_code for n in range(3)]
    assert results == [303, 303, 429]
    assert count(db) == 2


@pytest.mark.parametrize("app_config", [{"TESTING": False, "DEBUG": False}])
def test_unexpected_error_shows_a_friendly_page_never_a_traceback(app, client):
    def broken_view():
        raise ZeroDivisionError("secret internal detail")

    app.add_url_rule("/broken", view_func=broken_view)
    app.add_url_rule("/api/broken", endpoint="api_broken", view_func=broken_view)
    page = client.get("/broken")
    html = page.get_data(as_text=True)
    assert page.status_code == 500
    assert "Coś poszło nie tak" in html
    assert "Traceback" not in html and "ZeroDivisionError" not in html and "secret internal detail" not in html
    api = client.get("/api/broken")
    assert api.status_code == 500 and api.get_json()["status"] == 500
    assert "secret" not in api.get_data(as_text=True)
    assert "Content-Security-Policy" in page.headers


def test_production_config_has_debug_off():
    config = Config().as_dict()
    assert not config.get("DEBUG") and not config["TESTING"]


def test_sqlite_is_tuned_for_a_server(app, backend):
    if backend != "sqlite":
        pytest.skip("SQLite pragmas")
    with _db.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL: a commit is on disk before the thank-you page
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 10000


@pytest.mark.parametrize("app_config", [{"OPINIA_DB_POOL_SIZE": 3, "OPINIA_DB_MAX_OVERFLOW": 2}])
def test_postgresql_uses_a_bounded_checked_pool(app, backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL pool")
    pool = _db.engine.pool
    assert pool.size() == 3 and pool._max_overflow == 2 and pool._pre_ping
    with _db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT 1")).scalar() == 1
        assert connection.execute(sa.text("SHOW jit")).scalar() == "off"
        # the URL's own options (the tests' schema per worker) are kept beside it
        assert connection.execute(sa.text("SHOW search_path")).scalar().startswith("opinia_test_")


def test_pool_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OPINIA_DB_POOL_SIZE", "7")
    monkeypatch.setenv("OPINIA_DB_MAX_OVERFLOW", "0")
    config = {**Config().as_dict(), "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/opinia"}
    assert engine_options(config) == {
        "pool_size": 7, "max_overflow": 0, "pool_timeout": 10, "pool_recycle": 1800, "pool_pre_ping": True,
        "connect_args": {"options": "-c jit=off"},
    }
    assert engine_options({**config, "SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"}) == {}


def test_gunicorn_access_log_keeps_no_address_user_agent_or_referer():
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    log_format = settings["access_log_format"]
    for field in ("%(h)s", "%(a)s", "%(f)s", "%(q)s", "%({x-forwarded-for}i)s"):
        assert field not in log_format
    assert settings["wsgi_app"] == "app:create_app()"
