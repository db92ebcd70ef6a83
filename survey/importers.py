"""Paper forms: importing transcribed answers from a long-format CSV file.

The file has the header ``response_id,submitted_at,service_point,question,value`` and one row per answer.
The whole file is checked first, without touching the database's write lock; if any line is wrong nothing
is stored and every bad line is reported with its number and the reason — also what the CSV reader itself
cannot read (a quote that is never closed, a field over the reader's limit), absurd dates and characters
that cannot be stored (``survey.text_safety``). Only then are the responses written, in short transactions
(``survey.import_store``) so residents' answers keep arriving during a large import. Responses are keyed by
``external_id = "paper:<response_id>"``, so importing the same file again adds nothing. Imported responses
have the channel ``paper``.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from comments.matches import CommentMatcher
from comments.redaction import redact_answers
from comments.queries import record_redactions
from extensions import db
from survey.import_store import EXTERNAL_ID_PREFIX, PaperRows, store_paper_responses
from survey.models import Question, Response, ServicePoint, Survey, SurveyVersion, utcnow
from survey.text_safety import describe_character, first_forbidden_character

COLUMNS = ("response_id", "submitted_at", "service_point", "question", "value")
MAX_RESPONSE_ID_LENGTH = 100
YES = {"1", "yes", "tak", "true", "t", "y"}
NO = {"0", "no", "nie", "false", "f", "n"}
# A timestamp a little ahead of the clock is a typo in the date, not a paper form from the future.
FUTURE_TOLERANCE = timedelta(hours=1)
# Paper forms of this service are recent; a date before this is a typo (0001-01-01 would even overflow).
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
_UNDECODABLE = re.compile("[\udc80-\udcff]")
# A quoted field that holds a line break followed by what looks like the next row: a quote left open.
_SWALLOWED_ROW = re.compile(r"[\r\n][^,\r\n]*,\s*\d{4}-\d\d-\d\d[T ]")
SHOWN_CHARACTERS = 60
# About a million answer lines: far beyond any office's paper forms, small enough to check in memory.
MAX_FILE_BYTES = 100_000_000


def shown(raw: str) -> str:
    """``raw`` quoted for a message, cut short: a 200,000-character field must not flood the terminal."""
    return repr(raw if len(raw) <= SHOWN_CHARACTERS else raw[:SHOWN_CHARACTERS] + "…")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class ImportFileError(ValueError):
    """The file cannot be imported; ``problems`` names every bad line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(slots=True)
class PaperResponse:
    response_id: str
    first_line: int
    submitted_at: datetime
    service_point: ServicePoint
    answers: dict[str, tuple[int, int | str]] = field(default_factory=dict)  # code -> (line, value)


@dataclass(frozen=True)
class ImportResult:
    imported: int
    answers: int
    already_imported: int


@dataclass
class _Context:
    version: SurveyVersion
    questions: dict[str, Question]
    service_points: dict[str, ServicePoint]
    now: datetime
    matcher: CommentMatcher


def parse_value(question: Question, raw: str) -> int | str:
    """The stored value of one answer, or ``ValueError`` with a reason a person can act on."""
    if question.kind in ("rating_5", "nps"):
        low, high = (1, 5) if question.kind == "rating_5" else (0, 10)
        if not re.fullmatch(r"\d{1,2}", raw) or not low <= int(raw) <= high:
            raise ValueError(f"{question.code} ({question.kind}) must be a whole number from {low} to {high}, got {shown(raw)}")
        return int(raw)
    if question.kind == "yes_no":
        if raw.lower() in YES:
            return 1
        if raw.lower() in NO:
            return 0
        raise ValueError(f"{question.code} (yes_no) must be yes/no (tak/nie, 1/0), got {shown(raw)}")
    if question.kind == "single_choice":
        allowed = [o["value"] for o in question.options or []]
        if raw not in allowed:
            raise ValueError(f"{question.code} must be one of {', '.join(allowed)}, got {shown(raw)}")
        return raw
    limit = question.max_length or 1000
    if len(raw) > limit:
        raise ValueError(f"{question.code} is longer than {limit} characters")
    return raw


def parse_timestamp(raw: str, now: datetime) -> datetime:
    """The moment in UTC, or ``ValueError``: not ISO 8601, no offset, before ``EARLIEST`` or in the future."""
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"submitted_at {shown(raw)} is not an ISO 8601 date and time (e.g. 2026-09-30T10:15:00+02:00)") from None
    if moment.tzinfo is None:
        raise ValueError(f"submitted_at {shown(raw)} needs a UTC offset or Z (e.g. 2026-09-30T10:15:00+02:00)")
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:30:00+01:00 is a moment before year 1 in UTC
        moment = EARLIEST - timedelta(days=1) if moment.year < EARLIEST.year else datetime.max.replace(tzinfo=timezone.utc)
    if moment < EARLIEST:
        raise ValueError(f"submitted_at {shown(raw)} lies before {EARLIEST:%Y-%m-%d}; check the year")
    if moment > now + FUTURE_TOLERANCE:
        raise ValueError(f"submitted_at {shown(raw)} lies in the future")
    return moment


