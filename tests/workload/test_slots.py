"""At most OPINIA_HEAVY_REQUESTS report or export downloads run at once on a host; the next gets a 503."""
from __future__ import annotations

import pytest

from workload.slots import AllSlotsBusy, take_heavy_slot

REPORT = "/reports/management-review.html?period=2026-Q3"


def test_with_every_slot_taken_a_report_gets_a_503_saying_to_try_again(app, admin_client, report_office):
    held = [take_heavy_slot() for _ in range(app.config["OPINIA_HEAVY_REQUESTS"])]
    try:
        with pytest.raises(AllSlotsBusy):
            take_heavy_slot()
        for path in (REPORT, "/reports/responses.csv?period=2026-Q3", "/reports/responses.xlsx?period=2026-Q3"):
            response = admin_client.get(path)
            assert response.status_code == 503, path
            assert response.headers["Retry-After"] == "60"
            assert "Spróbuj ponownie za minutę" in response.get_data(as_text=True)
    finally:
        for slot in held:
            slot.release()
    assert admin_client.get(REPORT).status_code == 200


def test_a_download_gives_its_slot_back_even_when_streamed_or_refused(app, admin_client, report_office):
    app.config["OPINIA_HEAVY_REQUESTS"] = 1
    for _ in range(3):
        assert admin_client.get("/reports/responses.csv?period=2026-Q3").get_data()
        assert admin_client.get("/reports/management-review.html?period=2026-Q9").status_code == 400
        assert admin_client.get(REPORT).status_code == 200
    take_heavy_slot().release()


def test_slots_are_per_database_so_separate_installs_never_share_them(app, tmp_path):
    app.config["OPINIA_HEAVY_REQUESTS"] = 1
    with take_heavy_slot():
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'other.db'}"
        take_heavy_slot().release()
