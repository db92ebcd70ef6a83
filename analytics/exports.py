"""Raw responses of a period and scope as CSV or XLSX, and the indicators as further XLSX sheets.

One row per response, one column per question code (codes in the order the surveys ask them). Values are
the stored ones: ``rating_5`` 1–5, ``nps`` 0–10, ``yes_no`` 1 = tak / 0 = nie, ``single_choice`` the option's
code, ``text`` the resident's words. ``submitted_at`` is the office's local time with its UTC offset.

Rows are streamed from the database in batches (no ORM object per response), so a quarter of a large office
exports without holding every answer in memory. Residents' text could start with ``=``, ``+``, ``-`` or
``@``, which spreadsheet programs run as a formula: the CSV prefixes such cells with an apostrophe and the
XLSX stores every text cell explicitly as a string. Text stored before every entry refused control
characters may still hold some; both formats drop them (``survey.text_safety.clean_text``), so the XLSX stays
a valid file.
"""
from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from typing import IO, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from analytics import queries
from analytics.periods import Period
from analytics.service import Scope
from extensions import db
from survey.models import Answer, Department, Question, Response, ServicePoint
from survey.text_safety import clean_text

# ``external_id``: the paper form's number (``paper:<id>``) or another source's key; empty for phone answers.
BASE_COLUMNS = ("response_id", "external_id", "submitted_at", "department", "service_point", "channel", "language")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STREAM_BATCH = 5000

INDICATOR_COLUMNS = (
    "scope", "scope_code", "scope_name", "responses", "question", "kind", "n", "mean", "csat", "csat_ci_low",
    "csat_ci_high", "nps", "promoters", "passives", "detractors", "yes_share", "yes_share_ci_low",
    "yes_share_ci_high", "csat_change", "csat_change_p_value", "csat_change_significant", "distribution",
)
OBJECTIVE_COLUMNS = ("name", "scope", "scope_code", "indicator", "question", "comparator", "target", "min_sample",
                     "value", "n", "status")


def question_codes() -> list[str]:
    questions, _ids = queries.question_catalog()
    return [q["code"] for q in questions]


def _answer_rows_statement(period: Period, scope: Scope):
    statement = (
        sa.select(
            Response.id,
            Response.external_id,
            Response.submitted_at,
            Department.code,
            ServicePoint.code,
            Response.channel,
            Response.language,
            Question.code,
            Answer.value_int,
            Answer.value_text,
        )
        .select_from(Response)
        .join(ServicePoint, ServicePoint.id == Response.service_point_id)
        .join(Department, Department.id == ServicePoint.department_id)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .outerjoin(Question, Question.id == Answer.question_id)
        .where(Response.submitted_at >= period.start, Response.submitted_at < period.end)
        .order_by(Response.id)
    )
    if scope.service_point_ids is not None:
        statement = statement.where(Response.service_point_id.in_(scope.service_point_ids))
    return statement.execution_options(yield_per=STREAM_BATCH)


def response_records(period: Period, scope: Scope, codes: list[str]) -> Iterator[list[Any]]:
    """Each response of the period and scope as a list of values in ``BASE_COLUMNS + codes`` order."""
    tz = ZoneInfo(period.tz_name)
    position = {code: index for index, code in enumerate(codes, start=len(BASE_COLUMNS))}
    rows = db.session.execute(_answer_rows_statement(period, scope))
    for response_id, group in itertools.groupby(rows, key=lambda row: row[0]):
        answers = list(group)
        _, external_id, submitted_at, department, service_point, channel, language = answers[0][:7]
        record: list[Any] = [response_id, external_id, submitted_at.astimezone(tz).isoformat(), department,
                             service_point, channel, language] + [None] * len(codes)
        for *_, code, value_int, value_text in answers:
            if code in position:
                record[position[code]] = value_int if value_int is not None else value_text
        yield record


def safe_csv_value(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's CSV-injection advice);
    characters a spreadsheet cannot hold are dropped."""
    value = clean_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(header: list, rows: Iterable[list], rows_per_chunk: int = 2000,
               **csv_format) -> Iterator[tuple[str, int]]:
    """CSV text (header first) in pieces, each with how many rows it holds, for streaming a download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, **csv_format)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
        if count == rows_per_chunk:
            yield buffer.getvalue(), count
            buffer.seek(0)
            buffer.truncate()
            count = 0
    yield buffer.getvalue(), count


