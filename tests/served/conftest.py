"""Helpers for the queue-system tests: writing CSV files and running ``flask import-served``."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from served.models import ServedHour


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def write_csv(tmp_path):
    def write(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(text.lstrip(), encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def import_served(app, office):
    """Run the command as a user would: ``import_served(path, "hourly", "--mapping", m)`` -> click result."""
    runner = app.test_cli_runner(mix_stderr=False) if "mix_stderr" in app.test_cli_runner.__code__.co_varnames else app.test_cli_runner()

    def run(path: str, file_format: str, *extra: str):
        return runner.invoke(args=["import-served", path, "--format", file_format, *extra])

    return run


def stored_hours(db) -> dict[tuple[str, datetime], ServedHour]:
    """Every stored counter-hour by (counter code, UTC hour)."""
    rows = db.session.scalars(sa.select(ServedHour)).all()
    return {(row.service_point.code, row.hour): row for row in rows}
