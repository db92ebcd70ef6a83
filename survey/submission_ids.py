"""One-time submission ids, issued by the server and signed, so that only a form this server handed out can
store an answer.

Every survey form carries ``<nonce>.<timestamp>.<signature>``: a random nonce, signed (itsdangerous, HMAC
under ``SECRET_KEY``) together with the counter the form belongs to and the time it was issued. A post
stores its answer only when the signature is valid for *this* counter and the form is younger than
``OPINIA_SUBMISSION_MAX_AGE_MINUTES``; the nonce is what the database keeps unique, so the same form never
stores twice. A made-up id, one taken from another counter's form, an old one, or none at all stores nothing.

This makes every stored answer cost a page load; a script that loads the form before every post is still
bounded by the per-address limits of ``survey.guards`` (page loads and posts).
"""
from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, TimestampSigner

SALT = "opinia-submission-id"
NONCE_BYTES = 18  # 24 URL-safe characters, never a "." (the signer's separator)


def _signer(service_point_id: int) -> TimestampSigner:
    """Signatures made for one counter are not valid for any other (the counter is part of the salt)."""
    return TimestampSigner(current_app.secret_key, salt=f"{SALT}:{service_point_id}")


def issue_submission_id(service_point_id: int) -> str:
    """A new signed id for one blank form of the counter."""
    return _signer(service_point_id).sign(secrets.token_urlsafe(NONCE_BYTES)).decode("ascii")


def max_age_seconds() -> int:
    return max(1, int(current_app.config["OPINIA_SUBMISSION_MAX_AGE_MINUTES"])) * 60


def submission_nonce(signed_id: str | None, service_point_id: int) -> str | None:
    """The nonce to store when ``signed_id`` was issued by this server for this counter and is not too old;
    None for anything else (missing, made up, another counter's, expired)."""
    if not signed_id or len(signed_id) > 200 or not signed_id.isascii():
        return None
    try:
        nonce = _signer(service_point_id).unsign(signed_id, max_age=max_age_seconds()).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return None
    return nonce if 16 <= len(nonce) <= 64 else None


def nonce_of(signed_id: str) -> str:
    """The nonce part of an issued id (what the database stores), without checking the signature."""
    return signed_id.split(".", 1)[0]
