"""Signals from stored answers: charts of every scope, opening, closing, re-basing, bursts, the JSON."""
from __future__ import annotations

from datetime import timedelta

import pytest

from signals.payload import signals_payload
from signals.services import add_rebase, refresh_signals
from survey.models import utcnow
from tests.signals.conftest import TZ, add_week, signals_of, steady_history, week_start


@pytest.fixture
def history(office):
    steady_history(office["KM-1"])
    return office


def test_steady_history_gives_weekly_charts_with_a_frozen_baseline_and_no_signal(app, history):
    refresh_signals()
    assert signals_of() == []
    with app.test_request_context():
        payload = signals_payload(None, "KM", "KM-1")
    chart = next(c for c in payload["charts"] if c["question"] == "satisfaction")
    assert chart["grain"] == "week" and chart["trial"] is False
    assert chart["baseline"] == {"from": week_start(18).isoformat(), "to": week_start(7).isoformat()}
    assert len(chart["points"]) == 15
    assert {p["mark"] for p in chart["points"]} == {"common"}
    assert chart["points"][-1]["center"] == pytest.approx((4 * 25 + 4 * 26 + 4 * 27) / 360, abs=1e-6)
    assert chart["assurance"] is None  # no objective for a counter
    with app.test_request_context():
        office_charts = signals_payload(None)["charts"]
    assert {(c["scope"]["kind"], c["scope"]["code"]) for c in office_charts} == {
        ("office", None), ("department", "KM"), ("service_point", "KM-1")}


def test_a_drop_opens_concerns_at_every_level_and_a_rebase_closes_them(app, history, users):
    for weeks_ago in (3, 2, 1):
        add_week(history["KM-1"], weeks_ago, good=12)
    _state, opened, _closed = refresh_signals()
    concerns = signals_of("concern")
    assert {(s.scope_kind, s.scope_code, s.rule) for s in concerns} == {
        ("service_point", "KM-1", "beyond_limit"), ("department", "KM", "beyond_limit"), ("office", None, "beyond_limit")}
    assert opened == len(signals_of())
    counter_signal = next(s for s in concerns if s.scope_code == "KM-1")
    assert counter_signal.since.astimezone(TZ).date() == week_start(3)
    assert counter_signal.details["points"] == 3 and counter_signal.details["value"] == pytest.approx(0.4)
    again = refresh_signals()
    assert again[1:] == (0, 0)

    add_rebase("service_point", "KM-1", "satisfaction", week_start(3), "nowy system kolejkowy", users["quality_manager"])
    refresh_signals()
    assert counter_signal.status == "closed" and counter_signal.closed_at is not None
    assert {s.scope_kind for s in signals_of("concern") if s.status == "open"} == {"department", "office"}


def test_objective_at_risk_says_how_conclusive_it_is(app, office):
    for weeks_ago in (3, 2, 1):
        add_week(office["KM-2"], weeks_ago, good=15)
    refresh_signals()
    at_risk = {s.scope_code: s for s in signals_of("objective_at_risk")}
    department = at_risk["KM"].details
    assert department["value"] == pytest.approx(0.5) and department["target"] == 0.8
    assert department["n"] == 90 and department["conclusive"] is True and department["p_value"] < 0.001
    assert at_risk[None].details["target"] == 0.85


def test_low_ratings_typed_in_make_a_burst_but_paper_never_does(app, office, db):
    from signals.models import Signal
    from survey.models import Answer, Response

    counter = office["AB-1"]
    version = counter.survey.current_version
    question = next(q for q in version.questions if q.code == "satisfaction")
    start = utcnow() - timedelta(hours=2)
    for channel in ("paper", "web"):
        for minute, rating in ((0, 1), (10, 2), (20, 5), (30, 4)):
            response = Response(service_point_id=counter.id, survey_version_id=version.id, channel=channel,
                                submitted_at=start + timedelta(minutes=minute + (0 if channel == "web" else 200)))
            response.answers.append(Answer(question_id=question.id, value_int=rating))
            db.session.add(response)
        db.session.commit()
        refresh_signals()
        bursts = signals_of("burst")
        assert len(bursts) == (1 if channel == "web" else 0)
    burst: Signal = bursts[0]
    assert burst.scope_code == "AB-1" and burst.department_code == "AB"
    assert burst.details["n"] == 4 and burst.details["low"] == 2
    refresh_signals(utcnow() + timedelta(hours=12))  # no longer among the scanned hours, still open
    assert burst.status == "open"
    refresh_signals(utcnow() + timedelta(hours=50))  # 48 hours after its last answer
    assert burst.status == "closed"


def test_many_answers_in_minutes_are_a_suspicious_burst(app, office, db):
    from survey.models import Response

    counter = office["GK-1"]
    version = counter.survey.current_version
    start = utcnow() - timedelta(hours=1)
    for second in range(0, 12 * 30, 30):
        db.session.add(Response(service_point_id=counter.id, survey_version_id=version.id, channel="kiosk",
                                submitted_at=start + timedelta(seconds=second)))
    db.session.commit()
    refresh_signals()
    suspicious = signals_of("suspicious_burst")
    assert len(suspicious) == 1 and suspicious[0].details["n"] == 12 and suspicious[0].scope_code == "GK-1"
