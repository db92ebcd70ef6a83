"""The English catalogue covers every translatable string of the code and templates, and the compiled
catalogues the app loads are exactly the committed .po files. Run scripts/update-translations.sh after
changing user-facing texts, translate the new entries, and run it again."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "translations"
SKIPPED_DIRS = {"node_modules", "tests", "migrations", "bench", "test-output", "data", "translations", "static"}
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}


def catalogue(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def extracted_messages() -> set:
    with open(PROJECT_ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)

    def keep_dir(path: str) -> bool:
        name = Path(path).name
        return not (name.startswith((".", "_")) or name in SKIPPED_DIRS)

    found = extract_from_dir(PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=keep_dir)
    return {message for _file, _line, message, _comments, _context in found}


def test_every_translatable_string_is_in_the_english_catalogue():
    known = {message.id for message in catalogue("en") if message.id}
    missing = sorted(map(str, extracted_messages() - known))
    assert not missing, f"run scripts/update-translations.sh and translate: {missing}"


def test_every_english_entry_is_translated_and_not_fuzzy():
    untranslated = [
        message.id
        for message in catalogue("en")
        if message.id and (message.fuzzy or not all(message.string if isinstance(message.string, tuple) else [message.string]))
    ]
    assert not untranslated, f"translate these in translations/en/LC_MESSAGES/messages.po: {untranslated}"


def test_polish_plurals_have_all_three_forms():
    polish = catalogue("pl")
    assert polish.num_plurals == 3
    plurals = [message for message in polish if message.pluralizable]
    assert plurals
    for message in plurals:
        assert all(message.string) and len(message.string) == 3, message.id


def messages_of(catalog) -> dict:
    def plain(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    # Untranslated entries (the Polish catalogue's source texts) are left out of a compiled file.
    return {plain(message.id): plain(message.string) for message in catalog if message.id and any(plain(message.string))}


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_compiled_catalogue_matches_the_po_file(lang):
    """Compared by content: the .mo header (and so its bytes) differs between Babel versions."""
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as mo_file:
        compiled = read_mo(mo_file)
    assert messages_of(compiled) == messages_of(catalogue(lang)), "run make test (or pybabel compile) to recompile"
