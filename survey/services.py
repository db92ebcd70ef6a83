"""Business rules of the resident side: which survey a counter's token shows, and storing an answer."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from comments.matches import match_rows, with_answer_ids
from comments.models import CommentMatch, RedactionCount
from comments.redaction import redact_answers, redaction_rows
from extensions import db
from survey.models import Answer, Department, Response, RetiredToken, ServicePoint, Survey, SurveyVersion, utcnow
from survey.snapshots import CounterSnapshot, VersionSnapshot, version_snapshot


class CounterStatus(enum.Enum):
    OPEN = "open"
    UNKNOWN = "unknown"
    RETIRED = "retired"  # the token was rotated: an old poster
    INACTIVE = "inactive"  # the counter (or its department, or its survey) is switched off


@dataclass(frozen=True)
class CounterLookup:
    status: CounterStatus
    service_point: CounterSnapshot | None = None
    version: VersionSnapshot | None = None

    @property
    def cache_key(self) -> tuple:
        """Everything of the counter that its survey page shows; a rename or a new version changes it."""
        return (self.service_point, self.version.id if self.version else None)


def _default_survey_id() -> sa.ScalarSelect:
    """A counter without a survey of its own shows the oldest active survey."""
    return sa.select(Survey.id).where(Survey.active.is_(True)).order_by(Survey.id).limit(1).scalar_subquery()


def _newest_version_id(survey_id) -> sa.ScalarSelect:
    return (
        sa.select(SurveyVersion.id)
        .join(Survey)
        .where(SurveyVersion.survey_id == survey_id, Survey.active.is_(True))
        .order_by(SurveyVersion.number.desc())
        .limit(1)
        .scalar_subquery()
    )


# One round trip per survey page or answer: the counter, whether it is open, and the version it shows.
_COUNTER_QUERY = (
    sa.select(
        ServicePoint.id,
        ServicePoint.token,
        ServicePoint.name,
        Department.name.label("department_name"),
        (ServicePoint.active & Department.active).label("open"),
        _newest_version_id(sa.func.coalesce(ServicePoint.survey_id, _default_survey_id())).label("version_id"),
    )
    .join(Department, ServicePoint.department_id == Department.id)
    .where(ServicePoint.token == sa.bindparam("token"))
)


# Core INSERTs built once rather than the ORM unit of work or a statement per call: this is the hottest write
# path of the service, and building a statement costs more than SQLAlchemy's cached compilation of it.
_INSERT_RESPONSE = sa.insert(Response.__table__).returning(Response.__table__.c.id)
# One answer per question: the ids are matched to the rows by question, so that the rows need not come back in
# order (asking for that order, SQLAlchemy inserts them one statement at a time on SQLite).
_INSERT_ANSWERS = sa.insert(Answer.__table__).returning(Answer.__table__.c.question_id, Answer.__table__.c.id)
_INSERT_MATCHES = sa.insert(CommentMatch.__table__)
_INSERT_REDACTIONS = sa.insert(RedactionCount.__table__)


def find_short_code(code: str) -> str | CounterStatus:
    """The token of the counter with this short code, or ``RETIRED`` / ``UNKNOWN``."""
    if len(code) > 16:
        return CounterStatus.UNKNOWN
    token = db.session.scalar(sa.select(ServicePoint.token).where(ServicePoint.short_code == code))
    if token is not None:
        return token
    if db.session.get(RetiredToken, code) is not None:
        return CounterStatus.RETIRED
    return CounterStatus.UNKNOWN


def find_counter(token: str) -> CounterLookup:
    """Resolve a public token to the counter and the survey version it currently shows."""
    row = db.session.connection().execute(_COUNTER_QUERY, {"token": token}).one_or_none()
    if row is None:
        if db.session.get(RetiredToken, token) is not None:
            return CounterLookup(CounterStatus.RETIRED)
        return CounterLookup(CounterStatus.UNKNOWN)
    counter = CounterSnapshot(row.id, row.token, row.name, row.department_name)
    version = version_snapshot(row.version_id) if row.version_id is not None else None
    if not row.open or version is None:
        return CounterLookup(CounterStatus.INACTIVE, counter)
    return CounterLookup(CounterStatus.OPEN, counter, version)


def store_response(
    service_point: ServicePoint | CounterSnapshot,
    version: SurveyVersion | VersionSnapshot,
    answers: dict[str, int | str],
    *,
    language: str = "pl",
    channel: str = "web",
    submission_id: str | None = None,
    submitted_at: datetime | None = None,
) -> bool:
    """Store one response with all its answers in one transaction, comments without personal data
    (``comments.redaction``; only the counts of what was removed are stored).

    Returns False when ``submission_id`` was already stored (a double tap or a retry): the
    response exists once and nothing else is written.
    """
    questions = {q.code: q for q in version.questions}
    text_codes = {q.code for q in version.questions if q.kind == "text"}
    answers, removed = redact_answers(answers, list(text_codes))
    # The comment's themes, found before the write transaction so that no lock waits for Morfeusz.
    matches = match_rows([value if code in text_codes and isinstance(value, str) else None
                          for code, value in answers.items()])
    connection = db.session.connection()  # the session's transaction, without the ORM's bulk-insert machinery
    try:
        response_id = connection.execute(_INSERT_RESPONSE, {
            "service_point_id": service_point.id,
            "survey_version_id": version.id,
            "submitted_at": submitted_at or utcnow(),
            "language": language,
            "channel": channel,
            "submission_id": submission_id or None,
        }).scalar_one()
        answer_rows = [
            {
                "response_id": response_id,
                "question_id": questions[code].id,
                "value_int": value if isinstance(value, int) else None,
                "value_text": value if isinstance(value, str) else None,
            }
            for code, value in answers.items()
        ]
        if answer_rows:
            ids_by_question = dict(connection.execute(_INSERT_ANSWERS, answer_rows).all())
            answer_ids = [ids_by_question[row["question_id"]] for row in answer_rows]
            if matched := with_answer_ids(matches, answer_ids):
                connection.execute(_INSERT_MATCHES, matched)
        if removed:
            connection.execute(_INSERT_REDACTIONS, redaction_rows(removed, service_point.id, channel))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if submission_id and db.session.scalar(
            sa.select(sa.func.count()).select_from(Response).where(Response.submission_id == submission_id)
        ):
            return False
        raise
    return True
