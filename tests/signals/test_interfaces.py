"""``GET /api/v1/signals`` and ``flask signals``: the same JSON, the indicators API's scoping, clean errors."""
from __future__ import annotations

import json

import pytest

from api.auth import create_api_token
from signals.services import refresh_signals
from tests.signals.conftest import add_week, steady_history

SIGNAL_KEYS = {"id", "status", "scope", "indicator", "question", "kind", "rule", "since", "message"}
CHART_KEYS = {"scope", "indicator", "question", "grain", "sigma_z", "assurance", "baseline", "points"}
POINT_KEYS = {"start", "n", "value", "center", "lower", "upper", "mark"}


@pytest.fixture
def drop(office):
    steady_history(office["KM-1"])
    for weeks_ago in (3, 2, 1):
        add_week(office["KM-1"], weeks_ago, good=12)
    refresh_signals()


def test_the_api_answers_the_documented_shape(head_client, drop):
    payload = head_client.get("/api/v1/signals").get_json()  # a head with one department gets it by default
    assert payload["scope"] == {"kind": "department", "code": "KM"}
    assert payload["signals"] and all(SIGNAL_KEYS <= set(s) for s in payload["signals"])
    kinds = [s["kind"] for s in payload["signals"]]
    assert kinds[0] == "concern" and set(kinds) <= {"concern", "objective_at_risk"}
    first = payload["signals"][0]
    assert first["rule"] == "beyond_limit" and first["status"] == "open" and first["scope"]["kind"] == "service_point"
    assert "pogorszenie" in first["message"]
    chart = next(c for c in payload["charts"] if c["scope"] == {"kind": "service_point", "code": "KM-1"})
    assert CHART_KEYS <= set(chart) and chart["grain"] == "week"
    assert set(chart["baseline"]) == {"from", "to"}
    assert all(POINT_KEYS <= set(p) for p in chart["points"])
    assert [p["mark"] for p in chart["points"][-3:]] == ["concern"] * 3
    assert all(0 <= p["lower"] <= p["value"] <= 1 or p["mark"] != "common" for p in chart["points"])


def test_the_api_keeps_heads_to_their_departments(head_client, drop):
    assert head_client.get("/api/v1/signals?department=AB").status_code == 403
    assert head_client.get("/api/v1/signals?service_point=AB-1").status_code == 403
    unknown = head_client.get("/api/v1/signals?department=XX")
    assert unknown.status_code == 400 and "unknown department" in unknown.get_json()["error"]
    assert head_client.get("/api/v1/signals?period=2026-Q9").status_code == 400


def test_a_token_and_a_period(client, users, drop):
    assert client.get("/api/v1/signals").status_code == 401
    token = create_api_token(users["quality_manager"].email, "intranet")
    response = client.get("/api/v1/signals?period=2020-Q1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    payload = response.get_json()
    assert payload["signals"] == [] and payload["charts"] == [] and payload["period"]["label"] == "2020-Q1"


def test_the_cli_prints_the_same_json_and_a_table(app, head_client, drop):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["signals", "--department", "KM", "--format", "json"])
    assert result.exit_code == 0
    from_cli = json.loads(result.output)
    from_api = head_client.get("/api/v1/signals?department=KM").get_json()
    assert from_cli == from_api
    table = runner.invoke(args=["signals", "--service-point", "KM-1"])
    assert table.exit_code == 0 and "beyond_limit" in table.output and "satisfaction" in table.output


@pytest.mark.parametrize("args, message", [
    (["--department", "XX"], "unknown department"),
    (["--period", "kiedyś"], "unknown period"),
    (["--department", "AB", "--service-point", "KM-1"], "does not belong"),
])
def test_the_cli_explains_mistakes_without_a_traceback(app, office, args, message):
    result = app.test_cli_runner().invoke(args=["signals", *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
