"""Who is calling the API: a logged-in member of staff (Flask-Login session) or a script with an API token.

Only the SHA-256 hash of a token is stored (``ApiToken.token_hash``); the token itself is shown once,
when it is created.
"""
from __future__ import annotations

import hashlib
import secrets
from functools import wraps

import sqlalchemy as sa
from flask import g, jsonify, request
from flask_login import current_user

from extensions import db
from survey.models import ApiToken, User


class ApiTokenError(ValueError):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(email: str, name: str) -> str:
    """Create a token for an active staff user; returns the token (only its hash is kept). Commits."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        raise ApiTokenError(f"no active user {email}")
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name, token_hash=hash_token(token)))
    db.session.commit()
    return token


def user_from_bearer_token(header: str) -> User | None:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    api_token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token.strip()), ApiToken.active.is_(True))
    )
    if api_token is None or not api_token.user.active:
        return None
    return api_token.user


def api_user() -> User | None:
    """The caller: a valid bearer token wins; otherwise the session's user, if any."""
    header = request.headers.get("Authorization", "")
    if header:
        return user_from_bearer_token(header)
    return current_user if current_user.is_authenticated else None


def api_login_required(view):
    """401 JSON (never a redirect to the login page) unless the caller is known; the user is ``g.api_user``."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = api_user()
        if user is None:
            response = jsonify(error="authentication required: log in or send Authorization: Bearer <token>", status=401)
            response.headers["WWW-Authenticate"] = 'Bearer realm="opinia"'
            return response, 401
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped
