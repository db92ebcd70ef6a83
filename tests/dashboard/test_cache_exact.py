"""The dashboard cache never changes a number: every page equals the page built from scratch (cache emptied),
before and after new answers arrive in its window."""
from __future__ import annotations

import re

import pytest

from dashboard.cache import app_cache
from tests.conftest import login
from tests.dashboard.conftest import IN_Q2, IN_Q3, add_ratings, add_response

PAGES = (
    "/dashboard/?period=2026-Q3",
    "/dashboard/?period=2026-Q3&sort=csat&dir=desc",
    "/dashboard/department/KM?period=2026-Q3",
    "/dashboard/department/KM?period=2026-Q3&rating=1&rating=2",
    "/dashboard/department/KM?period=2026-Q3&q=kolejk",
    "/dashboard/department/KM?period=2026-08",
    "/dashboard/service-point/KM-1?period=2026-Q3",
    "/dashboard/department/KM/csv/service_points.csv?period=2026-Q3",
    "/dashboard/department/KM/csv/months.csv?period=2026-Q3",
    "/dashboard/department/KM/csv/comments.csv?period=2026-Q3",
)


def numbers_of(response) -> str:
    """The page without what legitimately differs between two requests: the build time and the CSRF token."""
    assert response.status_code == 200, response.status_code
    text = response.get_data(as_text=True)
    text = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", text)
    # "26.11.2026 17:45" on a Polish page, "26 Nov 2026 17:45" on an English one: a minute may pass between builds
    return re.sub(r"\d{2}[ .]\w{2,3}[ .]\d{4} \d{2}:\d{2}</p>", "</p>", text)


def cached_and_cold(client, app, url: str) -> tuple[str, str]:
    cached = numbers_of(client.get(url))
    with app.app_context():
        app_cache().clear()
    return cached, numbers_of(client.get(url))


@pytest.fixture
def answered(office, db):
    add_ratings(office["KM-1"], [5] * 20 + [4] * 10 + [2] * 10, recommend=10, settled=1, waiting_time="lt5")
    add_ratings(office["KM-2"], [5, 1, 1], comment="Długa kolejka")
    add_ratings(office["KM-1"], [2] * 30 + [5] * 10, submitted_at=IN_Q2)
    add_ratings(office["AB-1"], [5] * 35, comment="Dziękuję")
    return office


@pytest.mark.parametrize("url", PAGES)
def test_cached_pages_equal_pages_built_from_scratch(client, users, app, answered, db, url):
    login(client, users["quality_manager"])
    client.get(url)  # builds and caches
    cached, cold = cached_and_cold(client, app, url)
    assert cached == cold
    add_response(answered["KM-1"], IN_Q3, satisfaction=1, comment="Źle, długa kolejka")
    add_response(answered["AB-1"], IN_Q3, satisfaction=4, recommend=3)
    db.session.commit()
    after, after_cold = cached_and_cold(client, app, url)
    assert after == after_cold
    assert after != cached  # the new answers are shown, not a stale copy
