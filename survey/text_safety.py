"""Characters that XML, a spreadsheet or PostgreSQL cannot hold: the one definition, used at every entry.

XML 1.0 (and so XLSX, whose cells are XML) allows tab, line feed and carriage return but no other C0 control
character, no lone UTF-16 surrogate and neither U+FFFE nor U+FFFF; PostgreSQL refuses NUL in text. DEL and
the C1 controls (U+007F–U+009F) are legal XML but no keyboard types them and spreadsheets show them as boxes,
so they count as forbidden too. Entries (the public survey, staff forms, paper imports, survey files) refuse
such text with a message; exports run ``clean_text`` over what was stored before these checks existed.
"""
from __future__ import annotations

import re
from typing import Any

FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def first_forbidden_character(text: str) -> str | None:
    """The first character of ``text`` that cannot be stored or exported, or None."""
    match = FORBIDDEN_CHARACTERS.search(text)
    return match.group() if match else None


def has_forbidden_characters(text: str) -> bool:
    return FORBIDDEN_CHARACTERS.search(text) is not None


def describe_character(character: str) -> str:
    """``U+0007`` — the code point people can look up; the character itself would not show."""
    return f"U+{ord(character):04X}"


def clean_text(value: Any) -> Any:
    """``value`` with forbidden characters removed when it is text; anything else unchanged."""
    if isinstance(value, str) and FORBIDDEN_CHARACTERS.search(value):
        return FORBIDDEN_CHARACTERS.sub("", value)
    return value
