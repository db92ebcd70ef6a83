"""Sessions end (finding 8 of issue 12): a session cookie copied before logout, or before an admin set a new
password, no longer opens anything afterwards."""
from __future__ import annotations

from tests.admin.helpers import submit
from tests.conftest import FreshGlobalsClient, csrf_token_from, login

NEW_PASSWORD = "a-brand-new-password"


def copy_of(app, client) -> FreshGlobalsClient:
    """Another browser holding a copy of ``client``'s session cookie (what an attacker would lift)."""
    other = FreshGlobalsClient(app, app.response_class, use_cookies=True)
    cookie = client.get_cookie("session")
    other.set_cookie("session", cookie.value)
    return other


def logout(client) -> None:
    token = csrf_token_from(client.get("/admin/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303


def test_a_session_cookie_copied_before_logout_no_longer_works(app, client, users):
    login(client, users["quality_manager"])
    stolen = copy_of(app, client)
    assert stolen.get("/admin/").status_code == 200
    logout(client)
    response = stolen.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert stolen.get("/api/v1/indicators?period=2026-Q3").status_code == 401


def test_logout_ends_the_sessions_of_the_account_in_every_browser(app, users):
    first = FreshGlobalsClient(app, app.response_class, use_cookies=True)
    second = FreshGlobalsClient(app, app.response_class, use_cookies=True)
    login(first, users["admin"])
    login(second, users["admin"])
    logout(first)
    assert second.get("/admin/").status_code == 302


def test_an_admin_setting_a_new_password_ends_the_users_sessions(app, client, users):
    head = users["head_km"]
    head_browser = FreshGlobalsClient(app, app.response_class, use_cookies=True)
    login(head_browser, head)
    assert head_browser.get("/dashboard/department/KM").status_code == 200

    login(client, users["admin"])
    data = {"email": head.email, "role": "department_head", "departments": [d.id for d in head.departments],
            "password": NEW_PASSWORD}
    assert submit(client, f"/admin/users/{head.id}/edit", data).status_code == 303

    response = head_browser.get("/dashboard/department/KM")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/admin/users").status_code == 200, "the admin who changed it stays logged in"


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(app, client, users):
    admin = users["admin"]
    other_browser = FreshGlobalsClient(app, app.response_class, use_cookies=True)
    login(other_browser, admin)
    login(client, admin)
    data = {"email": admin.email, "role": "admin", "password": NEW_PASSWORD}
    assert submit(client, f"/admin/users/{admin.id}/edit", data).status_code == 303
    assert client.get("/admin/users").status_code == 200
    assert other_browser.get("/admin/users").status_code == 302


def test_a_cookie_from_before_session_versions_or_a_forged_id_loads_nobody(app, users):
    from survey.accounts import load_user

    admin = users["admin"]
    assert load_user(f"{admin.id}:{admin.session_version}") is admin
    for stale in (str(admin.id), f"{admin.id}:{admin.session_version + 1}", f"{admin.id}:x", f"{2**64}:0", ":", ""):
        assert load_user(stale) is None, stale


def test_logging_in_again_after_logout_works(client, users):
    login(client, users["quality_manager"])
    logout(client)
    login(client, users["quality_manager"])
    assert client.get("/admin/").status_code == 200
