"""The staff side speaks plainly: / leads to the login or the role's start page, error pages in the page's
language with navigation, the audit log and objectives in words, a warning while the public address is local."""
from __future__ import annotations

import re

import pytest

from tests.admin.helpers import submit, text
from tests.conftest import login


def words(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(response))).replace(" :", ":")


def test_root_is_the_login_or_the_start_page(client, users):
    assert client.get("/").headers["Location"].endswith("/login")
    login(client, users["quality_manager"])
    assert client.get("/").headers["Location"].endswith("/admin/")


def test_root_sends_a_department_head_to_the_dashboard(client, users):
    login(client, users["head_km"])
    assert client.get("/").headers["Location"].endswith("/dashboard/")


def test_forbidden_page_is_polish_and_keeps_the_navigation(head_client):
    page = head_client.get("/admin/users")
    assert page.status_code == 403
    body = words(page)
    assert "Brak dostępu" in body and "Nie masz dostępu do tej strony" in body and "Wróć do strony startowej" in body
    assert 'class="staff-nav"' in text(page)
    assert "You don't have the permission" not in body


def test_not_found_page_in_english(admin_client):
    page = admin_client.get("/admin/no-such-page?lang=en")
    assert page.status_code == 404
    assert "There is no such page" in words(page) and "The requested URL" not in words(page)


def test_period_errors_in_the_pages_language(admin_client):
    polish = admin_client.get("/dashboard/?period=2026-13")
    assert polish.status_code == 400 and "Okres „2026-13”: miesiąc musi być od 01 do 12." in words(polish)
    english = admin_client.get("/dashboard/?period=2026-13&lang=en")
    assert "Period “2026-13”: the month must be from 01 to 12." in words(english)


def test_audit_log_in_words(admin_client, office):
    counter = office["KM-3"]
    submit(admin_client, f"/admin/service-points/{counter.id}/rotate-token")
    log = words(admin_client.get("/admin/audit"))
    assert "Nadanie nowego kodu" in log and counter.name in log
    assert "rotate_token" not in log and "service_point #" not in log


def test_objective_change_in_the_log_reads_as_percent_and_words(admin_client, office, db):
    data = {"name": "Cel testowy", "scope": "office", "department_id": 0, "service_point_id": 0, "indicator": "csat",
            "question_code": "satisfaction", "comparator": ">=", "target": "85", "min_sample": "30",
            "period_kind": "quarter"}
    assert submit(admin_client, "/admin/objectives/new", data).status_code == 303
    objectives = words(admin_client.get("/admin/objectives"))
    assert "co najmniej 85 %" in objectives and ">=" not in objectives and "yes_share" not in objectives
    log = words(admin_client.get("/admin/audit"))
    assert "Wartość docelowa: — → 85 %" in log and "Okres: — → Kwartał" in log and "period_kind" not in log


@pytest.mark.parametrize("app_config", [{"OPINIA_PUBLIC_URL": "http://127.0.0.1:5000"}])
def test_warning_while_the_public_address_is_local(admin_client, app_config):
    assert "OPINIA_PUBLIC_URL" in words(admin_client.get("/admin/"))


def test_no_warning_for_a_real_address(admin_client):
    assert "OPINIA_PUBLIC_URL" not in words(admin_client.get("/admin/"))