class UnreadableCsv(ValueError):
    """The CSV reader stopped: the file cannot be read past ``line``."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def _rows(data: bytes):
    """``(line number, fields)`` per CSV record; bytes that are not UTF-8 survive as surrogates to be reported.

    The reader is strict, so a quote that is never closed ends in an ``UnreadableCsv`` naming the line where
    the record began instead of swallowing the rest of the file into one field.
    """
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableCsv(start, _csv_error_message(str(exc), start, reader.line_num)) from None
        yield start, fields
        start = reader.line_num + 1


def _csv_error_message(error: str, start: int, stopped: int) -> str:
    if "field larger than field limit" in error:
        return f"a field is longer than {csv.field_size_limit()} characters; nothing after it can be read"
    where = f"lines {start}–{stopped}" if stopped > start else f"line {start}"
    if "unexpected end of data" in error:
        return f"a quoted field starts on {where} but its closing quote (\") is missing"
    return f"the CSV cannot be read on {where} ({error}); check the quotes (\") of this record"


def _check_header(header: list[str]) -> list[Problem]:
    names = [name.strip().lower() for name in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        return [Problem(1, f"missing column(s) {', '.join(missing)}; the header must be {','.join(COLUMNS)}")]
    if names != list(COLUMNS):
        return [Problem(1, f"the header must be exactly {','.join(COLUMNS)} (got {','.join(header)})")]
    return []


def _field_problem(fields: list[str]) -> str | None:
    """Why the raw fields of a row cannot be taken as text at all, or None (one scan of the joined row)."""
    row = "\t".join(fields)  # a tab is allowed text, so joining hides nothing
    if _UNDECODABLE.search(row):
        return "is not valid UTF-8 text (save the file as UTF-8)"
    if ("\n" in row or "\r" in row) and any(_SWALLOWED_ROW.search(f) for f in fields):
        return "a quoted field runs over the following lines, which look like rows: a closing quote (\") is missing"
    character = first_forbidden_character(row)
    if character is not None:
        return f"contains a control character or another character that cannot be stored ({describe_character(character)})"
    return None


def _check_row(line: int, fields: list[str], ctx: _Context, responses: dict[str, PaperResponse]) -> list[str]:
    """Validate one row and add it to ``responses``; returns the reasons it is wrong."""
    field_problem = _field_problem(fields)
    if field_problem:
        return [field_problem]
    if len(fields) != len(COLUMNS):
        return [f"expected {len(COLUMNS)} columns ({','.join(COLUMNS)}), found {len(fields)}"]
    response_id, raw_time, point_code, code, raw_value = (f.strip() for f in fields)
    reasons: list[str] = []
    if not response_id or len(response_id) > MAX_RESPONSE_ID_LENGTH:
        reasons.append(f"response_id must be 1 to {MAX_RESPONSE_ID_LENGTH} characters")
    submitted_at = value = None
    try:
        submitted_at = parse_timestamp(raw_time, ctx.now)
    except ValueError as exc:
        reasons.append(str(exc))
    point = ctx.service_points.get(point_code)
    if point is None:
        reasons.append(f"unknown service point {shown(point_code)}")
    question = ctx.questions.get(code)
    if question is None:
        reasons.append(f"unknown question {shown(code)} (survey {ctx.version.survey.code} asks {', '.join(ctx.questions)})")
    elif raw_value:
        try:
            value = parse_value(question, raw_value)
        except ValueError as exc:
            reasons.append(str(exc))
    if reasons:
        return reasons
    return _add_to_response(line, response_id, submitted_at, point, code, value, responses)


def _add_to_response(line, response_id, submitted_at, point, code, value, responses) -> list[str]:
    response = responses.setdefault(response_id, PaperResponse(response_id, line, submitted_at, point))
    if response.submitted_at != submitted_at or response.service_point.id != point.id:
        return [f"response {response_id!r} has another submitted_at or service_point on line {response.first_line}"]
    if code in response.answers:
        return [f"question {code!r} of response {response_id!r} is already answered on line {response.answers[code][0]}"]
    if value is not None:  # an empty value is an unanswered question
        response.answers[code] = (line, value)
    return []


def _check_required(responses: dict[str, PaperResponse], ctx: _Context) -> list[Problem]:
    required = [code for code, q in ctx.questions.items() if q.required]
    return [
        Problem(r.first_line, f"response {r.response_id!r} has no answer to the required question {code!r}")
        for r in responses.values()
        for code in required
        if code not in r.answers
    ]


def validate_file(data: bytes, ctx: _Context) -> dict[str, PaperResponse]:
    """Every response of the file, or ``ImportFileError`` listing every bad line."""
    rows = _rows(data)
    try:
        first = next(rows, None)
    except UnreadableCsv as exc:
        raise ImportFileError([Problem(exc.line, str(exc))]) from None
    if first is None:
        raise ImportFileError([Problem(1, f"the file is empty; the header must be {','.join(COLUMNS)}")])
    header_problems = _check_header(first[1])
    if header_problems:
        raise ImportFileError(header_problems)
    problems: list[Problem] = []
    responses: dict[str, PaperResponse] = {}
    try:
        for line, fields in rows:
            if not any(f.strip() for f in fields):
                continue
            problems.extend(Problem(line, reason) for reason in _check_row(line, fields, ctx, responses))
    except UnreadableCsv as exc:
        problems.append(Problem(exc.line, str(exc)))
        raise ImportFileError(problems) from None
    problems.extend(_check_required(responses, ctx))
    if problems:
        raise ImportFileError(problems)
    if not responses:
        raise ImportFileError([Problem(1, "the file has a header but no answers")])
    return responses


def _context(survey_code: str) -> _Context:
    survey = db.session.scalar(sa.select(Survey).where(Survey.code == survey_code))
    if survey is None or survey.current_version is None:
        raise ImportFileError([Problem(0, f"unknown survey {survey_code!r}")])
    version = survey.current_version
    points = {p.code: p for p in db.session.scalars(sa.select(ServicePoint))}
    return _Context(version, {q.code: q for q in version.questions}, points, utcnow(), CommentMatcher())


def _already_imported(response_ids: list[str]) -> set[str]:
    external_ids = [EXTERNAL_ID_PREFIX + r for r in response_ids]
    found: set[str] = set()
    for offset in range(0, len(external_ids), 500):
        chunk = external_ids[offset:offset + 500]
        found |= set(db.session.scalars(sa.select(Response.external_id).where(Response.external_id.in_(chunk))))
    return {e.removeprefix(EXTERNAL_ID_PREFIX) for e in found}


def paper_rows(paper: PaperResponse, ctx: _Context, removed: dict[int, Counter] | None = None) -> PaperRows:
    """The response row and its answer rows, ready for Core INSERTs (no ORM object per response); comments
    without personal data (``comments.redaction``), what was removed counted per counter in ``removed``."""
    values, found = redact_answers({code: value for code, (_line, value) in paper.answers.items()},
                                   [code for code, question in ctx.questions.items() if question.kind == "text"])
    if found and removed is not None:
        removed.setdefault(paper.service_point.id, Counter()).update(found)
    response = {
        "service_point_id": paper.service_point.id,
        "survey_version_id": ctx.version.id,
        "submitted_at": paper.submitted_at,
        "language": "pl",
        "channel": "paper",
        "external_id": EXTERNAL_ID_PREFIX + paper.response_id,
    }
    answers = [
        {
            "question_id": ctx.questions[code].id,
            "value_int": value if isinstance(value, int) else None,
            "value_text": value if isinstance(value, str) else None,
        }
        for code, value in values.items()
    ]
    matches = ctx.matcher.rows([value if ctx.questions[code].kind == "text" and isinstance(value, str) else None
                          for code, value in values.items()])
    return PaperRows(response, answers, matches)


def import_responses(data: bytes, survey_code: str, *, source_name: str = "") -> ImportResult:
    """Validate the whole file, then store its new responses: all of them or, on any failure, none."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError([Problem(0, f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB; split it into smaller files")])
    ctx = _context(survey_code)
    responses = validate_file(data, ctx)
    known = _already_imported(list(responses))
    new = [r for r in responses.values() if r.response_id not in known]
    removed: dict[int, Counter] = {}
    rows = [paper_rows(r, ctx, removed) for r in new]
    # End the read transaction first: on SQLite a read snapshot that residents' answers have overtaken could
    # not be turned into a write, and nothing of the validation needs to stay locked.
    db.session.rollback()
    audit = {"source": source_name, "survey": survey_code, "imported": len(new), "already_imported": len(known)}
    answers = store_paper_responses(rows, audit)
    for service_point_id, counts in removed.items():
        record_redactions(counts, service_point_id, "paper")
    db.session.commit()
    return ImportResult(imported=len(new), answers=answers, already_imported=len(known))
