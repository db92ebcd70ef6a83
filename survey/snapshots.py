"""Read-only snapshots of what the public survey shows, kept in memory per application.

A survey version never changes once saved (an edit makes a new version), so its questions can be read from the
database once per process and reused for every resident: the survey page and every answer then need a single
small query for the counter itself. Snapshots are plain frozen dataclasses, safe to share between threads and
never tied to a database session.
"""
from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from extensions import db
from survey.models import Question, SurveyVersion


@dataclass(frozen=True)
class QuestionSnapshot:
    id: int
    code: str
    kind: str
    text_pl: str
    text_en: str
    required: bool
    options: tuple[dict[str, Any], ...]
    max_length: int | None

    text = Question.text
    option_label = Question.option_label


@dataclass(frozen=True)
class VersionSnapshot:
    id: int
    survey_id: int
    number: int
    title_pl: str
    title_en: str
    intro_pl: str
    intro_en: str
    questions: tuple[QuestionSnapshot, ...]

    title = SurveyVersion.title
    intro = SurveyVersion.intro


@dataclass(frozen=True)
class CounterSnapshot:
    """A counter as the public survey shows it (its name and its department's), not the ORM row."""

    id: int
    token: str
    name: str
    department_name: str


class _VersionCache:
    def __init__(self) -> None:
        self._versions: dict[int, VersionSnapshot] = {}
        self._lock = threading.Lock()

    def get(self, version_id: int) -> VersionSnapshot | None:
        snapshot = self._versions.get(version_id)
        if snapshot is None:
            snapshot = _load_version(version_id)
            if snapshot is not None:
                with self._lock:
                    self._versions[version_id] = snapshot
        return snapshot


def _load_version(version_id: int) -> VersionSnapshot | None:
    version = db.session.get(SurveyVersion, version_id)
    if version is None:
        return None
    questions = db.session.scalars(
        sa.select(Question).where(Question.version_id == version_id).order_by(Question.position)
    )
    return _snapshot(
        VersionSnapshot,
        version,
        intro_pl=version.intro_pl or "",
        intro_en=version.intro_en or "",
        questions=tuple(_snapshot(QuestionSnapshot, q, options=tuple(q.options or ())) for q in questions),
    )


def _snapshot(snapshot_class: type, row: Any, **overrides: Any) -> Any:
    """A snapshot holding the row's attributes of the same names (and ``overrides``)."""
    values = {field.name: getattr(row, field.name) for field in dataclasses.fields(snapshot_class)}
    return snapshot_class(**(values | overrides))


def version_snapshot(version_id: int) -> VersionSnapshot | None:
    """The survey version with its questions, read from the database at most once per application."""
    cache = current_app.extensions.get("opinia_versions")
    if cache is None:
        cache = current_app.extensions.setdefault("opinia_versions", _VersionCache())
    return cache.get(version_id)
