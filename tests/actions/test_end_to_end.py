"""A falling counter gets an action; answers after its effective date improve; the action shows as effective
with its figures in the API, on the dashboard's chart, in the PDF report and on the public page; another
department's head gets 403."""
from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import sqlalchemy as sa
from pypdf import PdfReader

from actions.models import ImprovementAction
from analytics.periods import period_containing_day
from report.services import management_report
from tests.actions.conftest import spread, today
from tests.conftest import csrf_token_from, login

WEEK = timedelta(weeks=1)


def weekly(counter, first, weeks: int, satisfied: int, total: int = 40) -> None:
    for week in range(weeks):
        spread(counter, first + week * WEEK, 5, satisfied, total)


def test_an_action_on_a_falling_counter_shows_its_effect_everywhere(client, db, users, office):
    effective = today() - timedelta(weeks=9)
    effective -= timedelta(days=effective.weekday())  # a Monday
    since = effective - 4 * WEEK
    km1, control = office["KM-1"], office["AB-1"]
    weekly(km1, since - 12 * WEEK, 12, 30)  # 75 % satisfied
    weekly(km1, since, 4, 18)  # the fall: 45 %
    weekly(km1, effective, 8, 36)  # after the action: 90 %
    weekly(control, since - 8 * WEEK, 8, 28)  # untreated counter: 70 % before and after
    weekly(control, effective, 8, 28)

    login(client, users["head_km"])
    form = client.get("/actions/new").get_data(as_text=True)
    created = client.post("/actions/new", data={
        "csrf_token": csrf_token_from(form), "title": "Drugi pracownik przy rejestracji w szczycie",
        "description": "Od poniedziałku dwie osoby obsługują stanowisko 1 w godzinach 8–11.",
        "kind": "corrective", "scope": "service_point", "department_id": 0, "service_point_id": km1.id,
        "indicator": "csat", "objective_id": 0, "owner_id": users["head_km"].id,
        "due_date": (effective + WEEK).isoformat(), "effective_date": effective.isoformat(),
        "problem_since": since.isoformat(), "window_weeks": 8, "delta_points": 10, "publish": "y",
    })
    assert created.status_code == 303, created.get_data(as_text=True)
    action = db.session.scalar(sa.select(ImprovementAction))
    token = csrf_token_from(client.get(f"/actions/{action.id}").get_data(as_text=True))
    closed = client.post(f"/actions/{action.id}/status", data={
        "csrf_token": token, "status": "effective", "effectiveness_note": "CSAT wrócił powyżej celu."})
    assert closed.status_code == 303

    # API: effective, improved, with the figures (before 75 %, after 90 %: +15 pp; untreated ±0).
    [entry] = client.get("/api/v1/actions").get_json()["actions"]
    assert entry["status"] == "effective" and entry["verdict"] == "improved"
    effect = entry["effect"]
    assert effect["windows"]["before_end"] == since.isoformat()
    assert effect["before"] == {"successes": 240, "n": 320, "value": 0.75}
    assert effect["after"] == {"successes": 288, "n": 320, "value": 0.9}
    assert effect["difference"]["difference_pp"] == 15.0 and effect["difference"]["ci_low_pp"] > 0
    assert effect["difference_in_differences"]["difference_pp"] == 15.0
    chart = entry["control_chart"]
    assert chart["rebased_from"] is not None and chart["rebased_from"] >= effective.isoformat()
    assert any(p["mark"] == "concern" for p in chart["points"] if p["start"] < effective.isoformat())

    # The department dashboard's trend chart carries the action's marker with its effect.
    html = client.get("/dashboard/department/KM").get_data(as_text=True)
    figures = [json.loads(block) for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S)]
    markers = [trace for figure in figures for trace in figure.get("data", []) if trace.get("name") == "działania doskonalące"]
    assert markers and "Drugi pracownik" in markers[0]["hovertext"][0] and "poprawa" in markers[0]["hovertext"][0]
    # ... and so does the counter's control chart, on the day the change took effect.
    html = client.get("/dashboard/service-point/KM-1").get_data(as_text=True)
    figures = [json.loads(block) for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S)]
    on_days = [trace for figure in figures for trace in figure.get("data", [])
               if trace.get("name") == "działania doskonalące" and trace["x"] == [effective.isoformat()]]
    assert on_days and "Drugi pracownik" in on_days[0]["hovertext"][0]

    # The PDF report of the quarter the action took effect in.
    quarter = period_containing_day(effective, "quarter", "Europe/Warsaw")
    pdf = management_report(quarter, None, "pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Działania doskonalące" in text and "Wnioski" in text
    assert "Drugi pracownik przy rejestracji w szczycie" in text
    assert "skuteczne" in text and "poprawa" in text and "+15,0 pp" in text

    # The public page, without logging in.
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/actions/").get_data(as_text=True))})
    public = client.get("/zglosiliscie-zrobilismy").get_data(as_text=True)
    assert "Drugi pracownik przy rejestracji w szczycie" in public
    assert "To wyraźna poprawa." in public and "90,0%" in public

    # Another department's head can neither see nor change it.
    login(client, users["head_ab"])
    assert client.get(f"/actions/{action.id}").status_code == 403
    token = csrf_token_from(client.get("/actions/").get_data(as_text=True))
    assert client.post(f"/actions/{action.id}/status", data={"csrf_token": token, "status": "planned"}).status_code == 403
    assert client.get("/api/v1/actions?department=KM").status_code == 403
    assert client.get("/api/v1/actions").get_json()["actions"] == []


def test_an_action_started_from_a_signal_and_closed_as_effective_rebases_the_signals_chart(client, db, users, office):
    from datetime import datetime, time, timezone
    from zoneinfo import ZoneInfo

    from signals.models import ChartRebase, Signal

    effective = today() - timedelta(weeks=9)
    effective -= timedelta(days=effective.weekday())
    since = effective - 4 * WEEK
    km1 = office["KM-1"]
    weekly(km1, since - 12 * WEEK, 12, 30)
    weekly(km1, since, 4, 18)
    weekly(km1, effective, 8, 36)
    signal = Signal(key="test-signal", chart_key="service_point:KM-1:csat:satisfaction", kind="concern", rule="shift",
                    scope_kind="service_point", scope_code="KM-1", department_code="KM", indicator="csat",
                    question_code="satisfaction",
                    since=datetime.combine(since, time(0, 0), ZoneInfo("Europe/Warsaw")).astimezone(timezone.utc))
    db.session.add(signal)
    db.session.commit()

    login(client, users["head_km"])
    page = client.get(f"/actions/new?signal={signal.id}").get_data(as_text=True)
    assert f'value="{since.isoformat()}"' in page  # the day the problem began, from the signal
    assert re.search(rf'<option selected value="{km1.id}">|<option value="{km1.id}" selected>', page)
    created = client.post(f"/actions/new?signal={signal.id}", data={
        "csrf_token": csrf_token_from(page), "title": "Grafik dyżurów", "kind": "corrective", "scope": "service_point",
        "department_id": 0, "service_point_id": km1.id, "indicator": "csat", "question_code": "satisfaction",
        "objective_id": 0, "owner_id": users["head_km"].id, "due_date": effective.isoformat(),
        "effective_date": effective.isoformat(), "window_weeks": 8, "delta_points": 10,
    })
    assert created.status_code == 303, created.get_data(as_text=True)
    action = db.session.scalar(sa.select(ImprovementAction))
    assert action.signal_id == signal.id and action.problem_since == since
    token = csrf_token_from(client.get(f"/actions/{action.id}").get_data(as_text=True))
    client.post(f"/actions/{action.id}/status", data={"csrf_token": token, "status": "effective",
                                                       "effectiveness_note": "Kolejka krótsza."})
    [rebase] = db.session.scalars(sa.select(ChartRebase)).all()
    assert (rebase.scope_kind, rebase.scope_code, rebase.question_code) == ("service_point", "KM-1", "satisfaction")
    assert effective <= rebase.starts_on < effective + 8 * WEEK
    login(client, users["head_ab"])
    assert client.get(f"/actions/new?signal={signal.id}").status_code == 403
