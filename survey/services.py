"""Business rules of the resident side: which survey a counter's token shows, and storing an answer."""
from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
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


def default_survey() -> Survey | None:
    return db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)).order_by(Survey.id).limit(1))


def find_counter(token: str) -> CounterLookup:
    """Resolve a public token to the counter and the survey version it currently shows."""
    service_point = db.session.scalar(sa.select(ServicePoint).where(ServicePoint.token == token))
    if service_point is None:
        if db.session.get(RetiredToken, token) is not None:
            return CounterLookup(CounterStatus.RETIRED)
        return CounterLookup(CounterStatus.UNKNOWN)
    survey = service_point.survey or default_survey()
    version = survey.current_version if survey is not None and survey.active else None
    if not (service_point.active and service_point.department.active and version is not None):
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
    response = Response(
        service_point_id=service_point.id,
        survey_version_id=version.id,
        submitted_at=submitted_at or utcnow(),
        language=language,
        channel=channel,
        submission_id=submission_id or None,
    )
    for code, value in answers.items():
        question = questions[code]
        if isinstance(value, int):
            response.answers.append(Answer(question_id=question.id, value_int=value))
        else:
            response.answers.append(Answer(question_id=question.id, value_text=value))
    db.session.add(response)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if submission_id and db.session.scalar(
            sa.select(sa.func.count()).select_from(Response).where(Response.submission_id == submission_id)
        ):
            return False
        raise
    return True
