"""Staff login and logout through the real forms."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from survey.models import AuditLog
from tests.conftest import TEST_PASSWORD, csrf_token_from, login


def post_login(client, email, password, next_url=None):
    page = client.get("/login")
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def test_login_page_is_polish_and_has_csrf(client):
    page = client.get("/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Zaloguj się" in html and 'name="csrf_token"' in html


def test_login_redirects_to_admin_home(client, users):
    result = post_login(client, users["admin"].email, TEST_PASSWORD)
    assert result.status_code == 303
    assert result.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200


def test_department_head_lands_on_their_dashboard(client, users, office):
    result = post_login(client, users["head_km"].email, TEST_PASSWORD)
    assert result.status_code == 303 and result.headers["Location"] == "/dashboard/"
    assert client.get("/dashboard/").headers["Location"].startswith("/dashboard/department/KM")


def test_login_follows_safe_next_only(client, users):
    assert post_login(client, users["admin"].email, TEST_PASSWORD, "/admin/?x=1").headers["Location"] == "/admin/?x=1"
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/admin/").get_data(as_text=True))})
        location = post_login(client, users["admin"].email, TEST_PASSWORD, evil).headers["Location"]
        assert location.endswith("/admin/"), evil


def test_wrong_password_is_refused_with_message(client, users):
    result = post_login(client, users["admin"].email, "not-the-password")
    assert result.status_code == 401
    assert "Nieprawidłowy adres e-mail lub hasło." in result.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_unknown_email_gets_the_same_message(client, users):
    result = post_login(client, "nobody@starostwo.test", TEST_PASSWORD)
    assert result.status_code == 401
    assert "Nieprawidłowy adres e-mail lub hasło." in result.get_data(as_text=True)


def test_empty_fields_are_rejected(client, users):
    result = post_login(client, "", "")
    html = result.get_data(as_text=True)
    assert result.status_code == 400
    assert "Podaj adres e-mail." in html and "Podaj hasło." in html


def test_login_without_csrf_token_is_rejected(client, users):
    result = client.post("/login", data={"email": users["admin"].email, "password": TEST_PASSWORD})
    assert result.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_deactivated_user_cannot_log_in(client, users, db):
    users["quality_manager"].active = False
    db.session.commit()
    assert post_login(client, users["quality_manager"].email, TEST_PASSWORD).status_code == 401


def test_logged_out_user_is_sent_to_login(client, office):
    result = client.get("/admin/")
    assert result.status_code == 302
    assert "/login?next=" in result.headers["Location"]


def test_logout_needs_post_with_csrf(admin_client):
    assert admin_client.get("/logout").status_code == 405
    assert admin_client.post("/logout").status_code == 400
    assert admin_client.get("/admin/").status_code == 200
    token = csrf_token_from(admin_client.get("/admin/").get_data(as_text=True))
    assert admin_client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert admin_client.get("/admin/").status_code == 302


def test_successful_login_is_audited(client, users, db):
    login(client, users["head_km"])
    row = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "login"))
    assert row.user_id == users["head_km"].id
    assert users["head_km"].last_login_at is not None


def test_session_expires_after_its_lifetime(client, users, monkeypatch):
    login(client, users["admin"])
    assert client.get("/admin/").status_code == 200
    lifetime = client.application.permanent_session_lifetime.total_seconds()
    later = time.time() + lifetime + 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert client.get("/admin/").status_code == 302


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "OPINIA_LOGIN_RATE_LIMIT": "3 per minute"}

    def test_repeated_failed_logins_are_slowed_down(self, client, users):
        for _ in range(3):
            assert post_login(client, users["admin"].email, "wrong-password!").status_code == 401
        blocked = post_login(client, users["admin"].email, TEST_PASSWORD)
        assert blocked.status_code == 429
        assert "Zbyt wiele nieudanych prób logowania" in blocked.get_data(as_text=True)
        assert client.get("/admin/").status_code == 302

    def test_successful_logins_do_not_count(self, client, users):
        for _ in range(5):
            login(client, users["admin"])


def test_after_login_the_user_lands_on_the_page_they_wanted(client, users, office):
    wanted = f"/admin/service-points/{office['KM-1'].id}"
    location = client.get(wanted).headers["Location"]
    page = client.get(location)
    assert "Zaloguj się, aby zobaczyć tę stronę." in page.get_data(as_text=True)
    result = client.post(
        location,
        data={"email": users["head_km"].email, "password": TEST_PASSWORD,
              "csrf_token": csrf_token_from(page.get_data(as_text=True))},
    )
    assert result.status_code == 303 and result.headers["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_create_user_command_makes_an_account_that_can_log_in(app, client, office):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "gk@starostwo.test", "--role", "department_head", "--department", "GK",
              "--password", "haslo-kierownika-gk"]
    )
    assert result.exit_code == 0, result.output
    page = client.get("/login")
    logged_in = client.post(
        "/login",
        data={"email": "gk@starostwo.test", "password": "haslo-kierownika-gk",
              "csrf_token": csrf_token_from(page.get_data(as_text=True))},
    )
    assert logged_in.status_code == 303
    home = client.get("/admin/").get_data(as_text=True)
    assert "Wydział Geodezji, Kartografii i Katastru" in home and "Wydział Komunikacji" not in home
