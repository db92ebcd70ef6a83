"""One configuration object, read from environment variables.

Every setting has a safe default for the embedded mode (SQLite in ``data/``),
so ``create_app()`` works on a fresh checkout; production overrides come from the
environment (``SECRET_KEY``, ``DATABASE_URL``, ``OPINIA_PUBLIC_URL`` ...).
"""
from __future__ import annotations

import hashlib
import logging
import os
import secrets
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

PROJECT_ROOT = Path(__file__).resolve().parent
DATA_DIR = PROJECT_ROOT / "data"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


# SHA-256 of keys that were once published (an early version committed data/.secret_key to git).
# Anyone can read them in the history, so an install still using one must not sign anything with it.
PUBLISHED_KEY_HASHES = frozenset({"bff5bf7ce9d4e2a1486061154ebfb92a14c9428b644c6ea9fc460d8b7a0735e0"})

log = logging.getLogger("opinia.config")


def is_published_key(key: str) -> bool:
    return hashlib.sha256(key.strip().encode()).hexdigest() in PUBLISHED_KEY_HASHES


def _write_new_key(key_file: Path) -> str:
    key = secrets.token_hex(32)
    DATA_DIR.mkdir(exist_ok=True)
    key_file.unlink(missing_ok=True)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key


def _default_secret_key(key_file: Path | None = None) -> str:
    """A key made per install and kept in data/ (owner-only) so sessions survive restarts.

    A key file holding a key that was once published is replaced, and the log says so: the
    new key signs every staff member out and unpairs the kiosk tablets, which must be set up again."""
    key_file = key_file or DATA_DIR / ".secret_key"
    if key_file.exists():
        key = key_file.read_text().strip()
        if key and not is_published_key(key):
            return key
        if key:
            log.warning(
                "%s held a secret key that was published in the project's history; a new key was made. "
                "Everyone is signed out and kiosk tablets must be set up again.", key_file)
    return _write_new_key(key_file)


