"""flask --app app indicators: JSON for scripts, a table for people, clear errors for bad input."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from survey.services import store_response


@pytest.fixture
def answered(db, office):
    version = office["KM-1"].survey.current_version
    when = datetime(2026, 8, 3, 9, tzinfo=timezone.utc)
    for code, satisfaction, recommend in [("KM-1", 5, 10), ("KM-1", 4, 6), ("KM-3", 2, 9), ("AB-1", 5, 8)]:
        store_response(office[code], version, {"satisfaction": satisfaction, "recommend": recommend}, submitted_at=when)
    return office


def run(app, *args):
    return app.test_cli_runner().invoke(args=["indicators", *args])


def test_json_output_has_the_contract_fields(app, answered):
    result = run(app, "--period", "2026-Q3", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("period", "timezone", "responses", "questions", "by_department", "by_service_point", "objectives"):
        assert key in data
    recommend = next(q for q in data["questions"] if q["code"] == "recommend")
    # 10 and 9 promote, 8 is passive, 6 detracts: NPS 100·(2 − 1)/4 = 25
    assert (recommend["n"], recommend["nps"]) == (4, 25.0)


def test_table_output_for_a_service_point(app, answered):
    result = run(app, "--period", "2026-08", "--service-point", "KM-1")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Period 2026-08 (2026-08-01 – 2026-08-31, Europe/Warsaw) scope: service_point KM-1" in text
    assert "Responses: 2 (previous period 2026-07: 0)" in text
    # 5 and 4: both satisfied; Wilson 2/2 = [0.3424, 1]; no answers in July, so no change
    assert "satisfaction rating_5 2 mean 4.50 CSAT 100.0% [34.2%–100.0%] Δ –" in text
    assert "recommend nps 2 NPS 0.0 promoters 50.0% passives 0.0% detractors 50.0%" in text
    assert "settled yes_no 0 yes – Δ –" in text


def test_table_output_lists_departments_and_objectives(app, answered):
    result = run(app, "--period", "2026-Q3", "--department", "KM")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "By department: KM 3 responses" in text
    assert "By service point: KM-1 2 responses" in text
    assert "[insufficient_data] Wydział Komunikacji – CSAT co najmniej 80% w kwartale: csat 0.667 >= 0.800 (n=3, minimum 30)" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-Q7"], "unknown period '2026-Q7'"),
        (["--period", "2026-Q3", "--department", "XX"], "unknown department 'XX'"),
        (["--period", "2026-Q3", "--service-point", "KM-1", "--department", "AB"], "does not belong to department 'AB'"),
        (["--period", "2026-Q3", "--format", "xml"], "'xml' is not one of 'json', 'table'"),
    ],
)
def test_bad_input_is_a_usage_error(app, answered, args, message):
    result = run(app, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_rebuild_indicator_counts_repairs_the_count_tables(app, db, answered):
    from survey.models import AnswerDayCount, AnswerHourCount, ResponseHourCount

    before = json.loads(run(app, "--period", "2026-Q3", "--format", "json").stdout)
    for model in (AnswerDayCount, AnswerHourCount, ResponseHourCount):
        db.session.query(model).delete()
    db.session.commit()
    assert json.loads(run(app, "--period", "2026-Q3", "--format", "json").stdout)["responses"] == 0
    result = app.test_cli_runner().invoke(args=["rebuild-indicator-counts"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    assert json.loads(run(app, "--period", "2026-Q3", "--format", "json").stdout) == before


def test_rebuild_indicator_counts_cuts_the_chart_pieces_in_the_office_zone(app, db, answered):
    import sqlalchemy as sa

    from analytics.chart_pieces import ensure_chart_boundaries
    from survey.models import ChartBoundaryZone, ChartCount

    def pieces() -> list[tuple]:
        return sorted(tuple(row) for row in db.session.execute(
            sa.select(ChartCount.piece, ChartCount.service_point_id, ChartCount.question_id, ChartCount.value, ChartCount.n)
            .where(ChartCount.n > 0)))

    before = pieces()
    with db.engine.begin() as connection:
        ensure_chart_boundaries(connection, "America/New_York")
    assert db.session.scalar(sa.select(ChartBoundaryZone.timezone)) == "America/New_York" and pieces() != before
    result = app.test_cli_runner().invoke(args=["rebuild-indicator-counts"])
    assert result.exit_code == 0
    assert db.session.scalar(sa.select(ChartBoundaryZone.timezone)) == "Europe/Warsaw"
    assert pieces() == before and sum(row[-1] for row in before) == 4
