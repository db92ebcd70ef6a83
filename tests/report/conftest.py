"""A small office with known answers in 2026-Q3 (and a few in 2026-Q2) for the report and export tests."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from survey.models import QualityObjective
from survey.services import store_response

PERIOD = "2026-Q3"
TEST_OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "report"
SCRIPT_COMMENT = "<script>alert(1)</script> kolejka"
IMG_COMMENT = '<img src=x onerror="alert(2)"> brak ławek'
FORMULA_COMMENT = "=HYPERLINK(\"http://zlo.example\",\"klik\")"

# (counter, rating, recommend, settled, comment); the AB answers are the hand-computed case: CSAT 2/4 = 50,0 %.
Q3_ANSWERS = (
    [("KM-1", r, 9, 1, None) for r in (5, 5, 4, 4, 4, 3, 5, 4, 2, 5, 4, 4)] * 2
    + [("KM-3", r, 6, 0, None) for r in (2, 3, 4, 1, 2, 5, 3, 4, 2, 3, 1, 4)]
    + [
        ("AB-1", 5, 10, 1, "Bardzo miła obsługa"),
        ("AB-1", 4, 8, 1, FORMULA_COMMENT),
        ("AB-1", 2, 3, 0, IMG_COMMENT),
        ("AB-1", 1, 0, 0, SCRIPT_COMMENT),
    ]
)
Q2_ANSWERS = [("KM-1", r, 7, 1, None) for r in (5, 4, 2, 2, 3, 4, 5, 1, 2, 3)]


def _store(office, answers, first_moment: datetime) -> None:
    for index, (counter, rating, recommend, settled, comment) in enumerate(answers):
        values = {"satisfaction": rating, "recommend": recommend, "settled": settled}
        if comment:
            values["comment"] = comment
        point = office[counter]
        store_response(point, point.survey.current_version, values, submitted_at=first_moment + timedelta(days=index, hours=index % 5))


@pytest.fixture
def report_office(db, office):
    """Q3 2026: 40 responses (KM 36, AB 4), three comments with markup or a formula; Q2 2026: 10 at KM-1.

    Besides the demo survey's objectives, AB has a CSAT objective that cannot be judged on 4 answers.
    """
    _store(office, Q3_ANSWERS, datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc))
    _store(office, Q2_ANSWERS, datetime(2026, 4, 2, 8, 0, tzinfo=timezone.utc))
    db.session.add(QualityObjective(name="AB – CSAT co najmniej 80%", scope="department",
                                    department=office["AB-1"].department, indicator="csat", question_code="satisfaction",
                                    comparator=">=", target=0.8, min_sample=30))
    db.session.commit()
    return office


@pytest.fixture(scope="session")
def test_output() -> Path:
    """test-output/report/ (gitignored): the PDF pages rendered to PNG are kept there as visual evidence."""
    TEST_OUTPUT.mkdir(parents=True, exist_ok=True)
    return TEST_OUTPUT