def _secret_key_from_environment() -> str:
    key = os.environ.get("SECRET_KEY")
    if key and is_published_key(key):
        raise RuntimeError("SECRET_KEY is a key published in Opinia's history; set a new random one.")
    return key or _default_secret_key()


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` / ``postgresql://`` forms and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass
class Config:
    SECRET_KEY: str = field(default_factory=_secret_key_from_environment)
    SQLALCHEMY_DATABASE_URI: str = field(
        default_factory=lambda: normalise_database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'opinia.db'}")
        )
    )
    OPINIA_TIMEZONE: str = field(default_factory=lambda: os.environ.get("OPINIA_TIMEZONE", "Europe/Warsaw"))
    OPINIA_PUBLIC_URL: str = field(
        default_factory=lambda: os.environ.get("OPINIA_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
    )
    OPINIA_OFFICE_NAME: str = field(
        default_factory=lambda: os.environ.get("OPINIA_OFFICE_NAME", "Starostwo Powiatowe w Opiniowie")
    )
    # An optional logo (PNG, JPEG or SVG file) printed at the top of the counters' posters.
    OPINIA_OFFICE_LOGO: str = field(default_factory=lambda: os.environ.get("OPINIA_OFFICE_LOGO", ""))
    # Largest accepted request body: a survey answer is a few hundred bytes.
    MAX_CONTENT_LENGTH: int = field(default_factory=lambda: _env_int("OPINIA_MAX_CONTENT_LENGTH", 64 * 1024))
    # Staff pages (see security.STAFF_BLUEPRINTS): the survey editor posts every question in two languages.
    OPINIA_STAFF_MAX_CONTENT_LENGTH: int = field(
        default_factory=lambda: _env_int("OPINIA_STAFF_MAX_CONTENT_LENGTH", 4 * 1024 * 1024)
    )
    COMMENT_MAX_LENGTH: int = 2000
    WTF_CSRF_TIME_LIMIT: int | None = None
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = field(default_factory=lambda: _env_bool("SESSION_COOKIE_SECURE", False))
    # Flask-Login's "remember me" cookie (if ever used) follows the session cookie's rules.
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    REMEMBER_COOKIE_SECURE: bool = field(default_factory=lambda: _env_bool("SESSION_COOKIE_SECURE", False))
    # A staff session ends after this long without a request (the session cookie is refreshed on each one).
    PERMANENT_SESSION_LIFETIME: timedelta = field(
        default_factory=lambda: timedelta(minutes=_env_int("OPINIA_SESSION_MINUTES", 8 * 60))
    )
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none, trust nothing).
    OPINIA_PROXY_COUNT: int = field(default_factory=lambda: _env_int("OPINIA_PROXY_COUNT", 0))
    # One device answers the same counter at most once per interval (signed cookie); 0 switches it off.
    OPINIA_ANSWER_INTERVAL_MINUTES: int = field(default_factory=lambda: _env_int("OPINIA_ANSWER_INTERVAL_MINUTES", 10))
    # A survey form's signed submission id is accepted this long after the form was opened (survey.submission_ids).
    OPINIA_SUBMISSION_MAX_AGE_MINUTES: int = field(default_factory=lambda: _env_int("OPINIA_SUBMISSION_MAX_AGE_MINUTES", 12 * 60))
    # How long a kiosk tablet shows its thank-you screen before an empty survey for the next resident.
    OPINIA_KIOSK_RESET_SECONDS: int = field(default_factory=lambda: _env_int("OPINIA_KIOSK_RESET_SECONDS", 8))
    # A kiosk survey left part-answered this long asks "still there?" and, 20 s later, starts afresh.
    OPINIA_KIOSK_IDLE_SECONDS: int = field(default_factory=lambda: _env_int("OPINIA_KIOSK_IDLE_SECONDS", 90))
    # Comments older than this lose their text in `flask purge-comments` (answers, counts and tags stay).
    OPINIA_COMMENT_RETENTION_MONTHS: int = field(default_factory=lambda: _env_int("OPINIA_COMMENT_RETENTION_MONTHS", 24))
    # Per network address (Flask-Limiter syntax); generous because an office's guest Wi-Fi is one address.
    OPINIA_SUBMIT_RATE_LIMIT: str = field(
        default_factory=lambda: os.environ.get("OPINIA_SUBMIT_RATE_LIMIT", "30 per minute;300 per hour")
    )
    OPINIA_PAGE_RATE_LIMIT: str = field(
        default_factory=lambda: os.environ.get("OPINIA_PAGE_RATE_LIMIT", "120 per minute;2000 per hour")
    )
    # Failed staff logins per (client address, account typed), and per client address over all accounts;
    # successful logins do not count.
    OPINIA_LOGIN_RATE_LIMIT: str = field(
        default_factory=lambda: os.environ.get("OPINIA_LOGIN_RATE_LIMIT", "5 per minute;30 per hour")
    )
    OPINIA_LOGIN_ADDRESS_RATE_LIMIT: str = field(
        default_factory=lambda: os.environ.get("OPINIA_LOGIN_ADDRESS_RATE_LIMIT", "30 per minute;300 per hour")
    )
    # Bounded work per request (package workload/): the longest period the web and the API compute, how many
    # report/export downloads run at once per host, and the largest data exports a web request builds.
    OPINIA_MAX_PERIOD_DAYS: int = field(default_factory=lambda: _env_int("OPINIA_MAX_PERIOD_DAYS", 366))
    OPINIA_HEAVY_REQUESTS: int = field(default_factory=lambda: _env_int("OPINIA_HEAVY_REQUESTS", 2))
    OPINIA_HEAVY_LOCK_DIR: str = field(default_factory=lambda: os.environ.get("OPINIA_HEAVY_LOCK_DIR", ""))
    OPINIA_WEB_CSV_MAX_RESPONSES: int = field(default_factory=lambda: _env_int("OPINIA_WEB_CSV_MAX_RESPONSES", 50_000))
    OPINIA_WEB_XLSX_MAX_RESPONSES: int = field(default_factory=lambda: _env_int("OPINIA_WEB_XLSX_MAX_RESPONSES", 20_000))
    # The report's appendix A: per department and rating, the most frequent comments shown (all are in the exports).
    OPINIA_REPORT_COMMENTS_PER_RATING: int = field(default_factory=lambda: _env_int("OPINIA_REPORT_COMMENTS_PER_RATING", 3))
    RATELIMIT_STORAGE_URI: str = field(default_factory=lambda: os.environ.get("RATELIMIT_STORAGE_URI", "memory://"))
    # Prefix of the limiter's keys, so that several installs (or test runs) can share one Redis.
    RATELIMIT_KEY_PREFIX: str = field(default_factory=lambda: os.environ.get("RATELIMIT_KEY_PREFIX", ""))
    RATELIMIT_ENABLED: bool = field(default_factory=lambda: _env_bool("RATELIMIT_ENABLED", True))
    # Connection pool (PostgreSQL); per gunicorn worker process, so workers x (size + overflow) connections.
    OPINIA_DB_POOL_SIZE: int = field(default_factory=lambda: _env_int("OPINIA_DB_POOL_SIZE", 5))
    OPINIA_DB_MAX_OVERFLOW: int = field(default_factory=lambda: _env_int("OPINIA_DB_MAX_OVERFLOW", 5))
    OPINIA_DB_POOL_TIMEOUT: int = field(default_factory=lambda: _env_int("OPINIA_DB_POOL_TIMEOUT", 10))
    OPINIA_DB_POOL_RECYCLE: int = field(default_factory=lambda: _env_int("OPINIA_DB_POOL_RECYCLE", 1800))
    BABEL_DEFAULT_LOCALE: str = "pl"
    BABEL_DEFAULT_TIMEZONE: str = field(default_factory=lambda: os.environ.get("OPINIA_TIMEZONE", "Europe/Warsaw"))
    LANGUAGES: tuple[str, ...] = ("pl", "en")
    TESTING: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def _with_jit_off(database_url: str) -> str:
    """The connection's ``options`` with JIT off: JIT compiled the report's large queries for seconds and gains
    nothing on queries this size. Options given in the URL (e.g. a ``search_path``) are kept, since
    ``connect_args`` would replace them."""
    given = sa.engine.make_url(database_url).query.get("options", "")
    given = " ".join(given) if isinstance(given, tuple) else given
    return f"{given} -c jit=off".strip()


def engine_options(config: dict[str, Any]) -> dict[str, Any]:
    """SQLALCHEMY_ENGINE_OPTIONS for the configured database: a bounded, checked pool for PostgreSQL.

    SQLite keeps Flask-SQLAlchemy's defaults (its pragmas are set in ``survey.sqlite``). PostgreSQL's JIT is off:
    the report's and the dashboards' grouped reads over a year are estimated costly enough to be compiled, and
    the compiling took longer than the query (the report's comment groups of a year at 1,000,000 responses:
    6.6 s, of which 4.9 s JIT, against ~1.5 s without it; indicators 1.6 s → 0.5 s).
    """
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return {}
    return {
        "pool_size": config["OPINIA_DB_POOL_SIZE"],
        "max_overflow": config["OPINIA_DB_MAX_OVERFLOW"],
        "pool_timeout": config["OPINIA_DB_POOL_TIMEOUT"],
        "pool_recycle": config["OPINIA_DB_POOL_RECYCLE"],
        "pool_pre_ping": True,
        "connect_args": {"options": _with_jit_off(config["SQLALCHEMY_DATABASE_URI"])},
    }
