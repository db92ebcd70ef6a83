"""The management review: drafted conclusions, edited by the quality manager; the final PDF kept as the record."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import sqlalchemy as sa
from pypdf import PdfReader

from actions.models import ManagementReviewRecord
from actions.review import draft_conclusions, improvement_section
from analytics.periods import parse_period
from survey.models import AuditLog, Department
from tests.actions.conftest import make_action, today
from tests.conftest import csrf_token_from, login

QUARTER = "2026-Q2"


def test_draft_names_unmet_objectives_and_overdue_actions():
    lines = draft_conclusions([{"name": "CSAT KM", "status": "not_met", "reason": "wartość 70% nie spełnia ≥ 85%"}],
                              [], overdue=2, earlier_open=1)
    assert any("cel „CSAT KM” nie został osiągnięty" in line for line in lines)
    assert any("2 działań po terminie i 1 otwartych" in line for line in lines)


def test_open_actions_from_earlier_reviews_are_listed(db, users, office):
    km = db.session.scalar(sa.select(Department).where(Department.code == "KM"))
    period = parse_period(QUARTER, "Europe/Warsaw")
    make_action(users["quality_manager"], department=km, title="Stara sprawa", due=period.first_day - timedelta(days=20))
    section = improvement_section(period, None, [], today())
    assert [row.title for row in section.earlier_open] == ["Stara sprawa"]
    assert not section.conclusions_saved


def test_quality_manager_edits_conclusions_and_keeps_the_final_report(client, db, users, office):
    login(client, users["quality_manager"])
    page = client.get(f"/actions/review?period={QUARTER}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    saved = client.post(f"/actions/review?period={QUARTER}", data={
        "csrf_token": csrf_token_from(html), "conclusions": "Zwiększyć obsadę KM w poniedziałki\n\nSzkolenie <b>AB</b>"})
    assert saved.status_code == 303
    record = db.session.scalar(sa.select(ManagementReviewRecord))
    assert [c["text"] for c in record.conclusions] == ["Zwiększyć obsadę KM w poniedziałki", "Szkolenie <b>AB</b>"]
    final = client.post(f"/actions/review/final?period={QUARTER}", data={"csrf_token": csrf_token_from(html)})
    assert final.status_code == 200 and final.mimetype == "application/pdf"
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(final.data)).pages))
    assert "Zwiększyć obsadę KM w poniedziałki" in text and "Szkolenie <b>AB</b>" in text
    db.session.refresh(record)
    assert record.final_pdf == final.data and record.finalized_by_id == users["quality_manager"].id
    assert client.get(f"/actions/review/{QUARTER}.pdf").data == final.data
    audited = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.entity == "management_review")).all()
    assert sorted(audited) == ["finalize", "update"]


def test_review_is_for_managers_and_quarters_only(client, users, office):
    login(client, users["head_km"])
    assert client.get(f"/actions/review?period={QUARTER}").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/actions/").get_data(as_text=True))})
    login(client, users["quality_manager"])
    assert client.get("/actions/review?period=2026-05").status_code == 400
    assert client.get("/actions/review?period=nonsense").status_code == 400
    assert client.get("/actions/review/2026-Q1.pdf").status_code == 404


def test_draft_names_signals_without_an_action_and_improvements():
    signals = [{"kind": "concern", "acted_on": False, "message": "KM-1: CSAT – pogorszenie od 2026-05-04"},
               {"kind": "concern", "acted_on": True, "message": "KM-2: CSAT – pogorszenie"},
               {"kind": "improvement", "acted_on": False, "message": "AB-1: CSAT – poprawa"}]
    lines = draft_conclusions([], [], 0, 0, signals)
    assert any(line.startswith("Potrzeba zmiany: KM-1") for line in lines)
    assert not any("KM-2" in line for line in lines)
    assert any(line.startswith("Szansa doskonalenia: AB-1") for line in lines)
