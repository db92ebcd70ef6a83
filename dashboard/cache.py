"""A small in-process cache of built dashboards, checked against the database on every request.

Building a department's dashboard means grouping hundreds of thousands of answers (the indicators of the
period and the previous one, twelve months of trend); at a million stored responses that takes seconds.
Responses are only ever added (nothing deletes them), so a built dashboard stays right until a response
arrives *inside the time window it covers*, or the office's set-up changes. Each request therefore asks
two cheap questions — the highest response id, and whether any response newer than the cached one falls
into the window (a primary-key range scan over the new rows only) — plus the set-up fingerprint (counters,
questions, objectives: a few small tables). A paper form imported for an old date invalidates exactly the
dashboards whose window holds that date.

A dashboard of a running period would then be rebuilt on nearly every request in a busy office, so a
built dashboard may be served for up to ``OPINIA_DASHBOARD_MAX_AGE_SECONDS`` (default 60) even when new
answers arrived within its window; the page says when its numbers were computed. Set it to 0 for
dashboards that are always exact.

The cache lives in each worker process and app (no shared state, nothing to configure); it is bounded (LRU).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app

from actions.queries import fingerprint as actions_fingerprint
from analytics import queries
from extensions import db
from per_request import once_per_request
from served import queries as served_queries
from survey.models import Department, Question, Response, ServicePoint

T = TypeVar("T")
MAX_ENTRIES = 64


DEFAULT_MAX_AGE_SECONDS = 60


MISSING = object()  # ``DashboardCache.lookup``: nothing usable cached


@dataclass(frozen=True)
class Stamp:
    max_response_id: int
    setup: Hashable


@dataclass
class _Entry:
    value: object
    max_response_id: int
    setup: Hashable
    built: float


class DashboardCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def get_or_build(self, key: Hashable, window: tuple[datetime, datetime], build: Callable[[], T],
                     max_age: float = 0) -> T:
        """The cached value for ``key`` if no response was added within ``window`` since it was built (or it
        is younger than ``max_age`` seconds) and the set-up is unchanged; else ``build()``."""
        stamp = self.stamp()
        value = self.lookup(key, window, stamp, max_age)
        if value is MISSING:
            value = build()
            self.store(key, value, stamp)
        return value  # type: ignore[return-value]

    @staticmethod
    def stamp() -> Stamp:
        """What a value built from now on is checked against later: read it *before* building, so a response
        committed during the build makes the value stale rather than lost. On a page view both parts are read
        once, at the first cache check (``per_request``): a dashboard page asks the cache a dozen times."""
        return Stamp(_max_response_id(), _setup_fingerprint())

    def lookup(self, key: Hashable, window: tuple[datetime, datetime], stamp: Stamp, max_age: float = 0) -> object:
        """``get_or_build``'s check alone: the cached value, or ``MISSING``."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or entry.setup != stamp.setup or (
            time.monotonic() - entry.built >= max_age and _added_within(entry.max_response_id, stamp.max_response_id, window)
        ):
            return MISSING
        with self._lock:
            self._entries.move_to_end(key)
            self.hits += 1
        return entry.value

    def store(self, key: Hashable, value: object, stamp: Stamp) -> None:
        with self._lock:
            self.misses += 1
            self._entries[key] = _Entry(value, stamp.max_response_id, stamp.setup, time.monotonic())
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


@once_per_request(immutable=True)
def _max_response_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(Response.id))) or 0


def _added_within(since_id: int, max_id: int, window: tuple[datetime, datetime]) -> bool:
    if max_id <= since_id:
        return False
    return db.session.scalar(new_response_in_window(since_id, max_id, window)) is not None


def new_response_in_window(since_id: int, max_id: int, window: tuple[datetime, datetime]) -> sa.Select:
    """The first response added after ``since_id`` (up to ``max_id``) that falls into ``window``.

    The time is wrapped in an expression so that no index on it can be used: SQLite otherwise scans the
    window's rows by ``submitted_at`` (a quarter at a million responses: 25–100 ms per check, a dozen checks
    per page) instead of the few new rows by primary key.
    """
    start, end = window
    moment = sa.func.coalesce(Response.submitted_at, Response.submitted_at)
    return (
        sa.select(Response.id)
        .where(Response.id > since_id, Response.id <= max_id, moment >= start, moment < end)
        .limit(1)
    )


@once_per_request(immutable=True)
def _setup_fingerprint() -> Hashable:
    """Everything besides responses that a dashboard shows: counters, departments, questions, objectives,
    improvement actions (their markers on the charts) and the latest queue-system import (so an import or an
    action changed in another process rebuilds this one's dashboards too)."""
    points = tuple(db.session.execute(
        sa.select(ServicePoint.id, ServicePoint.code, ServicePoint.name, ServicePoint.department_id, ServicePoint.active)
        .order_by(ServicePoint.id)).all())
    departments = tuple(db.session.execute(
        sa.select(Department.id, Department.code, Department.name, Department.active).order_by(Department.id)).all())
    last_question = db.session.scalar(sa.select(sa.func.max(Question.id)))
    return (points, departments, last_question, tuple(queries.active_objectives()), served_queries.latest_import_id(),
            actions_fingerprint())


def max_age() -> float:
    return float(current_app.config.get("OPINIA_DASHBOARD_MAX_AGE_SECONDS", DEFAULT_MAX_AGE_SECONDS))


def app_cache() -> DashboardCache:
    """This application's cache (one per app, so test apps on different databases never share one)."""
    return current_app.extensions.setdefault("opinia_dashboard_cache", DashboardCache())
