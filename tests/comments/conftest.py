"""Comments at counters of two departments in 2026-Q3 (and one in Q2), with ratings."""
from __future__ import annotations

import pytest

from extensions import db
from tests.dashboard.conftest import IN_Q2, IN_Q3, add_response

COMMENTS = [
    ("KM-1", 1, "Czekałam w kolejce dwie godziny."),
    ("KM-1", 2, "czekalem w kolejce bardzo dlugo"),
    ("KM-2", 5, "Pani bardzo miła, dziękuję."),
    ("KM-2", 4, "Okienko nr 3 nieczynne."),
    ("KM-3", 3, "Brak miejsc parkingowych."),
    ("AB-1", 1, "Długa kolejka, czekałem godzinę."),
]


@pytest.fixture
def app_config() -> dict:
    """A dashboard would stay cached for an hour: only an emptied cache shows a change without a new answer."""
    return {"OPINIA_DASHBOARD_MAX_AGE_SECONDS": 3600}


@pytest.fixture
def commented(office):
    for code, rating, text in COMMENTS:
        add_response(office[code], IN_Q3, satisfaction=rating, comment=text)
    add_response(office["KM-1"], IN_Q2, satisfaction=2, comment="Kolejka na korytarzu.")
    db.session.commit()
    return office
