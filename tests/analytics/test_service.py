"""compute_indicators on a small office whose every figure is computed by hand below."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from analytics.periods import PeriodError
from analytics.service import ScopeError, comments_page, compute_indicators, indicators_by_month, weekday_hour_counts
from survey.demo import seed_demo
from survey.models import Department, QualityObjective, Response, ServicePoint
from survey.services import store_response

approx = lambda value: pytest.approx(value, abs=5e-5)  # noqa: E731


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# (counter, submitted at UTC, answers): five responses in 2026-Q3 (Warsaw), two in Q2, one in Q4.
RESPONSES = [
    ("KM-1", utc(2026, 7, 10, 8), dict(satisfaction=5, recommend=10, settled=1, waiting_time="lt5", comment="Bardzo sprawnie")),
    ("KM-1", utc(2026, 8, 5, 9), dict(satisfaction=4, recommend=9, settled=1, waiting_time="5to15")),
    # 23:30 on 30 September in Warsaw: still September
    ("KM-1", utc(2026, 9, 30, 21, 30), dict(satisfaction=2, recommend=3, settled=0, waiting_time="gt30", comment="Długa kolejka")),
    ("KM-2", utc(2026, 9, 15, 10), dict(satisfaction=3, recommend=7, settled=1)),
    # 05:00 UTC = 07:00 on 1 July in Warsaw: the first morning of the quarter
    ("AB-1", utc(2026, 7, 1, 5), dict(satisfaction=1, recommend=0, settled=0, waiting_time="gt30", comment="Źle")),
    # 00:30 on 1 October in Warsaw: October, 2026-Q4
    ("KM-1", utc(2026, 9, 30, 22, 30), dict(satisfaction=1)),
    # 23:59 on 30 June in Warsaw: 2026-Q2
    ("KM-1", utc(2026, 6, 30, 21, 59), dict(satisfaction=5, settled=1)),
    ("AB-1", utc(2026, 5, 10, 9), dict(satisfaction=4)),
]


@pytest.fixture
def answered(db, office):
    version = office["KM-1"].survey.current_version
    for code, when, answers in RESPONSES:
        assert store_response(office[code], version, answers, submitted_at=when)
    return office


def by_code(items: list[dict]) -> dict[str, dict]:
    return {item["code"]: item for item in items}


def test_office_indicators_of_a_quarter(answered):
    result = compute_indicators("2026-Q3")
    assert (result["period"], result["timezone"], result["responses"]) == ("2026-Q3", "Europe/Warsaw", 5)
    assert result["scope"] == {"kind": "office", "code": None, "name": "Starostwo Powiatowe w Opiniowie"}
    questions = by_code(result["questions"])
    assert [q["code"] for q in result["questions"]] == ["satisfaction", "recommend", "settled", "waiting_time", "comment"]

    satisfaction = questions["satisfaction"]  # 5, 4, 2, 3, 1
    assert satisfaction["n"] == 5
    assert satisfaction["mean"] == approx(3.0)
    assert satisfaction["distribution"] == {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1}
    assert satisfaction["csat"] == approx(0.4)
    # Wilson 2/5: centre 0.78415 / 1.76829 = 0.44345, half-width 1.96·√(0.048 + 0.038415) / 1.76829 = 0.32583
    assert (satisfaction["csat_ci_low"], satisfaction["csat_ci_high"]) == (approx(0.1176), approx(0.7693))

    recommend = questions["recommend"]  # 10, 9, 3, 7, 0: two promoters, one passive, two detractors
    assert (recommend["n"], recommend["promoters"], recommend["passives"], recommend["detractors"]) == (5, 0.4, 0.2, 0.4)
    assert recommend["nps"] == 0

    settled = questions["settled"]  # yes, yes, no, yes, no
    assert (settled["n"], settled["yes_share"]) == (5, approx(0.6))
    assert (settled["yes_share_ci_low"], settled["yes_share_ci_high"]) == (approx(0.2307), approx(0.8824))

    waiting = questions["waiting_time"]
    assert waiting["n"] == 4
    assert waiting["counts"] == {"lt5": 1, "5to15": 1, "15to30": 0, "gt30": 2}
    assert waiting["shares"] == {"lt5": 0.25, "5to15": 0.25, "15to30": 0.0, "gt30": 0.5}
    assert questions["comment"]["n"] == 3


def test_change_against_the_previous_quarter(answered):
    result = compute_indicators("2026-Q3")
    assert result["previous_period"]["label"] == "2026-Q2" and result["previous_period"]["responses"] == 2
    change = by_code(result["questions"])["satisfaction"]["change"]
    # Q2: 5 and 4, CSAT 1.0, mean 4.5
    assert change["previous_n"] == 2
    assert change["mean"] == {"previous": 4.5, "difference": approx(-1.5)}
    assert change["csat"]["previous"] == 1.0 and change["csat"]["difference"] == approx(-0.6)
    # pooled 4/7, SE √(0.571429·0.428571·0.7) = 0.414039, z = −0.6 / 0.414039 = −1.4491, p = 0.1473
    assert change["csat"]["z"] == pytest.approx(-1.4491, abs=1e-4)
    assert change["csat"]["p_value"] == pytest.approx(0.1473, abs=1e-4)
    assert change["csat"]["significant"] is False
    settled = by_code(result["questions"])["settled"]["change"]["yes_share"]
    assert settled["previous"] == 1.0 and settled["difference"] == approx(-0.4)


def test_breakdowns_by_department_service_point_and_month(answered):
    result = compute_indicators("2026-Q3")
    departments = by_code(result["by_department"])
    assert set(departments) == {"KM", "AB", "GK", "OS", "KO"}
    assert departments["KM"]["responses"] == 4
    km = by_code(departments["KM"]["questions"])["satisfaction"]  # 5, 4, 2, 3
    assert (km["n"], km["mean"], km["csat"]) == (4, 3.5, 0.5)
    assert by_code(departments["AB"]["questions"])["satisfaction"]["csat"] == 0.0
    gk = by_code(departments["GK"]["questions"])["satisfaction"]
    assert (departments["GK"]["responses"], gk["n"], gk["csat"], gk["mean"]) == (0, 0, None, None)

    points = by_code(result["by_service_point"])
    assert (points["KM-1"]["responses"], points["KM-1"]["department"]) == (3, "KM")
    assert by_code(points["KM-1"]["questions"])["satisfaction"]["csat"] == approx(2 / 3)
    assert points["KM-2"]["responses"] == 1 and points["AB-2"]["responses"] == 0

    months = {m["month"]: m for m in result["by_month"]}
    assert {k: m["responses"] for k, m in months.items()} == {"2026-07": 2, "2026-08": 1, "2026-09": 2}
    july = by_code(months["2026-07"]["questions"])["satisfaction"]  # 5 and 1
    assert (july["n"], july["csat"], july["mean"]) == (2, 0.5, 3.0)


def test_time_zone_boundary_puts_late_september_utc_into_october(answered):
    assert compute_indicators("2026-09")["responses"] == 2
    october = compute_indicators("2026-10")
    assert october["responses"] == 1
    assert by_code(october["questions"])["satisfaction"]["distribution"]["1"] == 1
    assert compute_indicators("2026-Q4")["responses"] == 1
    assert compute_indicators("2026-06")["responses"] == 1  # 23:59 on 30 June in Warsaw


def test_weekday_and_hour_are_local(answered):
    cells = {(c["weekday"], c["hour"]): c["responses"] for c in weekday_hour_counts("2026-Q3")}
    # Fri 10 Jul 08:00 UTC = Fri 10:00; Wed 5 Aug 09:00 UTC = 11:00; Wed 30 Sep 21:30 UTC = 23:00;
    # Tue 15 Sep 10:00 UTC = 12:00; Wed 1 Jul 05:00 UTC = 07:00
    assert cells == {(4, 10): 1, (2, 11): 1, (2, 23): 1, (1, 12): 1, (2, 7): 1}


def test_department_and_service_point_scopes(answered):
    km = compute_indicators("2026-Q3", department_code="KM")
    assert km["scope"]["kind"] == "department" and km["responses"] == 4
    assert [d["code"] for d in km["by_department"]] == ["KM"]
    assert [p["code"] for p in km["by_service_point"]] == ["KM-1", "KM-2", "KM-3", "KM-4"]
    point = compute_indicators("2026-Q3", service_point_code="KM-1")
    assert point["scope"]["kind"] == "service_point" and point["responses"] == 3
    assert by_code(point["questions"])["comment"]["n"] == 2


@pytest.mark.parametrize(
    ("department", "point", "message"),
    [("ZZ", None, "unknown department 'ZZ'"), (None, "ZZ-9", "unknown service point 'ZZ-9'"),
     ("AB", "KM-1", "does not belong to department 'AB'")],
)
def test_unknown_scope_is_explained(answered, department, point, message):
    with pytest.raises(ScopeError, match=message):
        compute_indicators("2026-Q3", department, point)


def test_unknown_period_is_explained(answered):
    with pytest.raises(PeriodError, match="unknown period"):
        compute_indicators("Q3 2026")


def test_objectives_from_the_database_and_the_survey_file(db, answered):
    km = db.session.scalar(sa.select(Department).where(Department.code == "KM"))
    km1 = db.session.scalar(sa.select(ServicePoint).where(ServicePoint.code == "KM-1"))
    db.session.add_all([
        QualityObjective(name="KM CSAT", scope="department", department=km, indicator="csat", target=0.5, min_sample=3),
        QualityObjective(name="Settled", scope="office", indicator="yes_share", target=0.7, min_sample=5),
        QualityObjective(name="KM-1 forms", scope="service_point", service_point=km1, indicator="responses", target=3),
        QualityObjective(name="Switched off", indicator="csat", target=0.1, min_sample=1, active=False),
    ])
    db.session.commit()
    objectives = {o["name"]: o for o in compute_indicators("2026-Q3")["objectives"]}
    # the three objectives of data/demo_survey.yaml need 30 answers
    from_file = [o for name, o in objectives.items() if name not in {"KM CSAT", "Settled", "KM-1 forms"}]
    assert len(from_file) == 3 and {o["status"] for o in from_file} == {"insufficient_data"}
    assert "Switched off" not in objectives
    assert (objectives["KM CSAT"]["value"], objectives["KM CSAT"]["n"], objectives["KM CSAT"]["status"]) == (0.5, 4, "met")
    assert (objectives["Settled"]["value"], objectives["Settled"]["n"]) == (approx(0.6), 5)
    assert objectives["Settled"]["status"] == "not_met"
    assert (objectives["KM-1 forms"]["value"], objectives["KM-1 forms"]["status"]) == (3.0, "met")
    # a counter's scope shows only that counter's objectives
    assert [o["name"] for o in compute_indicators("2026-Q3", service_point_code="KM-1")["objectives"]] == ["KM-1 forms"]


def test_indicators_by_month_for_charts(answered):
    months = indicators_by_month("2026", department_code="KM")
    assert [m["month"] for m in months] == [f"2026-{m:02d}" for m in range(1, 13)]
    satisfaction = {m["month"]: by_code(m["questions"])["satisfaction"] for m in months}
    assert satisfaction["2026-09"]["n"] == 2 and satisfaction["2026-09"]["csat"] == 0.0  # 2 and 3
    assert satisfaction["2026-10"]["n"] == 1
    assert satisfaction["2026-01"]["csat"] is None


def test_comments_newest_first_filtered_and_paginated(answered):
    page = comments_page("2026-Q3")
    assert page.total == 3
    assert [c["text"] for c in page.items] == ["Długa kolejka", "Bardzo sprawnie", "Źle"]
    assert [c["rating"] for c in page.items] == [2, 5, 1]
    assert page.items[0]["service_point"] == "KM-1" and page.items[0]["department"] == "KM"
    assert [c["text"] for c in comments_page("2026-Q3", text="KOLEJKA").items] == ["Długa kolejka"]
    assert [c["text"] for c in comments_page("2026-Q3", ratings=[1, 2]).items] == ["Długa kolejka", "Źle"]
    assert [c["text"] for c in comments_page("2026-Q3", department_code="AB").items] == ["Źle"]
    second = comments_page("2026-Q3", page=2, per_page=2)
    assert (second.total, second.pages, [c["text"] for c in second.items]) == (3, 2, ["Źle"])
    assert comments_page("2026-Q3", text="100%_").total == 0  # LIKE wildcards are literal


def _comparable(result: dict) -> str:
    return json.dumps(result, sort_keys=True, default=str)


@pytest.mark.parametrize("period", ["2026-Q3", "2026-09", "2026", "2025-12-15..2026-02-10"])
def test_hourly_counts_give_the_same_result_as_the_raw_answers(db, office, period):
    seed_demo(300, "Europe/Warsaw")
    hourly = compute_indicators(period, source="hourly")
    assert hourly["responses"] > 0 or period == "2025-12-15..2026-02-10"
    assert _comparable(hourly) == _comparable(compute_indicators(period, source="raw"))


def test_counts_follow_deleted_responses(db, answered):
    ids = db.session.scalars(sa.select(Response.id).order_by(Response.submitted_at)).all()
    db.session.delete(db.session.get(Response, ids[-3]))  # through the ORM: answers first, then the response
    db.session.commit()
    db.session.execute(sa.delete(Response).where(Response.id == ids[-4]))  # answers removed by the cascade
    db.session.commit()
    hourly, raw = compute_indicators("2026-Q3", source="hourly"), compute_indicators("2026-Q3", source="raw")
    assert hourly["responses"] == 3
    assert _comparable(hourly) == _comparable(raw)
