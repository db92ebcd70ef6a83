"""Improvement actions as staff use them: rules, audit, 403s, the cache, the API and the public page."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from actions import services
from actions.models import ImprovementAction
from dashboard.cache import app_cache
from survey.models import AuditLog, Department
from tests.actions.conftest import add_answers, make_action, spread, today
from tests.conftest import csrf_token_from, hidden_value, login


def department(db, code):
    return db.session.scalar(sa.select(Department).where(Department.code == code))


def test_a_head_creates_an_action_through_the_form_and_it_is_audited(client, db, users, office):
    login(client, users["head_km"])
    page = client.get("/actions/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    km = department(db, "KM")
    result = client.post("/actions/new", data={
        "csrf_token": csrf_token_from(html), "title": "Druga kasa w poniedziałki", "description": "Kolejka <b>",
        "kind": "corrective", "scope": "department", "department_id": km.id, "service_point_id": 0,
        "indicator": "csat", "objective_id": 0, "owner_id": users["head_km"].id,
        "due_date": (today() + timedelta(days=10)).isoformat(), "window_weeks": 8, "delta_points": 10,
    })
    assert result.status_code == 303, result.get_data(as_text=True)
    action = db.session.scalar(sa.select(ImprovementAction))
    assert action.department_id == km.id and action.status == "planned"
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "improvement_action"))
    assert entry.action == "create" and entry.user_id == users["head_km"].id
    detail = client.get(result.headers["Location"]).get_data(as_text=True)
    assert "Kolejka &lt;b&gt;" in detail


def test_a_head_gets_403_on_another_departments_actions(client, db, users, office):
    other = make_action(users["quality_manager"], department=department(db, "AB"))
    login(client, users["head_km"])
    assert client.get(f"/actions/{other.id}").status_code == 403
    assert client.get(f"/actions/{other.id}/edit").status_code == 403
    token = csrf_token_from(client.get("/actions/").get_data(as_text=True))
    assert client.post(f"/actions/{other.id}/status", data={"csrf_token": token, "status": "in_progress"}).status_code == 403
    assert client.get("/actions/department/AB").status_code == 403
    assert client.get("/actions/new?department=AB").status_code == 403
    assert client.get("/api/v1/actions?department=AB").status_code == 403
    assert "Druga" not in client.get("/actions/").get_data(as_text=True)
    with pytest.raises(services.ActionForbidden):
        services.set_status(users["head_km"], other, "in_progress")


def test_closing_as_effective_needs_an_effectiveness_note(client, db, users, office):
    action = make_action(users["quality_manager"], department=department(db, "KM"), effective=today())
    login(client, users["quality_manager"])
    token = csrf_token_from(client.get(f"/actions/{action.id}").get_data(as_text=True))
    refused = client.post(f"/actions/{action.id}/status", data={"csrf_token": token, "status": "effective"})
    assert refused.status_code == 400
    assert "opisz ocenę skuteczności" in refused.get_data(as_text=True)
    assert db.session.get(ImprovementAction, action.id).status == "planned"
    accepted = client.post(f"/actions/{action.id}/status", data={
        "csrf_token": token, "status": "effective", "effectiveness_note": "CSAT wzrósł, kolejka krótsza."})
    assert accepted.status_code == 303
    assert db.session.get(ImprovementAction, action.id).status == "effective"


def test_implemented_needs_the_date_the_change_took_effect(db, users, office):
    action = make_action(users["quality_manager"], department=department(db, "KM"))
    with pytest.raises(services.ChangeRejected):
        services.set_status(users["quality_manager"], action, "implemented")


def test_list_shows_overdue_first_and_filters_by_status(client, db, users, office):
    km = department(db, "KM")
    make_action(users["quality_manager"], department=km, title="Późniejsze", due=today() + timedelta(days=3))
    make_action(users["quality_manager"], department=km, title="Przeterminowane", due=today() - timedelta(days=3))
    done = make_action(users["quality_manager"], department=km, title="Skończone", effective=today())
    services.set_status(users["quality_manager"], done, "effective", "Działa.")
    login(client, users["head_km"])
    html = client.get("/actions/department/KM").get_data(as_text=True)
    assert html.index("Przeterminowane") < html.index("Późniejsze")
    assert "po terminie" in html and "Skończone" not in html
    closed = client.get("/actions/department/KM?status=closed").get_data(as_text=True)
    assert "Skończone" in closed and "Przeterminowane" not in closed
    assert client.get("/actions/?status=nonsense").status_code == 400


def test_any_change_to_an_action_empties_the_cached_dashboards(client, db, users, office):
    km = department(db, "KM")
    login(client, users["quality_manager"])
    assert client.get("/dashboard/department/KM").status_code == 200
    cache = app_cache()
    assert len(cache._entries) > 0
    action = make_action(users["quality_manager"], department=km)
    assert len(cache._entries) == 0
    client.get("/dashboard/department/KM")
    misses = cache.misses
    client.get("/dashboard/department/KM")
    assert cache.misses == misses  # unchanged: served from the cache
    services.set_status(users["quality_manager"], action, "in_progress")
    assert len(cache._entries) == 0


def test_another_worker_sees_the_change_through_the_fingerprint(client, db, users, office):
    from dashboard.cache import _setup_fingerprint

    read = _setup_fingerprint.__wrapped__  # as another worker's next request reads it (not this test's request memo)
    before = read()
    make_action(users["quality_manager"], department=department(db, "KM"))
    assert read() != before


def test_answer_ids_linked_to_open_actions(db, users, office):
    [response] = add_answers(office["KM-1"], today() - timedelta(days=2), [1], comment="Długo czekałem")
    comment_id = next(a.id for a in response.answers if a.value_text)
    action = make_action(users["quality_manager"], department=department(db, "KM"), comment_ids=[comment_id],
                         effective=today())
    assert services.answer_ids_linked_to_open_actions() == {comment_id}
    from comments.retention import protected_comment_ids

    assert comment_id in protected_comment_ids()  # registered with comment retention
    services.set_status(users["quality_manager"], action, "not_effective", "Bez poprawy.")
    assert services.answer_ids_linked_to_open_actions() == set()


def test_api_lists_actions_scoped_like_the_indicators(client, db, users, office):
    make_action(users["quality_manager"], department=department(db, "KM"), title="KM działanie")
    make_action(users["quality_manager"], department=department(db, "AB"), title="AB działanie")
    login(client, users["head_km"])
    data = client.get("/api/v1/actions").get_json()
    assert [a["title"] for a in data["actions"]] == ["KM działanie"]
    assert data["actions"][0]["scope"] == {"kind": "department", "code": "KM", "department": "KM"}
    assert data["actions"][0]["verdict"] == "too_early" and data["actions"][0]["effect"] is None
    assert client.get("/api/v1/actions?status=bogus").status_code == 400


def test_public_page_needs_no_login_and_shows_only_published_actions(client, db, users, office):
    km = department(db, "KM")
    make_action(users["quality_manager"], department=km, title="Opublikowane", effective=today(), publish=True)
    make_action(users["quality_manager"], department=km, title="Wewnętrzne", effective=today())
    page = client.get("/zglosiliscie-zrobilismy")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "public" in page.headers["Cache-Control"]
    assert "Opublikowane" in html and "Wewnętrzne" not in html
    assert "<script" not in html and "/s/" not in html
    english = client.get("/zglosiliscie-zrobilismy?lang=en").get_data(as_text=True)
    assert 'lang="en"' in english


def test_public_page_hides_quarters_below_the_minimum_sample(client, db, users, office):
    from actions.public import completed_quarters

    last = completed_quarters()[-1]
    spread(office["KM-1"], last.first_day + timedelta(days=3), 10, 25, 29)
    html = client.get("/zglosiliscie-zrobilismy").get_data(as_text=True)
    row = re.search(r"Wydział Komunikacji</th>(.*?)</tr>", html, re.S).group(1)
    assert "86" not in row and "za mało odpowiedzi" in row


def _answer(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    hidden = {"csrf_token": csrf_token_from(html), "submission_id": hidden_value(html, "submission_id")}
    result = client.post(path, data={**hidden, "satisfaction": "4"})
    assert result.status_code == 303
    return client.get(result.headers["Location"]).get_data(as_text=True)


def test_phone_thank_you_page_links_to_the_public_page(client, counter):
    assert "/zglosiliscie-zrobilismy" in _answer(client, f"/s/{counter.token}")


def test_kiosk_thank_you_page_does_not(kiosk_client, counter):
    assert "/zglosiliscie-zrobilismy" not in _answer(kiosk_client, f"/k/{counter.token}")


def test_bad_input_is_a_400_with_polish_messages(client, db, users, office):
    login(client, users["head_km"])
    html = client.get("/actions/new").get_data(as_text=True)
    base = {"csrf_token": csrf_token_from(html), "title": "x", "kind": "corrective", "scope": "department",
            "department_id": 0, "service_point_id": 0, "indicator": "csat", "objective_id": 0,
            "owner_id": users["head_km"].id, "due_date": "2026-12-01", "window_weeks": 8, "delta_points": 10}
    bad_date = client.post("/actions/new", data={**base, "due_date": "31-31-2026", "window_weeks": "abc"})
    assert bad_date.status_code == 400 and "Nieprawidłowa data" in bad_date.get_data(as_text=True)
    no_department = client.post("/actions/new", data=base)
    assert no_department.status_code == 400 and "Wybierz wydział." in no_department.get_data(as_text=True)
    ab = department(db, "AB")
    assert client.post("/actions/new", data={**base, "department_id": ab.id}).status_code in (400, 403)
    assert db.session.scalar(sa.select(sa.func.count(ImprovementAction.id))) == 0


def test_an_unknown_or_huge_signal_id_is_a_404(client, users, office):
    login(client, users["quality_manager"])
    for value in ("999", str(10**40), "abc"):
        assert client.get(f"/actions/new?signal={value}").status_code == 404
