"""GET /api/v1/indicators: the same JSON as the CLI, for staff sessions and API tokens, limited by role."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from api.auth import create_api_token, hash_token
from survey.models import ApiToken, User
from survey.services import store_response


@pytest.fixture
def answered(db, office):
    version = office["KM-1"].survey.current_version
    when = datetime(2026, 8, 3, 9, tzinfo=timezone.utc)
    for code, satisfaction in [("KM-1", 5), ("KM-1", 4), ("KM-2", 2), ("AB-1", 5)]:
        store_response(office[code], version, {"satisfaction": satisfaction, "settled": 1}, submitted_at=when)
    return office


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_token_caller_gets_the_office_indicators(client, users, answered):
    token = create_api_token(users["quality_manager"].email, "intranet")
    response = client.get("/api/v1/indicators?period=2026-Q3", headers=bearer(token))
    assert response.status_code == 200
    data = response.get_json()
    assert (data["period"], data["timezone"], data["responses"]) == ("2026-Q3", "Europe/Warsaw", 4)
    satisfaction = next(q for q in data["questions"] if q["code"] == "satisfaction")
    assert (satisfaction["n"], satisfaction["csat"], satisfaction["mean"]) == (4, 0.75, 4.0)
    assert {d["code"] for d in data["by_department"]} == {"KM", "AB", "GK", "OS", "KO"}
    assert {o["status"] for o in data["objectives"]} == {"insufficient_data"}


def test_custom_period_from_and_to(client, users, answered):
    token = create_api_token(users["admin"].email, "script")
    data = client.get("/api/v1/indicators?from=2026-08-03&to=2026-08-03", headers=bearer(token)).get_json()
    assert (data["period"], data["responses"]) == ("2026-08-03..2026-08-03", 4)
    assert data["previous_period"]["label"] == "2026-08-02..2026-08-02"
    assert client.get("/api/v1/indicators?from=2026-08-04&to=2026-08-31", headers=bearer(token)).get_json()["responses"] == 0


def test_only_the_hash_of_a_token_is_stored(db, users):
    token = create_api_token(users["admin"].email, "script")
    stored = db.session.query(ApiToken).one()
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert len(stored.token_hash) == 64


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic YWRtaW46YWRtaW4=", "Bearer "])
def test_unknown_callers_get_401_json(client, users, answered, header):
    response = client.get("/api/v1/indicators?period=2026-Q3", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert "authentication required" in response.get_json()["error"]
    assert "WWW-Authenticate" in response.headers


def test_revoked_token_and_inactive_user_are_refused(db, client, users, answered):
    token = create_api_token(users["admin"].email, "old")
    db.session.query(ApiToken).one().active = False
    db.session.commit()
    assert client.get("/api/v1/indicators?period=2026-Q3", headers=bearer(token)).status_code == 401
    token = create_api_token(users["quality_manager"].email, "leaver")
    db.session.get(User, users["quality_manager"].id).active = False
    db.session.commit()
    assert client.get("/api/v1/indicators?period=2026-Q3", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=2026-Q5", "unknown period '2026-Q5'"),
        ("", "a period is needed"),
        ("period=2026-Q3&department=ZZ", "unknown department 'ZZ'"),
        ("period=2026-Q3&service_point=XX-1", "unknown service point 'XX-1'"),
        ("from=2026-08-01", "unknown period '2026-08-01..'"),
        ("from=2026-08-10&to=2026-08-01", "the end date is before the start date"),
    ],
)
def test_bad_period_or_scope_is_a_400_with_a_message(client, users, answered, query, message):
    token = create_api_token(users["admin"].email, "script")
    response = client.get(f"/api/v1/indicators?{query}", headers=bearer(token))
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_department_head_sees_only_their_department(client, users, answered):
    token = create_api_token(users["head_km"].email, "head")
    own = client.get("/api/v1/indicators?period=2026-Q3", headers=bearer(token))
    assert own.status_code == 200
    data = own.get_json()
    assert data["scope"]["code"] == "KM" and data["responses"] == 3
    assert [d["code"] for d in data["by_department"]] == ["KM"]
    assert {p["code"] for p in data["by_service_point"]} == {"KM-1", "KM-2", "KM-3", "KM-4"}
    counter = client.get("/api/v1/indicators?period=2026-Q3&service_point=KM-2", headers=bearer(token))
    assert counter.status_code == 200 and counter.get_json()["responses"] == 1
    for query in ("department=AB", "service_point=AB-1", "department=KM&service_point=AB-1"):
        response = client.get(f"/api/v1/indicators?period=2026-Q3&{query}", headers=bearer(token))
        assert response.status_code in (400, 403), query
    forbidden = client.get("/api/v1/indicators?period=2026-Q3&department=AB", headers=bearer(token))
    assert forbidden.status_code == 403 and "your own departments (KM)" in forbidden.get_json()["error"]


def test_logged_in_staff_use_their_session(quality_manager_client, answered):
    response = quality_manager_client.get("/api/v1/indicators?period=2026-09&department=AB")
    assert response.status_code == 200
    assert response.get_json()["responses"] == 0
    assert quality_manager_client.get("/api/v1/indicators?period=2026-08").get_json()["responses"] == 4


def test_logged_in_department_head_is_limited_too(head_client, answered):
    assert head_client.get("/api/v1/indicators?period=2026-08").get_json()["scope"]["code"] == "KM"
    assert head_client.get("/api/v1/indicators?period=2026-08&department=AB").status_code == 403


def test_head_of_two_departments_must_choose(db, client, users, answered):
    from survey.accounts import create_user

    create_user("dwa@starostwo.test", "department_head", "correct-horse-battery", ("KM", "AB"))
    token = create_api_token("dwa@starostwo.test", "two")
    response = client.get("/api/v1/indicators?period=2026-Q3", headers=bearer(token))
    assert response.status_code == 400 and "AB, KM" in response.get_json()["error"]
    assert client.get("/api/v1/indicators?period=2026-Q3&department=AB", headers=bearer(token)).status_code == 200


def test_create_api_token_command(app, users):
    result = app.test_cli_runner().invoke(args=["create-api-token", "--email", users["admin"].email, "--name", "cron"])
    assert result.exit_code == 0
    token = result.stdout.strip().splitlines()[0]
    response = app.test_client().get("/api/v1/indicators?period=2026", headers=bearer(token))
    assert response.status_code == 200
    unknown = app.test_cli_runner().invoke(args=["create-api-token", "--email", "nobody@x.pl", "--name", "cron"])
    assert unknown.exit_code != 0 and "no active user" in unknown.output

