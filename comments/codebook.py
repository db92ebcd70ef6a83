"""The codebook of themes: seeded once from ``data/themes.yaml``, edited by the quality manager (audited),
compiled once per process and recompiled when its rows change; suggested themes to accept or dismiss."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from analytics.lemmas import lemmatizer
from analytics.themes import Codebook, ThemeSpec, suggest_topics
from comments import queries
from comments.models import Theme, ThemeSuggestion
from config import PROJECT_ROOT
from extensions import db
from survey.models import AuditLog, User, utcnow

SEED_FILE = PROJECT_ROOT / "data" / "themes.yaml"
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_WORDS = 200
MAX_WORD_LENGTH = 60
EXTENSION_KEY = "opinia_codebook"
# Raise when ``analytics.themes`` matches differently, so comments remembered with the old rules are matched again.
MATCHER_VERSION = 1


class CodebookError(ValueError):
    """A theme that cannot be saved; the message is for the user."""


def load_seed(path: Path = SEED_FILE) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["themes"]


def ensure_codebook() -> None:
    """Fill an empty codebook from the seed file (themes are deactivated, never deleted, so it stays filled).

    Two requests may find it empty at once (report downloads in parallel): the one that loses the race to
    the unique theme codes rolls back and uses the codebook the other one stored."""
    if queries.theme_count():
        return
    for position, entry in enumerate(load_seed()):
        db.session.add(Theme(code=entry["code"], name_pl=entry["pl"], name_en=entry.get("en", ""),
                             words=[str(w) for w in entry["words"]], position=position))
    db.session.add(AuditLog(action="seed", entity="codebook", details={"themes": len(load_seed()), "file": SEED_FILE.name}))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if not queries.theme_count():
            raise


def current_codebook() -> Codebook:
    """The active themes compiled; recompiled (and its memory of matched comments dropped) after an edit."""
    ensure_codebook()
    return codebook_of(queries.codebook_fingerprint())


def codebook_of(fingerprint: tuple) -> Codebook:
    """The compiled codebook of ``queries.codebook_fingerprint()``, compiled once per process and edit."""
    cached = current_app.extensions.get(EXTENSION_KEY)
    if cached is None or cached[0] != fingerprint:
        cached = (fingerprint, Codebook.compile(_active_specs(fingerprint), lemmatizer()))
        current_app.extensions[EXTENSION_KEY] = cached
    return cached[1]


def codebook_version() -> str:
    """Names what a comment's match depends on: the active themes' codes and words (in order) and
    ``MATCHER_VERSION``. Matches remembered under another version are found again (``comments.matches``).
    Needs no compiled codebook: a build that finds every match remembered never compiles one."""
    ensure_codebook()
    return version_of(queries.codebook_fingerprint())


def version_of(fingerprint: tuple) -> str:
    """``codebook_version`` of a fingerprint already read."""
    return _version_of(_active_specs(fingerprint))


def active_themes() -> tuple[ThemeSpec, ...]:
    """The active themes in order, as ``current_codebook().themes`` but without compiling the codebook."""
    ensure_codebook()
    return tuple(_active_specs(queries.codebook_fingerprint()))


def _active_specs(fingerprint: tuple) -> list[ThemeSpec]:
    return [ThemeSpec(code, name_pl, name_en, tuple(words)) for code, name_pl, name_en, words, active, _p in fingerprint
            if active]


def _version_of(specs: list[ThemeSpec]) -> str:
    matched_by = [MATCHER_VERSION, [[spec.code, list(spec.words)] for spec in specs]]
    return hashlib.sha256(json.dumps(matched_by, ensure_ascii=False).encode()).hexdigest()[:16]


def parse_words(text: str) -> list[str]:
    """Words and phrases separated by commas or new lines; ``!`` marks a word that a negation cancels."""
    words = [w.strip() for w in re.split(r"[,\n]", text) if w.strip()]
    if not words:
        raise CodebookError(_("Podaj co najmniej jedno słowo tematu."))
    if len(words) > MAX_WORDS or any(len(w) > MAX_WORD_LENGTH for w in words):
        raise CodebookError(_("Temat może mieć najwyżej %(words)d słów, każde do %(chars)d znaków.", words=MAX_WORDS,
                               chars=MAX_WORD_LENGTH))
    return list(dict.fromkeys(words))


@dataclass
class ThemeChange:
    code: str
    name_pl: str
    name_en: str
    words: list[str]
    active: bool = True


def _empty_dashboards() -> None:
    from dashboard.cache import app_cache

    app_cache().clear()


def save_theme(change: ThemeChange, user: User | None) -> Theme:
    """Create or change a theme (one transaction with its audit entry); dashboards are recomputed."""
    if not CODE.match(change.code):
        raise CodebookError(_("Kod tematu: małe litery, cyfry, „-” lub „_”, najwyżej 64 znaki."))
    if not change.name_pl.strip():
        raise CodebookError(_("Podaj polską nazwę tematu."))
    theme = next((t for t in queries.codebook_rows() if t.code == change.code), None)
    before = None if theme is None else {"name_pl": theme.name_pl, "name_en": theme.name_en, "words": theme.words,
                                          "active": theme.active}
    if theme is None:
        theme = Theme(code=change.code, position=len(queries.codebook_rows()))
        db.session.add(theme)
    theme.name_pl, theme.name_en = change.name_pl.strip()[:200], change.name_en.strip()[:200]
    theme.words, theme.active = list(change.words), change.active
    after = {"name_pl": theme.name_pl, "name_en": theme.name_en, "words": theme.words, "active": theme.active}
    db.session.flush()
    db.session.add(AuditLog(user_id=user.id if user else None, action="update" if before else "create",
                            entity="comment_theme", entity_id=theme.id,
                            details={"code": theme.code, "old": before, "new": after}))
    db.session.commit()
    _empty_dashboards()
    return theme


# ---- suggested themes -------------------------------------------------------------------------------


def _missed_lemmas(text: str, codebook: Codebook) -> list[str]:
    """The content lemmas of ``text`` that no codebook word covers."""
    from analytics.lemmas import tokens

    covered = set(codebook.patterns)
    lemmas = []
    for word in tokens(text):
        if len(word) < 3 or not word[0].isalpha():
            continue
        found = codebook.lemmatizer.content_lemmas(word.lower())
        if found and not (codebook.keys(word) & covered):
            lemmas.append(sorted(found)[0])
    return lemmas


def refresh_suggestions(start: datetime, end: datetime, user: User | None = None, topics: int = 5) -> list[ThemeSuggestion]:
    """New suggested themes from the words the codebook misses in the comments of ``[start, end)``.

    Suggestions already open or dismissed with the same words are not offered again.
    """
    codebook = current_codebook()
    frame = queries.comment_frame(start, end, None)
    documents = [_missed_lemmas(text, codebook) for text in frame["text"]]
    seen = {tuple(sorted(s.words)) for s in db.session.scalars(db.select(ThemeSuggestion))}
    created = []
    for topic in suggest_topics(documents, topics=topics):
        if tuple(sorted(topic["words"])) in seen:
            continue
        ids = [int(frame.iloc[i]["answer_id"]) for i in topic["documents"][:5]]
        suggestion = ThemeSuggestion(words=topic["words"], comments=len(topic["documents"]), examples=ids)
        db.session.add(suggestion)
        created.append(suggestion)
    db.session.add(AuditLog(user_id=user.id if user else None, action="suggest", entity="comment_theme",
                            details={"suggestions": len(created), "comments": len(frame)}))
    db.session.commit()
    return created


def open_suggestions() -> list[ThemeSuggestion]:
    return list(db.session.scalars(db.select(ThemeSuggestion).where(ThemeSuggestion.status == "open")
                                   .order_by(ThemeSuggestion.comments.desc())))


def decide_suggestion(suggestion: ThemeSuggestion, accept: ThemeChange | None, user: User | None) -> None:
    """Accept (a new theme with the given name and words) or dismiss (``accept`` None) a suggestion."""
    if suggestion.status != "open":
        raise CodebookError(_("Ta propozycja została już rozpatrzona."))
    if accept is not None:
        save_theme(accept, user)
    suggestion.status = "accepted" if accept else "dismissed"
    suggestion.decided_at, suggestion.decided_by = utcnow(), user.id if user else None
    suggestion.theme_code = accept.code if accept else None
    db.session.add(AuditLog(user_id=user.id if user else None, action=suggestion.status, entity="theme_suggestion",
                            entity_id=suggestion.id, details={"words": suggestion.words, "theme": suggestion.theme_code}))
    db.session.commit()
