"""Shared fixtures: an app on a fresh database (SQLite always, PostgreSQL too when TEST_DATABASE_URL is set),
a test client, the demo office, and logged-in staff users.

PostgreSQL isolation: each pytest-xdist worker uses its own schema (``search_path``), and every test starts
from freshly created tables.
"""
from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient

from app import create_app
from config import normalise_database_url
from extensions import db as _db
from survey.definitions import import_definition, load_definition_file
from survey.demo import DEMO_SURVEY_FILE, ensure_office_structure

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
TEST_PASSWORD = "correct-horse-battery"


def _postgres_url(schema: str) -> str:
    base = normalise_database_url(os.environ["TEST_DATABASE_URL"])
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def postgres_schema(worker_id):
    """A schema of this test process's own, so parallel runs never share tables; dropped at the end."""
    schema = "opinia_test_{}_{}".format(re.sub(r"\W", "", worker_id), os.getpid())
    engine = sa.create_engine(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    yield schema
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


def database_url(backend: str, tmp_path, request) -> str:
    if backend == "postgresql":
        return _postgres_url(request.getfixturevalue("postgres_schema"))
    return f"sqlite:///{tmp_path / 'test.db'}"


def test_config(url: str, **overrides) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "OPINIA_PUBLIC_URL": "https://opinia.example.gov.pl",
        "RATELIMIT_ENABLED": False,
        **overrides,
    }


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change settings of the ``app`` fixture."""
    return {}


@pytest.fixture
def app(backend, tmp_path, request, app_config):
    app = create_app(test_config(database_url(backend, tmp_path, request), **app_config))
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture
def db(app):
    return _db


class FreshGlobalsClient(FlaskClient):
    """Requests run inside the fixture's app context (sharing its database session), so they would also
    share its ``g``; give each request an empty ``g`` as in production, or per-request caches leak between
    requests (Flask-Login's current user, Flask-WTF's CSRF token)."""

    def open(self, *args, **kwargs):
        vars(g._get_current_object()).clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshGlobalsClient
    return app.test_client()


@pytest.fixture
def office(db):
    """The demo office (departments and counters) showing the demo survey, without responses."""
    counters = ensure_office_structure()
    version, _, _ = import_definition(load_definition_file(DEMO_SURVEY_FILE))
    for counter in counters.values():
        counter.survey_id = version.survey_id
    db.session.commit()
    return counters


@pytest.fixture
def counter(office):
    return office["KM-3"]


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    assert match, f"no hidden field {name} in the page"
    return match.group(1)


STAFF = {
    "admin": ("admin@starostwo.test", "admin", ()),
    "quality_manager": ("jakosc@starostwo.test", "quality_manager", ()),
    "head_km": ("kierownik.km@starostwo.test", "department_head", ("KM",)),
    "head_ab": ("kierownik.ab@starostwo.test", "department_head", ("AB",)),
}


@pytest.fixture
def users(office):
    """One staff user of each role (department heads of KM and AB), all with ``TEST_PASSWORD``."""
    from survey.accounts import create_user

    return {key: create_user(email, role, TEST_PASSWORD, depts) for key, (email, role, depts) in STAFF.items()}


def login(client, user) -> None:
    """Log ``user`` in through the real login form."""
    page = client.get("/login")
    result = client.post(
        "/login",
        data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": csrf_token_from(page.get_data(as_text=True))},
    )
    assert result.status_code in (302, 303), f"login of {user.email} failed with {result.status_code}"


@pytest.fixture
def kiosk_client(client, users, counter):
    """The tablet at ``counter``: a quality manager set it up as the counter's kiosk, which logged them out."""
    login(client, users["quality_manager"])
    token = csrf_token_from(client.get(f"/admin/service-points/{counter.id}").get_data(as_text=True))
    result = client.post(f"/admin/service-points/{counter.id}/kiosk", data={"csrf_token": token})
    assert result.status_code == 303 and result.headers["Location"] == f"/k/{counter.token}"
    return client


@pytest.fixture
def admin_client(client, users):
    login(client, users["admin"])
    return client


@pytest.fixture
def quality_manager_client(client, users):
    login(client, users["quality_manager"])
    return client


@pytest.fixture
def head_client(client, users):
    """Logged in as the head of Wydział Komunikacji (KM) only."""
    login(client, users["head_km"])
    return client
