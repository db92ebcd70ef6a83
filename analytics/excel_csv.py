"""The responses as a CSV that Polish Excel opens as it is (``--format csv-excel``): ``;`` between columns,
UTF-8 with a byte-order mark, CRLF line ends, readable Polish column names (the question's text rather than
its code) and values ("tak", the chosen answer's words, "26.11.2026 14:05", "Wydział Komunikacji").

The plain CSV stays the machine-readable export (codes, ISO timestamps); this one is for reading.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from analytics.exports import BASE_COLUMNS, csv_chunks, question_codes, response_records, safe_csv_value
from analytics.periods import Period
from analytics.service import Scope
from extensions import db
from survey.models import Department, Question, ServicePoint

BASE_HEADINGS = ("Nr odpowiedzi", "Nr formularza papierowego", "Data i godzina", "Wydział", "Stanowisko", "Sposób wypełnienia",
                 "Język ankiety")
CHANNELS = {"web": "telefon (kod QR)", "kiosk": "tablet przy stanowisku", "paper": "formularz papierowy"}
LANGUAGES = {"pl": "polski", "en": "angielski"}
YES_NO = {1: "tak", 0: "nie"}
PAPER_PREFIX = "paper:"


def _newest_questions(codes: list[str]) -> dict[str, Question]:
    newest: dict[str, Question] = {}
    for question in db.session.scalars(sa.select(Question).where(Question.code.in_(codes)).order_by(Question.id.desc())):
        newest.setdefault(question.code, question)
    return newest


def _names(model: Any) -> dict[str, str]:
    return dict(db.session.execute(sa.select(model.code, model.name)).all())


class ExcelRows:
    """Turns the export's records (codes, stored values) into readable Polish rows."""

    def __init__(self, codes: list[str]):
        self.codes = codes
        self.questions = _newest_questions(codes)
        self.departments = _names(Department)
        self.counters = _names(ServicePoint)

    def header(self) -> list[str]:
        texts = [self.questions[c].text_pl if c in self.questions else c for c in self.codes]
        return [*BASE_HEADINGS, *texts]

    def answer(self, code: str, value: Any) -> Any:
        question = self.questions.get(code)
        if value is None or question is None:
            return "" if value is None else value
        if question.kind == "yes_no":
            return YES_NO.get(value, value)
        if question.kind == "single_choice":
            return question.option_label(value, "pl")
        return value

    def row(self, record: list[Any]) -> list[Any]:
        response_id, external_id, submitted_at, department, counter, channel, language = record[: len(BASE_COLUMNS)]
        moment = datetime.fromisoformat(submitted_at).strftime("%d.%m.%Y %H:%M")
        paper_number = external_id[len(PAPER_PREFIX):] if external_id and external_id.startswith(PAPER_PREFIX) else (external_id or "")
        base = [response_id, paper_number, moment, self.departments.get(department, department),
                self.counters.get(counter, counter), CHANNELS.get(channel, channel), LANGUAGES.get(language, language)]
        answers = [self.answer(code, value) for code, value in zip(self.codes, record[len(BASE_COLUMNS):])]
        return [safe_csv_value(value) for value in base + answers]


def excel_csv_chunks(period: Period, scope: Scope, rows_per_chunk: int = 2000) -> Iterator[tuple[str, int]]:
    """The Excel CSV (header first) in pieces of text with how many responses each holds, for streaming."""
    codes = question_codes()
    rows = ExcelRows(codes)
    return csv_chunks(rows.header(), (rows.row(record) for record in response_records(period, scope, codes)),
                      rows_per_chunk, delimiter=";", lineterminator="\r\n")
