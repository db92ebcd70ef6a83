"""Business rules of the resident side: which survey a counter's token shows, and storing an answer."""
from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.exc import IntegrityError

from extensions import db
from survey.models import Answer, Response, RetiredToken, ServicePoint, Survey, SurveyVersion, utcnow


class CounterStatus(enum.Enum):
    OPEN = "open"
    UNKNOWN = "unknown"
    RETIRED = "retired"  # the token was rotated: an old poster
    INACTIVE = "inactive"  # the counter (or its department, or its survey) is switched off


@dataclass
class CounterLookup:
    status: CounterStatus
    service_point: ServicePoint | None = None
    version: SurveyVersion | None = None


def default_survey_id() -> int | None:
    return db.session.scalar(sa.select(Survey.id).where(Survey.active.is_(True)).order_by(Survey.id).limit(1))


def current_version_of(survey_id: int | None) -> SurveyVersion | None:
    """The newest version of an active survey, with its questions, in one round trip each."""
    if survey_id is None:
        return None
    return db.session.scalar(
        sa.select(SurveyVersion)
        .join(Survey)
        .where(SurveyVersion.survey_id == survey_id, Survey.active.is_(True))
        .order_by(SurveyVersion.number.desc())
        .limit(1)
        .options(so.selectinload(SurveyVersion.questions))
    )


def find_counter(token: str) -> CounterLookup:
    """Resolve a public token to the counter and the survey version it currently shows."""
    service_point = db.session.scalar(
        sa.select(ServicePoint).where(ServicePoint.token == token).options(so.joinedload(ServicePoint.department))
    )
    if service_point is None:
        if db.session.get(RetiredToken, token) is not None:
            return CounterLookup(CounterStatus.RETIRED)
        return CounterLookup(CounterStatus.UNKNOWN)
    if not (service_point.active and service_point.department.active):
        return CounterLookup(CounterStatus.INACTIVE, service_point)
    version = current_version_of(service_point.survey_id or default_survey_id())
    if version is None:
        return CounterLookup(CounterStatus.INACTIVE, service_point)
    return CounterLookup(CounterStatus.OPEN, service_point, version)


def new_submission_id() -> str:
    return secrets.token_urlsafe(18)


def store_response(
    service_point: ServicePoint,
    version: SurveyVersion,
    answers: dict[str, int | str],
    *,
    language: str = "pl",
    channel: str = "web",
    submission_id: str | None = None,
    submitted_at: datetime | None = None,
) -> bool:
    """Store one response with all its answers in one transaction.

    Returns False when ``submission_id`` was already stored (a double tap or a retry): the
    response exists once and nothing else is written.
    """
    questions = {q.code: q for q in version.questions}
    # Core INSERTs rather than the ORM unit of work: this is the hottest write path of the service.
    insert_response = (
        sa.insert(Response)
        .values(
            service_point_id=service_point.id,
            survey_version_id=version.id,
            submitted_at=submitted_at or utcnow(),
            language=language,
            channel=channel,
            submission_id=submission_id or None,
        )
        .returning(Response.id)
    )
    try:
        response_id = db.session.execute(insert_response).scalar_one()
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
            db.session.execute(sa.insert(Answer), answer_rows)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if submission_id and db.session.scalar(
            sa.select(sa.func.count()).select_from(Response).where(Response.submission_id == submission_id)
        ):
            return False
        raise
    return True
