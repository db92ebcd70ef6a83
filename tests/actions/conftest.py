"""Helpers for actions tests: answers on chosen days, actions created through the service."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from actions import services
from extensions import db
from survey.models import Answer, Response, ServicePoint

WARSAW = ZoneInfo("Europe/Warsaw")


def today() -> date:
    return datetime.now(WARSAW).date()


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), WARSAW).astimezone(timezone.utc)


def add_answers(counter: ServicePoint, day: date, ratings: list[int], comment: str | None = None) -> list[Response]:
    """Responses at ``counter`` on ``day`` (local noon), one per rating; the first carries ``comment``."""
    version = counter.survey.current_version
    questions = {q.code: q for q in version.questions}
    responses = []
    for index, rating in enumerate(ratings):
        response = Response(service_point_id=counter.id, survey_version_id=version.id, submitted_at=at_noon(day))
        response.answers.append(Answer(question_id=questions["satisfaction"].id, value_int=rating))
        if comment and index == 0:
            response.answers.append(Answer(question_id=questions["comment"].id, value_text=comment))
        db.session.add(response)
        responses.append(response)
    db.session.commit()
    return responses


def spread(counter: ServicePoint, first: date, days: int, satisfied: int, total: int) -> None:
    """``total`` ratings over ``days`` days from ``first``, ``satisfied`` of them 5 and the rest 2."""
    ratings = [5] * satisfied + [2] * (total - satisfied)
    per_day = -(-total // days)
    for offset in range(days):
        chunk = ratings[offset * per_day:(offset + 1) * per_day]
        if chunk:
            add_answers(counter, first + timedelta(days=offset), chunk)


def make_action(actor, *, scope="department", department=None, service_point=None, owner=None,
                due=None, effective=None, **extra):
    data = services.ActionInput(title=extra.pop("title", "Dodatkowe stanowisko w godzinach szczytu"), kind="corrective",
                                scope=scope, owner=owner or actor, due_date=due or today() + timedelta(days=14),
                                department=department, service_point=service_point, effective_date=effective, **extra)
    return services.save_action(actor, None, data)


@pytest.fixture
def app_config() -> dict:
    return {"OPINIA_DASHBOARD_MAX_AGE_SECONDS": 0}


@pytest.fixture(autouse=True)
def request_context(app):
    """Services word their refusals in the request's language, so direct calls get a (Polish) request."""
    with app.test_request_context("/"):
        yield