def responses_csv_chunks(period: Period, scope: Scope, rows_per_chunk: int = 2000) -> Iterator[tuple[str, int]]:
    """The CSV (header row first) in pieces of text, each with how many responses it holds, for streaming."""
    codes = question_codes()
    rows = ([safe_csv_value(value) for value in record] for record in response_records(period, scope, codes))
    return csv_chunks([*BASE_COLUMNS, *codes], rows, rows_per_chunk)


def write_responses_csv(out: IO[str], period: Period, scope: Scope) -> int:
    """Write the responses as CSV (comma, header row) to a text stream; return how many rows."""
    count = 0
    for text, rows in responses_csv_chunks(period, scope):
        out.write(text)
        count += rows
    return count


def _string_safe_cells(sheet, values: list[Any]) -> list[Any]:
    """Values for a write-only sheet, without characters XML cannot hold; text starting with ``=`` (which
    openpyxl would store as a formula) is wrapped in a cell explicitly typed as a string. Other values go in
    as they are (much faster)."""
    cells = []
    for value in map(clean_text, values):
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def _header(sheet, names: tuple[str, ...] | list[str]) -> list[WriteOnlyCell]:
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _question_row(scope_kind: str, code: str | None, name: str, responses: int, question: dict) -> list[Any]:
    csat_change = question.get("change", {}).get("csat", {})
    distribution = question.get("distribution") or question.get("counts")
    return [
        scope_kind, code, name, responses, question["code"], question["kind"], question["n"],
        question.get("mean"), question.get("csat"), question.get("csat_ci_low"), question.get("csat_ci_high"),
        question.get("nps"), question.get("promoters"), question.get("passives"), question.get("detractors"),
        question.get("yes_share"), question.get("yes_share_ci_low"), question.get("yes_share_ci_high"),
        csat_change.get("difference"), csat_change.get("p_value"), csat_change.get("significant"),
        "; ".join(f"{value}: {count}" for value, count in distribution.items()) if distribution else None,
    ]


def indicator_rows(indicators: dict) -> Iterator[list[Any]]:
    """The indicators JSON flattened: one row per scope (the whole scope, each department, each counter) × question."""
    scope = indicators["scope"]
    for question in indicators["questions"]:
        yield _question_row(scope["kind"], scope["code"], scope["name"], indicators["responses"], question)
    for kind, entries in (("department", indicators["by_department"]), ("service_point", indicators["by_service_point"])):
        for entry in entries:
            for question in entry["questions"]:
                yield _question_row(kind, entry["code"], entry["name"], entry["responses"], question)


def write_responses_xlsx(out: IO[bytes], period: Period, scope: Scope, indicators: dict) -> int:
    """Sheet "Odpowiedzi": the responses; "Wskaźniki": the indicators; "Cele": objectives. Returns the rows."""
    workbook = Workbook(write_only=True)
    responses_sheet = workbook.create_sheet("Odpowiedzi")
    codes = question_codes()
    responses_sheet.append(_header(responses_sheet, [*BASE_COLUMNS, *codes]))
    count = 0
    for record in response_records(period, scope, codes):
        responses_sheet.append(_string_safe_cells(responses_sheet, record))
        count += 1

    indicators_sheet = workbook.create_sheet("Wskaźniki")
    indicators_sheet.append(_header(indicators_sheet, INDICATOR_COLUMNS))
    for row in indicator_rows(indicators):
        indicators_sheet.append(_string_safe_cells(indicators_sheet, row))

    objectives_sheet = workbook.create_sheet("Cele")
    objectives_sheet.append(_header(objectives_sheet, OBJECTIVE_COLUMNS))
    for objective in indicators["objectives"]:
        objectives_sheet.append(_string_safe_cells(objectives_sheet, [objective.get(c) for c in OBJECTIVE_COLUMNS]))
    workbook.save(out)
    return count
