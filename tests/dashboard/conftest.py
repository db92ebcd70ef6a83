"""Helpers for dashboard tests: responses with chosen answers at chosen moments."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from extensions import db
from survey.models import Answer, Response, ServicePoint

# The middle of 2026-Q3 in the office's zone, away from any month edge.
IN_Q3 = datetime(2026, 8, 12, 9, 30, tzinfo=timezone.utc)
IN_Q2 = datetime(2026, 5, 13, 9, 30, tzinfo=timezone.utc)


def add_response(counter: ServicePoint, submitted_at: datetime = IN_Q3, **answers) -> Response:
    """One response at ``counter`` with answers by question code (``satisfaction=5, comment="..."``)."""
    version = counter.survey.current_version
    questions = {q.code: q for q in version.questions}
    response = Response(service_point_id=counter.id, survey_version_id=version.id, submitted_at=submitted_at)
    for code, value in answers.items():
        question = questions[code]
        numeric = question.kind in ("rating_5", "nps", "yes_no")
        response.answers.append(Answer(question_id=question.id, value_int=value if numeric else None,
                                       value_text=None if numeric else value))
    db.session.add(response)
    return response


def add_ratings(counter: ServicePoint, ratings: list[int], submitted_at: datetime = IN_Q3, **answers) -> None:
    for rating in ratings:
        add_response(counter, submitted_at, satisfaction=rating, **answers)
    db.session.commit()


@pytest.fixture
def app_config() -> dict:
    """Dashboards always exact in tests: a cached dashboard is rebuilt as soon as an answer arrives."""
    return {"OPINIA_DASHBOARD_MAX_AGE_SECONDS": 0}
