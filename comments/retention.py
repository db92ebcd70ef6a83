"""Which old comments must keep their text: a hook other capabilities register with.

Comments are emptied after ``OPINIA_COMMENT_RETENTION_MONTHS``, except those some other part of the office's
work still relies on — the improvement actions (ISO 9001 §10.2.2 evidence) keep the comments linked to an
action that is still open. Such a capability registers a function returning the answer ids to keep::

    from comments.retention import register_protected_comments
    register_protected_comments(app, open_action_answer_ids)   # () -> set[int]

``purge-comments`` asks every registered function at the moment it runs.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

EXTENSION_KEY = "opinia_protected_comments"


def register_protected_comments(app: Flask, provider: Callable[[], set[int]]) -> None:
    app.extensions.setdefault(EXTENSION_KEY, []).append(provider)


def protected_comment_ids() -> set[int]:
    protected: set[int] = set()
    for provider in current_app.extensions.get(EXTENSION_KEY, []):
        protected |= set(provider())
    return protected
