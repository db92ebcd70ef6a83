"""Set-up reads done once per page view.

A dashboard page asks for the office's catalogue (departments, counters, questions, objectives) and the highest
response id from a dozen places (its figures, trend, comments, themes, signals and each cache check). On a GET
or HEAD request nothing changes the set-up (changes are posted, then redirected), so the first answer is kept
on the request for the rest of it, and each caller gets its own deep copy: a part that changes what it
got cannot change another part's. Elsewhere (posts, commands, code outside a request) every call reads the
database.
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import TypeVar

from flask import has_request_context, request

T = TypeVar("T")


def _memo_of(current) -> dict:
    """The memo of this request, kept on the request object itself: ``flask.g`` belongs to the application
    context, which a test (or a command) may keep open across several requests."""
    if not hasattr(current, "opinia_once_per_request"):
        current.opinia_once_per_request = {}
    return current.opinia_once_per_request


def once_per_request(function: Callable[..., T] | None = None, *, immutable: bool = False):
    """``@once_per_request`` (callers get deep copies) or ``@once_per_request(immutable=True)`` (for values
    nobody can change: numbers, tuples)."""

    def decorate(read: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(read)
        def wrapper(*args) -> T:
            if not has_request_context() or request.method not in ("GET", "HEAD"):
                return read(*args)
            memo = _memo_of(request._get_current_object())
            key = (read.__module__, read.__qualname__, args)
            if key not in memo:
                memo[key] = read(*args)
            return memo[key] if immutable else copy.deepcopy(memo[key])

        return wrapper

    return decorate(function) if function is not None else decorate
