"""The pages: "Wymaga uwagi" on the dashboards, acknowledging (audited, empties the cache), permissions, settings."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from dashboard.cache import app_cache
from extensions import db
from signals.models import NotificationPreference
from signals.services import add_rebase, refresh_signals
from survey.models import AuditLog
from tests.conftest import csrf_token_from, login
from tests.signals.conftest import add_week, signals_of, steady_history, week_start


@pytest.fixture
def drop(office):
    steady_history(office["KM-1"])
    for weeks_ago in (3, 2, 1):
        add_week(office["KM-1"], weeks_ago, good=12)
    refresh_signals()
    return next(s for s in signals_of("concern") if s.scope_code == "KM-1")


def audit_rows() -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id)))


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_head_sees_what_needs_attention_and_the_control_chart(head_client, drop):
    page = text_of(head_client.get("/dashboard/service-point/KM-1"))
    assert "Wymaga uwagi" in page
    assert "pogorszenie (punkt poza granicą kontrolną)" in page and "ostatnio 40,0% przy średniej 86,7%" in page
    assert f'href="/signals/{drop.id}"' in page
    assert "Karta kontrolna" in page and 'id="chart-spc-satisfaction"' in page
    department = text_of(head_client.get("/dashboard/department/KM"))
    assert department.count('data-signal-kind="concern"') == 2  # the department's and its counter's


def test_a_signal_page_links_to_the_comments_of_that_time(head_client, drop):
    page = text_of(head_client.get(f"/signals/{drop.id}"))
    assert "Co się stało" in page and "Przyjmij do wiadomości" in page
    assert f"period=custom&amp;from={week_start(3).isoformat()}" in page
    csv = head_client.get("/signals/chart.csv?scope=service_point&code=KM-1&question=satisfaction")
    assert csv.status_code == 200 and csv.get_data(as_text=True).count("\n") == 19  # header + 18 weeks


def test_acknowledging_is_audited_and_empties_the_dashboard_cache(app, head_client, drop, users):
    head_client.get("/dashboard/service-point/KM-1")
    head_client.get("/dashboard/service-point/KM-1")
    cache = app_cache()
    misses = cache.misses
    head_client.get("/dashboard/service-point/KM-1")
    assert cache.misses == misses  # served from the cache

    page = head_client.get(f"/signals/{drop.id}").get_data(as_text=True)
    result = head_client.post(f"/signals/{drop.id}/acknowledge",
                              data={"csrf_token": csrf_token_from(page), "comment": "Zmiana obsady, <b>szkolenie</b> w piątek"})
    assert result.status_code == 302
    assert drop.status == "acknowledged" and drop.acknowledged_by_id == users["head_km"].id
    audit = next(a for a in audit_rows() if a.action == "acknowledge")
    assert audit.entity_id == drop.id and audit.details["comment"].startswith("Zmiana obsady")
    assert len(cache._entries) == 0

    dashboard = head_client.get("/dashboard/service-point/KM-1").get_data(as_text=True)
    assert cache.misses > misses
    assert "przyjęty do wiadomości" in dashboard and "&lt;b&gt;szkolenie&lt;/b&gt;" in dashboard


def test_closing_a_signal_gives_a_fresh_dashboard(app, head_client, drop, users):
    head_client.get("/dashboard/service-point/KM-1")
    assert 'data-signal-status="open"' in head_client.get("/dashboard/service-point/KM-1").get_data(as_text=True)
    add_rebase("service_point", "KM-1", None, week_start(3), "", users["quality_manager"])
    refresh_signals()
    assert drop.status == "closed"
    page = head_client.get("/dashboard/service-point/KM-1").get_data(as_text=True)
    assert f'href="/signals/{drop.id}"' not in page


def test_acknowledging_needs_a_comment_and_a_csrf_token(head_client, drop):
    page = head_client.get(f"/signals/{drop.id}").get_data(as_text=True)
    empty = head_client.post(f"/signals/{drop.id}/acknowledge", data={"csrf_token": csrf_token_from(page), "comment": "  "})
    assert empty.status_code == 400 and "Wpisz komentarz." in empty.get_data(as_text=True)
    forged = head_client.post(f"/signals/{drop.id}/acknowledge", data={"comment": "ok"})
    assert forged.status_code == 400
    assert drop.status == "open"


def test_another_department_head_gets_403(client, users, drop):
    login(client, users["head_ab"])
    assert client.get(f"/signals/{drop.id}").status_code == 403
    assert client.post(f"/signals/{drop.id}/acknowledge", data={"comment": "x"}).status_code in (400, 403)
    assert client.get("/signals/999999").status_code == 403
    assert client.get("/signals/chart.csv?scope=service_point&code=KM-1&question=satisfaction").status_code == 403
    overview = client.get("/signals/").get_data(as_text=True)
    assert f'href="/signals/{drop.id}"' not in overview


def test_the_quality_manager_overview_ranks_scopes(quality_manager_client, drop):
    page = text_of(quality_manager_client.get("/signals/"))
    assert "Wydziały i stanowiska według najpoważniejszego sygnału" in page
    assert page.index("Stanowisko 1 – rejestracja pojazdów") < page.index("Sygnały</h2>")
    office = text_of(quality_manager_client.get("/dashboard/"))
    assert "Wymaga uwagi" in office and "Przegląd sygnałów wszystkich wydziałów i stanowisk" in office
    assert quality_manager_client.get("/signals/chart.csv?scope=nowhere").status_code == 400


def test_a_person_chooses_how_to_be_told(head_client, users):
    page = head_client.get("/signals/settings").get_data(as_text=True)
    assert 'value="immediate" checked' in page or "checked" in page
    saved = head_client.post("/signals/settings", data={"csrf_token": csrf_token_from(page), "mode": "weekly"})
    assert saved.status_code == 302
    assert db.session.get(NotificationPreference, users["head_km"].id).mode == "weekly"
    wrong = head_client.post("/signals/settings", data={"csrf_token": csrf_token_from(page), "mode": "hourly"})
    assert wrong.status_code == 400
