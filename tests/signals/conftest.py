"""Signals test helpers: a steady history at a counter, then a drop, at real weeks before today."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from extensions import db
from survey.models import Answer, Response, ServicePoint

TZ = ZoneInfo("Europe/Warsaw")
STEADY = (25, 26, 27)  # good ratings of 30 per week, in turn: common-cause variation around 86.7 %
PER_WEEK = 30


def week_start(weeks_ago: int, today: date | None = None) -> date:
    today = today or datetime.now(TZ).date()
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=weeks_ago)


def tuesday_morning(weeks_ago: int, minute: int = 0) -> datetime:
    day = week_start(weeks_ago) + timedelta(days=1)
    return datetime.combine(day, time(9, 0), tzinfo=TZ).astimezone(timezone.utc) + timedelta(minutes=minute)


def add_week(counter: ServicePoint, weeks_ago: int, good: int, total: int = PER_WEEK, channel: str = "web") -> None:
    """``total`` responses on the Tuesday of that week, ``good`` of them rating 5 and the rest rating 2."""
    version = counter.survey.current_version
    question = next(q for q in version.questions if q.code == "satisfaction")
    for index in range(total):
        response = Response(service_point_id=counter.id, survey_version_id=version.id, channel=channel,
                            submitted_at=tuesday_morning(weeks_ago, minute=index * 7))
        response.answers.append(Answer(question_id=question.id, value_int=5 if index < good else 2))
        db.session.add(response)
    db.session.commit()


def steady_history(counter: ServicePoint, first_weeks_ago: int = 18, last_weeks_ago: int = 4) -> None:
    for number, weeks_ago in enumerate(range(first_weeks_ago, last_weeks_ago - 1, -1)):
        add_week(counter, weeks_ago, STEADY[number % 3])


def paper_csv(counter_code: str, weeks: range, good: int, total: int = PER_WEEK) -> bytes:
    """A paper-forms CSV with ``total`` forms on the Tuesday of each week ago in ``weeks``, ``good`` rated 5."""
    lines = ["response_id,submitted_at,service_point,question,value"]
    for weeks_ago in weeks:
        for index in range(total):
            moment = tuesday_morning(weeks_ago, minute=index * 7).astimezone(TZ).isoformat()
            lines.append(f"W{weeks_ago}-{index},{moment},{counter_code},satisfaction,{5 if index < good else 1}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def app_config() -> dict:
    """Signals and dashboards always exact in tests."""
    return {"OPINIA_DASHBOARD_MAX_AGE_SECONDS": 0}


def signals_of(kind: str | None = None):
    from signals.models import Signal

    statement = sa.select(Signal).order_by(Signal.id)
    if kind:
        statement = statement.where(Signal.kind == kind)
    return list(db.session.scalars(statement))


@pytest.fixture
def answers(office):
    """14 steady weeks at KM-1 (30 ratings each) and 4 weeks of 11 at KM-2, up to this week."""
    steady_history(office["KM-1"], first_weeks_ago=14, last_weeks_ago=1)
    for weeks_ago in (9, 5, 2, 0):
        add_week(office["KM-2"], weeks_ago, good=7, total=11)
    return office
