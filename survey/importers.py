"""Paper forms: importing transcribed answers from a long-format CSV file.

The file has the header ``response_id,submitted_at,service_point,question,value`` and one row per answer.
The whole file is checked first; if any line is wrong nothing is stored and every bad line is reported
with its number and the reason. Responses are keyed by ``external_id = "paper:<response_id>"``, so
importing the same file again adds nothing. Imported responses have the channel ``paper``.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from comments.redaction import redact_answers
from comments.services import record_redactions
from extensions import db
from survey.models import Answer, AuditLog, Question, Response, ServicePoint, Survey, SurveyVersion, utcnow

COLUMNS = ("response_id", "submitted_at", "service_point", "question", "value")
EXTERNAL_ID_PREFIX = "paper:"
MAX_RESPONSE_ID_LENGTH = 100
YES = {"1", "yes", "tak", "true", "t", "y"}
NO = {"0", "no", "nie", "false", "f", "n"}
# A timestamp a little ahead of the clock is a typo in the date, not a paper form from the future.
FUTURE_TOLERANCE = timedelta(hours=1)
_UNDECODABLE = re.compile("[\udc80-\udcff]")


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


@dataclass
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


def parse_value(question: Question, raw: str) -> int | str:
    """The stored value of one answer, or ``ValueError`` with a reason a person can act on."""
    if question.kind in ("rating_5", "nps"):
        low, high = (1, 5) if question.kind == "rating_5" else (0, 10)
        if not re.fullmatch(r"\d{1,2}", raw) or not low <= int(raw) <= high:
            raise ValueError(f"{question.code} ({question.kind}) must be a whole number from {low} to {high}, got {raw!r}")
        return int(raw)
    if question.kind == "yes_no":
        if raw.lower() in YES:
            return 1
        if raw.lower() in NO:
            return 0
        raise ValueError(f"{question.code} (yes_no) must be yes/no (tak/nie, 1/0), got {raw!r}")
    if question.kind == "single_choice":
        allowed = [o["value"] for o in question.options or []]
        if raw not in allowed:
            raise ValueError(f"{question.code} must be one of {', '.join(allowed)}, got {raw!r}")
        return raw
    limit = question.max_length or 1000
    if len(raw) > limit:
        raise ValueError(f"{question.code} is longer than {limit} characters")
    return raw


def parse_timestamp(raw: str, now: datetime) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"submitted_at {raw!r} is not an ISO 8601 date and time (e.g. 2026-09-30T10:15:00+02:00)") from None
    if moment.tzinfo is None:
        raise ValueError(f"submitted_at {raw!r} needs a UTC offset or Z (e.g. 2026-09-30T10:15:00+02:00)")
    moment = moment.astimezone(timezone.utc)
    if moment > now + FUTURE_TOLERANCE:
        raise ValueError(f"submitted_at {raw!r} lies in the future")
    return moment


def _rows(data: bytes):
    """``(line number, fields)`` per CSV record; bytes that are not UTF-8 survive as surrogates to be reported."""
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for fields in reader:
        yield start, fields
        start = reader.line_num + 1


def _check_header(header: list[str]) -> list[Problem]:
    names = [name.strip().lower() for name in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        return [Problem(1, f"missing column(s) {', '.join(missing)}; the header must be {','.join(COLUMNS)}")]
    if names != list(COLUMNS):
        return [Problem(1, f"the header must be exactly {','.join(COLUMNS)} (got {','.join(header)})")]
    return []


def _check_row(line: int, fields: list[str], ctx: _Context, responses: dict[str, PaperResponse]) -> list[str]:
    """Validate one row and add it to ``responses``; returns the reasons it is wrong."""
    if any(_UNDECODABLE.search(f) for f in fields):
        return ["is not valid UTF-8 text (save the file as UTF-8)"]
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
        reasons.append(f"unknown service point {point_code!r}")
    question = ctx.questions.get(code)
    if question is None:
        reasons.append(f"unknown question {code!r} (survey {ctx.version.survey.code} asks {', '.join(ctx.questions)})")
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
    first = next(rows, None)
    if first is None:
        raise ImportFileError([Problem(1, f"the file is empty; the header must be {','.join(COLUMNS)}")])
    header_problems = _check_header(first[1])
    if header_problems:
        raise ImportFileError(header_problems)
    problems: list[Problem] = []
    responses: dict[str, PaperResponse] = {}
    for line, fields in rows:
        if not any(f.strip() for f in fields):
            continue
        problems.extend(Problem(line, reason) for reason in _check_row(line, fields, ctx, responses))
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
    return _Context(version, {q.code: q for q in version.questions}, points, utcnow())


def _already_imported(response_ids: list[str]) -> set[str]:
    external_ids = [EXTERNAL_ID_PREFIX + r for r in response_ids]
    found: set[str] = set()
    for offset in range(0, len(external_ids), 500):
        chunk = external_ids[offset:offset + 500]
        found |= set(db.session.scalars(sa.select(Response.external_id).where(Response.external_id.in_(chunk))))
    return {e.removeprefix(EXTERNAL_ID_PREFIX) for e in found}


def import_responses(data: bytes, survey_code: str, *, source_name: str = "") -> ImportResult:
    """Validate the whole file, then store its new responses in one transaction (all or nothing)."""
    ctx = _context(survey_code)
    responses = validate_file(data, ctx)
    known = _already_imported(list(responses))
    new = [r for r in responses.values() if r.response_id not in known]
    for paper in new:
        response = Response(
            service_point_id=paper.service_point.id,
            survey_version_id=ctx.version.id,
            submitted_at=paper.submitted_at,
            language="pl",
            channel="paper",
            external_id=EXTERNAL_ID_PREFIX + paper.response_id,
        )
        values, removed = redact_answers({code: value for code, (_line, value) in paper.answers.items()},
                                         [code for code, q in ctx.questions.items() if q.kind == "text"])
        record_redactions(removed, paper.service_point.id, "paper")
        for code, value in values.items():
            question_id = ctx.questions[code].id
            if isinstance(value, int):
                response.answers.append(Answer(question_id=question_id, value_int=value))
            else:
                response.answers.append(Answer(question_id=question_id, value_text=value))
        db.session.add(response)
    answers = sum(len(r.answers) for r in new)
    db.session.add(AuditLog(
        action="import-responses",
        entity="response",
        details={"source": source_name, "survey": survey_code, "imported": len(new), "already_imported": len(known)},
    ))
    db.session.commit()
    return ImportResult(imported=len(new), answers=answers, already_imported=len(known))
