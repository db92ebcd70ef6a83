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

from app import create_app
from config import normalise_database_url
from extensions import db as _db
from survey.definitions import import_definition, load_definition_file
from survey.demo import DEMO_SURVEY_FILE, ensure_office_structure

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
TEST_PASSWORD = "correct-horse-battery"


def _postgres_url(worker: str) -> str:
    schema = "opinia_test_" + re.sub(r"\W", "", worker)
    base = normalise_database_url(os.environ["TEST_DATABASE_URL"])
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    engine.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


def database_url(backend: str, tmp_path, worker: str) -> str:
    if backend == "postgresql":
        return _postgres_url(worker)
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
def app(backend, tmp_path, worker_id, app_config):
    app = create_app(test_config(database_url(backend, tmp_path, worker_id), **app_config))
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


@pytest.fixture
def client(app):
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
