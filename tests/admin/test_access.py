"""Each role sees exactly what it should; logged-out users are sent to login."""
from __future__ import annotations

import pytest

from tests.admin.helpers import text
from tests.conftest import csrf_token_from, login

MANAGEMENT_PAGES = [
    "/admin/departments",
    "/admin/departments/new",
    "/admin/service-points",
    "/admin/service-points/new",
    "/admin/surveys",
    "/admin/surveys/new",
    "/admin/objectives",
    "/admin/objectives/new",
    "/admin/users",
    "/admin/users/new",
    "/admin/audit",
]
ADMIN_ONLY = {"/admin/users", "/admin/users/new", "/admin/audit"}


def management_pages_with_ids(office, db) -> list[str]:
    counter = office["KM-1"]
    return MANAGEMENT_PAGES + [
        f"/admin/departments/{counter.department_id}/edit",
        f"/admin/service-points/{counter.id}/edit",
        f"/admin/surveys/{counter.survey_id}",
        f"/admin/surveys/{counter.survey_id}/edit",
    ]


def test_logged_out_user_is_sent_to_login_everywhere(client, office, db):
    counter = office["KM-1"]
    for url in management_pages_with_ids(office, db) + [
        "/admin/",
        f"/admin/departments/{counter.department_id}",
        f"/admin/service-points/{counter.id}",
        f"/admin/service-points/{counter.id}/qr.png",
        f"/admin/service-points/{counter.id}/poster-a4.pdf",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login?next=" in response.headers["Location"], url


def test_admin_sees_every_page(admin_client, office, db):
    for url in management_pages_with_ids(office, db):
        # "Edit" of a survey opens its draft (a redirect to the editor).
        assert admin_client.get(url, follow_redirects=True).status_code == 200, url
    nav = text(admin_client.get("/admin/"))
    assert "Użytkownicy" in nav and "Dziennik zmian" in nav


def test_quality_manager_manages_everything_but_users(quality_manager_client, office, db):
    for url in management_pages_with_ids(office, db):
        expected = 403 if url in ADMIN_ONLY else 200
        assert quality_manager_client.get(url, follow_redirects=True).status_code == expected, url
    nav = text(quality_manager_client.get("/admin/"))
    assert "Wydziały" in nav and "Użytkownicy" not in nav


def test_department_head_gets_403_on_every_management_page(head_client, office, db):
    for url in management_pages_with_ids(office, db):
        assert head_client.get(url).status_code == 403, url
    nav = text(head_client.get("/admin/"))
    assert "Wydziały</a>" not in nav and "Użytkownicy" not in nav


def test_department_head_sees_only_own_department(head_client, office, db):
    home = text(head_client.get("/admin/"))
    assert "Wydział Komunikacji" in home
    assert "Wydział Architektury i Budownictwa" not in home
    own, other = office["KM-1"], office["AB-1"]
    assert head_client.get(f"/admin/departments/{own.department_id}").status_code == 200
    assert head_client.get(f"/admin/service-points/{own.id}").status_code == 200
    assert head_client.get(f"/admin/service-points/{own.id}/qr.png").status_code == 200
    for url in (
        f"/admin/departments/{other.department_id}",
        f"/admin/service-points/{other.id}",
        f"/admin/service-points/{other.id}/qr.png",
        f"/admin/service-points/{other.id}/qr.svg",
        f"/admin/service-points/{other.id}/poster-a4.pdf",
        f"/admin/departments/{other.department_id}/posters-a4.pdf",
    ):
        assert head_client.get(url).status_code == 403, url


def test_department_head_page_is_read_only(head_client, office):
    page = text(head_client.get(f"/admin/service-points/{office['KM-1'].id}"))
    assert "Nadaj nowy kod" not in page and "Dezaktywuj" not in page and "Edytuj" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/admin/departments/{dept}/active",
        "/admin/service-points/{point}/active",
        "/admin/service-points/{point}/rotate-token",
        "/admin/service-points/{point}/kiosk",
        "/admin/surveys/{survey}/active",
    ],
)
def test_department_head_cannot_post_changes_even_to_own_department(client, users, office, db, url):
    login(client, users["head_km"])
    point = office["KM-1"]
    token_before = point.token
    token = csrf_token_from(text(client.get("/admin/")))
    target = url.format(dept=point.department_id, point=point.id, survey=point.survey_id)
    assert client.post(target, data={"csrf_token": token, "active": "0"}).status_code == 403
    db.session.refresh(point)
    assert point.active and point.token == token_before


def test_posting_without_csrf_token_is_refused(admin_client, office, db):
    point = office["KM-1"]
    assert admin_client.post(f"/admin/service-points/{point.id}/active", data={"active": "0"}).status_code == 400
    db.session.refresh(point)
    assert point.active


def test_unknown_objects_are_404(admin_client, office):
    assert admin_client.get("/admin/departments/9999").status_code == 404
    assert admin_client.get("/admin/service-points/9999/qr.png").status_code == 404
