"""The command line as a new user meets it: commands before ``init-db``, a missing output folder, the README's
own examples, ``create-user`` in a script, and demo data that never lies in the future."""
from __future__ import annotations

import re
import shlex
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from extensions import db as _db
from survey import demo
from survey.models import Response, User
from tests import conftest

README = Path(__file__).resolve().parents[2] / "README.md"
COMMANDS_BEFORE_INIT = [
    ["indicators", "--period", "2026-Q3"],
    ["seed-demo", "--responses", "10"],
    ["survey-url"],
    ["create-user", "--email", "a@b.pl", "--role", "admin", "--password", "correct-horse-battery"],
    ["export", "--period", "2026-Q3", "--out", "x.csv"],
    ["create-api-token", "--email", "a@b.pl", "--name", "x"],
]


@pytest.fixture
def uninitialised_app(tmp_path):
    """The app on an SQLite file that does not exist yet, as on a fresh clone before ``init-db``."""
    database = tmp_path / "fresh" / "opinia.db"
    database.parent.mkdir()
    app = create_app(conftest.test_config(f"sqlite:///{database}"))
    with app.app_context():  # as `flask` does for every command
        yield app, database
        _db.engine.dispose()


@pytest.mark.parametrize("args", COMMANDS_BEFORE_INIT, ids=lambda args: args[0])
def test_any_command_before_init_db_says_so_and_leaves_no_file(uninitialised_app, args):
    app, database = uninitialised_app
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1
    assert "does not exist yet: run `flask --app app init-db` first" in result.output
    assert "Traceback" not in result.output and "no such table" not in result.output
    assert not database.exists()


def test_an_empty_database_file_is_named_too_and_init_db_then_works(uninitialised_app):
    app, database = uninitialised_app
    database.touch()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["indicators", "--period", "2026-Q3"])
    assert result.exit_code == 1 and "has no tables yet: run `flask --app app init-db` first" in result.output
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["indicators", "--period", "2026-Q3"]).exit_code == 0


@pytest.mark.parametrize("command", [["export", "--format", "xlsx"], ["report", "--format", "html"]])
def test_a_missing_output_folder_is_refused_before_the_work(app, office, tmp_path, command):
    out = tmp_path / "no-such-folder" / "plik"
    result = app.test_cli_runner().invoke(args=[*command, "--period", "2026-Q3", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"the folder {out.parent} does not exist" in result.output
    assert "Traceback" not in result.output and "[1/" not in result.output  # no step of the report ran


def readme_command(name: str) -> list[str]:
    """The arguments of the README's example of ``flask --app app <name> ...``."""
    line = next(line for line in README.read_text(encoding="utf-8").splitlines() if f"--app app {name} " in line)
    words = shlex.split(line.split("#")[0])
    return words[words.index(name):]


def test_readme_create_api_token_works_after_make_run(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["survey-url", "--seed-if-empty"]).exit_code == 0  # what `make run` does
    result = runner.invoke(args=readme_command("create-api-token"))
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"[\w-]{20,}", result.stdout.strip())


def test_readme_create_user_works_without_a_terminal(app, office, db):
    args = readme_command("create-user")
    assert "--password" in args
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User).where(User.email == args[args.index("--email") + 1])) is not None


def test_create_user_without_password_and_terminal_says_what_to_do(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--email", "a@starostwo.test", "--role", "admin"])
    assert result.exit_code == 2 and "give --password or set OPINIA_NEW_PASSWORD" in result.output
    from_environment = runner.invoke(args=["create-user", "--email", "a@starostwo.test", "--role", "admin"],
                                     env={"OPINIA_NEW_PASSWORD": "correct-horse-battery"})
    assert from_environment.exit_code == 0, from_environment.output


class EarlyMonday(datetime):
    """07:45 in Warsaw on a Monday: today's office hours are almost all still ahead."""

    @classmethod
    def now(cls, tz=None):
        return datetime(2026, 11, 23, 6, 45, tzinfo=timezone.utc).astimezone(tz)


def test_seed_demo_never_stamps_answers_in_the_future(app, db, monkeypatch):
    monkeypatch.setattr(demo, "datetime", EarlyMonday)
    result = app.test_cli_runner().invoke(args=["seed-demo", "--responses", "3000"])
    assert result.exit_code == 0, result.output
    latest = db.session.scalar(sa.select(sa.func.max(Response.submitted_at)))
    assert latest <= EarlyMonday.now(timezone.utc)
