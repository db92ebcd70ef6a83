"""``themes``, ``purge-comments`` and ``redact-comments`` commands and ``GET /api/v1/themes``; retention keeps
comments that another capability protects, and every change reaches the cached dashboards at once."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import sqlalchemy as sa

from api.auth import create_api_token
from comments.models import RedactionCount
from comments.retention import EXTENSION_KEY, register_protected_comments
from survey.models import Answer, AuditLog
from tests.comments.test_views import KM, comment_count
from tests.conftest import login
from tests.dashboard.conftest import IN_Q3, add_response

OLD = datetime(2023, 3, 1, 10, tzinfo=timezone.utc)


def test_themes_command_prints_json_with_code_name_and_comments(app, commented):
    result = app.test_cli_runner().invoke(args=["themes", "--period", "2026-Q3", "--department", "KM", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["period"] == "2026-Q3" and data["comments"] == 5 and data["previous_comments"] == 1
    waiting = next(t for t in data["themes"] if t["code"] == "waiting")
    assert (waiting["name"], waiting["comments"], waiting["share"]) == ("Czekanie i kolejki", 2, 0.4)
    assert waiting["change"] == 0.4 - 1.0


def test_themes_command_table_and_user_mistakes(app, commented):
    runner = app.test_cli_runner()
    table = runner.invoke(args=["themes", "--period", "2026-Q3", "--service-point", "KM-1"])
    assert table.exit_code == 0 and re.search(r"waiting\s+Czekanie i kolejki\s+2\s+100.0%", table.output)
    for args in (["--period", "2026-Q9"], ["--period", "2026-Q3", "--department", "XX"]):
        wrong = runner.invoke(args=["themes", *args])
        assert wrong.exit_code == 2 and "Traceback" not in wrong.output


def test_purge_empties_old_comments_but_keeps_protected_ones_and_counts(app, db, office):
    old = add_response(office["KM-1"], OLD, satisfaction=1, comment="Stara skarga na kolejkę.")
    kept = add_response(office["KM-1"], OLD, satisfaction=1, comment="Skarga w otwartym działaniu.")
    recent = add_response(office["KM-1"], datetime.now(timezone.utc), satisfaction=5, comment="Nowy komentarz.")
    db.session.commit()
    protected = {a.id for a in kept.answers if a.value_text}
    register_protected_comments(app, lambda: protected)
    result = app.test_cli_runner().invoke(args=["purge-comments"])
    assert result.exit_code == 0 and "Comments emptied: 1" in result.output and "open improvement actions: 1" in result.output
    texts = {a.response_id: a.value_text for a in db.session.scalars(sa.select(Answer).where(Answer.value_int.is_(None)))}
    assert texts == {old.id: None, kept.id: "Skarga w otwartym działaniu.", recent.id: "Nowy komentarz."}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 6  # the rows (and ratings) stay
    audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "purge")).one()
    assert audit.details["emptied"] == 1 and audit.details["kept_for_open_actions"] == 1 and audit.details["months"] == 24
    app.extensions[EXTENSION_KEY].clear()


def test_retention_months_come_from_the_environment(app, db, office, monkeypatch):
    add_response(office["KM-1"], datetime(2026, 1, 5, tzinfo=timezone.utc), satisfaction=3, comment="Styczeń.")
    db.session.commit()
    app.config["OPINIA_COMMENT_RETENTION_MONTHS"] = 240
    assert "Comments emptied: 0" in app.test_cli_runner().invoke(args=["purge-comments"]).output
    assert "Comments emptied: 1" in app.test_cli_runner().invoke(args=["purge-comments", "--months", "1"]).output


def test_redaction_and_retention_reach_a_cached_dashboard_at_once(app, client, db, users, commented):
    leaked = add_response(commented["KM-3"], IN_Q3, satisfaction=2, comment="Tel. 601 234 567, PESEL 44051401359")
    db.session.commit()  # stored before redaction existed
    login(client, users["head_km"])
    assert "44051401359" in client.get(KM).get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["redact-comments"])
    assert "Comments changed: 1" in result.output and "pesel: 1" in result.output and "phone: 1" in result.output
    page = client.get(KM).get_data(as_text=True)
    assert "44051401359" not in page and "Tel. [TELEFON], PESEL [PESEL]" in page
    assert next(a.value_text for a in leaked.answers if a.value_text) == "Tel. [TELEFON], PESEL [PESEL]"
    assert {(c.kind, c.source) for c in db.session.scalars(sa.select(RedactionCount))} == {("pesel", "cleanup"),
                                                                                        ("phone", "cleanup")}
    assert db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "redact")).one().details["removed"] == \
        {"pesel": 1, "phone": 1}
    assert comment_count(page, "Czekanie i kolejki") == 2
    app.test_cli_runner().invoke(args=["purge-comments", "--months", "1"])
    page = client.get(KM).get_data(as_text=True)
    assert "Brak komentarzy w tym okresie." in page and "Czekałam w kolejce" not in page


def test_api_themes_are_scoped_like_the_other_apis(client, users, commented):
    head = {"Authorization": f"Bearer {create_api_token(users['head_km'].email, 'intranet')}"}
    data = client.get("/api/v1/themes?period=2026-Q3", headers=head).get_json()
    assert data["comments"] == 5
    assert {"code": "waiting", "name": "Czekanie i kolejki", "comments": 2}.items() <= \
        next(t for t in data["themes"] if t["code"] == "waiting").items()
    assert client.get("/api/v1/themes?period=2026-Q3&department=AB", headers=head).status_code == 403
    assert client.get("/api/v1/themes?period=nonsense", headers=head).status_code == 400
    assert client.get("/api/v1/themes?period=2026-Q3").status_code == 401
    manager = {"Authorization": f"Bearer {create_api_token(users['quality_manager'].email, 'x')}"}
    english = client.get("/api/v1/themes?period=2026-Q3&lang=en", headers=manager).get_json()
    assert english["comments"] == 6 and "Waiting and queues" in {t["name"] for t in english["themes"]}
