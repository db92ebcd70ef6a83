"""Personal data in residents' comments, replaced by markers before anything is stored.

Residents write PESEL numbers, phone numbers, e-mail addresses, document and bank account numbers,
registration plates, VINs and case file signatures into "anonymous" comments. ``redact`` replaces each by a
marker such as ``[PESEL]`` and says how many of each kind it removed; the values themselves are never kept.

Numbers that only look like personal data stay: an 11-digit number whose PESEL checksum fails is not a
PESEL, a 10-digit one whose NIP checksum fails is not a NIP, and dates, prices and ticket numbers match no
pattern. The patterns run in an order that lets the longer, more specific kinds (e-mail, account number,
case signature, VIN) claim their digits before the shorter ones (PESEL, NIP, phone) look at them.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

MARKERS = {
    "email": "[E-MAIL]",
    "bank_account": "[NR KONTA]",
    "case_signature": "[ZNAK SPRAWY]",
    "vin": "[VIN]",
    "pesel": "[PESEL]",
    "nip": "[NIP]",
    "phone": "[TELEFON]",
    "id_card": "[NR DOWODU]",
    "passport": "[NR PASZPORTU]",
    "vehicle_registration": "[NR REJESTRACYJNY]",
}
KINDS = tuple(MARKERS)

PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# NRB: 26 digits, usually in groups "12 3456 7890 ..."; IBAN adds "PL" in front.
_BANK_ACCOUNT = re.compile(r"(?<![\w])(?:PL ?)?\d{2}(?: ?\d{4}){6}(?![\w])", re.IGNORECASE)
# Signatures of the uniform file list (JRWA): unit symbol, class, number(s), year, optional initials,
# e.g. "KM.5410.12.2024", "GN.6821.3.15.2023.AB", "OR-I.0012.5.2024".
_CASE_SIGNATURE = re.compile(
    r"(?<![\w.])[A-Za-zŁŚŻŹĆŃÓĘĄłśżźćńóęą]{1,6}(?:-[A-Za-z0-9]{1,4})?\.\d{3,4}(?:\.\d{1,6})+\.(?:19|20)\d{2}"
    r"(?:\.[A-Za-z]{1,4})?(?![\w.])"
)
# A VIN: 17 characters without I, O and Q, letters and digits mixed.
_VIN = re.compile(r"(?<![\w])(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}(?![\w])", re.IGNORECASE)
_ELEVEN_DIGITS = re.compile(r"(?<![\w])\d{11}(?![\w])")
_NIP = re.compile(r"(?<![\w])(?:PL ?)?(\d{3}-\d{3}-\d{2}-\d{2}|\d{3}-\d{2}-\d{2}-\d{3}|\d{10})(?![\w-])", re.IGNORECASE)
# Mobile and landline numbers, with or without +48 / 0048, in groups of 3-3-3 or (2) 3-2-2.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00) ?48[ -]?)?"
    r"(?:\d{3}[ -]?\d{3}[ -]?\d{3}|\(\d{2}\) ?\d{3}[ -]?\d{2}[ -]?\d{2}|\d{2} \d{3}[ -]\d{2}[ -]\d{2})(?![\w])"
)
# Identity card: three letters and six digits; passport: two letters and seven digits.
_ID_CARD = re.compile(r"(?<![\w])[A-Za-z]{3} ?\d{6}(?![\w])")
_PASSPORT = re.compile(r"(?<![\w])[A-Za-z]{2} ?\d{7}(?![\w])")
# Polish plates, capitals only (written in lower case they are indistinguishable from words): the
# voivodeship's letter and the county's one or two, then five (or, after three letters, four or five)
# characters starting with a digit, e.g. "WA 12345", "KR 7V123", "WPI 1234A".
_PLATE = re.compile(r"(?<![\w])(?:[BCDEFGKLNOPRSTWZ][A-Z] ?\d[0-9A-Z]{4}|[BCDEFGKLNOPRSTWZ][A-Z]{2} ?\d[0-9A-Z]{3,4})(?![\w])")


def _digits(text: str) -> list[int]:
    return [int(c) for c in text if c.isdigit()]


def pesel_is_valid(number: str) -> bool:
    digits = _digits(number)
    if len(digits) != 11:
        return False
    total = sum(d * w for d, w in zip(digits, PESEL_WEIGHTS))
    return (10 - total % 10) % 10 == digits[10]


def nip_is_valid(number: str) -> bool:
    digits = _digits(number)
    if len(digits) != 10:
        return False
    check = sum(d * w for d, w in zip(digits, NIP_WEIGHTS)) % 11
    return check != 10 and check == digits[9]


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern
    accept: Callable[[re.Match], bool] = lambda _match: True


RULES = (
    _Rule("email", _EMAIL),
    _Rule("bank_account", _BANK_ACCOUNT),
    _Rule("case_signature", _CASE_SIGNATURE),
    _Rule("vin", _VIN),
    _Rule("pesel", _ELEVEN_DIGITS, lambda m: pesel_is_valid(m.group(0))),
    _Rule("nip", _NIP, lambda m: nip_is_valid(m.group(1))),
    _Rule("phone", _PHONE),
    _Rule("id_card", _ID_CARD),
    _Rule("passport", _PASSPORT),
    _Rule("vehicle_registration", _PLATE),
)


@dataclass(frozen=True)
class Redaction:
    text: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.counts)


def redact(text: str) -> Redaction:
    """``text`` with personal data replaced by markers, and how many of each kind were replaced."""
    counts: Counter[str] = Counter()
    for rule in RULES:
        def replace(match: re.Match, rule: _Rule = rule) -> str:
            if not rule.accept(match):
                return match.group(0)
            counts[rule.kind] += 1
            return MARKERS[rule.kind]

        text = rule.pattern.sub(replace, text)
    return Redaction(text, dict(counts))


def redact_answers(answers: dict[str, int | str], text_codes: Iterable[str]) -> tuple[dict[str, int | str], Counter]:
    """``answers`` with personal data removed from the comments (``text_codes``), and what was removed."""
    removed: Counter = Counter()
    cleaned = dict(answers)
    for code in text_codes:
        value = cleaned.get(code)
        if isinstance(value, str) and value:
            result = redact(value)
            cleaned[code] = result.text
            removed.update(result.counts)
    return cleaned, removed


def redaction_rows(removed: Counter, service_point_id: int | None, source: str) -> list[dict]:
    """Rows for ``comment_redaction_counts`` (inserted in the caller's transaction)."""
    return [{"at": datetime.now(timezone.utc), "service_point_id": service_point_id, "source": source, "kind": kind, "n": n}
            for kind, n in sorted(removed.items())]
