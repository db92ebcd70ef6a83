"""The queue system in the staff pages: upload (managers only, 5 MB on that page alone), dashboards with
response rates and warnings, scoping for department heads, and the dashboards' cache emptied by an import."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from served.models import ServedHour
from survey.services import store_response
from tests.conftest import csrf_token_from
from tests.served.conftest import utc

PERIOD = "2026-09-14..2026-09-14"
HOURLY = ("date,hour,service_point,served,average_wait_minutes\n"
          "2026-09-14,8,KM-1,500,4\n2026-09-14,8,KM-2,20,12\n2026-09-14,8,AB-1,30,7\n")


@pytest.fixture
def answered(office):
    version = office["KM-1"].survey.current_version
    for code, minute in [("KM-1", 5), ("KM-2", 10), ("KM-2", 20), ("AB-1", 30)]:
        assert store_response(office[code], version, {"satisfaction": 4}, submitted_at=utc(2026, 9, 14, 6, minute))
    return office


def upload(client, data: bytes, file_format: str = "hourly", mapping: bytes | None = None, name: str = "kolejka.csv"):
    token = csrf_token_from(client.get("/admin/served/").get_data(as_text=True))
    form = {"csrf_token": token, "format": file_format, "file": (io.BytesIO(data), name)}
    if mapping is not None:
        form["mapping"] = (io.BytesIO(mapping), "mapa.csv")
    return client.post("/admin/served/", data=form, content_type="multipart/form-data")


def test_a_manager_uploads_a_file_and_sees_it_among_the_imports(db, quality_manager_client, answered):
    result = upload(quality_manager_client, HOURLY.encode())
    assert result.status_code == 303
    page = quality_manager_client.get("/admin/served/").get_data(as_text=True)
    assert "Zaimportowano 3 wierszy" in page and "kolejka.csv" in page
    assert db.session.scalar(sa.select(sa.func.sum(ServedHour.served))) == 550


def test_a_bad_upload_names_every_bad_line_and_stores_nothing(db, admin_client, answered):
    result = upload(admin_client, b"date,hour,service_point,served\n2026-09-14,8,KM-1,x\n2026-09-14,8,ZZ,1\n")
    page = result.get_data(as_text=True)
    assert result.status_code == 400
    assert "Niczego nie zaimportowano" in page
    assert re.search(r'<td class="num">2</td><td>served musi być liczbą całkowitą klientów', page)
    assert re.search(r"<td class=\"num\">3</td><td>nieznane stanowisko &#39;ZZ&#39;", page)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServedHour)) == 0
    admin_client.get("/admin/served/?lang=en")
    english = upload(admin_client, b"date,hour,service_point,served\n2026-09-14,8,ZZ,1\n").get_data(as_text=True)
    assert "Nothing was imported" in english and "unknown counter &#39;ZZ&#39;" in english


def test_the_upload_page_takes_files_over_the_staff_pages_limit_but_not_over_its_own(app, db, admin_client, answered):
    lines = "".join(f"2026-09-{day:02d},{hour},KM-1,{hour},3\n" for day in range(1, 13) for hour in range(7, 16)) * 1
    padded = ("date,hour,service_point,served,average_wait_minutes\n" + lines).encode() + b"\n" * 120_000
    assert upload(admin_client, padded).status_code == 303
    app.config["OPINIA_SERVED_UPLOAD_MAX_BYTES"] = 100_000
    assert upload(admin_client, padded).status_code == 413
    # Other staff pages keep their own limit.
    app.config["OPINIA_STAFF_MAX_CONTENT_LENGTH"] = 64 * 1024
    token = csrf_token_from(admin_client.get("/admin/departments/new").get_data(as_text=True))
    big = admin_client.post("/admin/departments/new", data={"csrf_token": token, "code": "X", "name": "x" * 70_000})
    assert big.status_code == 413


def test_department_heads_may_not_upload(head_client):
    assert head_client.get("/admin/served/").status_code == 403
    assert head_client.post("/admin/served/", data={}).status_code in (400, 403)


def test_the_department_dashboard_shows_response_rates_and_warns_where_they_are_low(quality_manager_client, answered):
    assert upload(quality_manager_client, HOURLY.encode()).status_code == 303
    page = quality_manager_client.get(f"/dashboard/department/KM?period={PERIOD}").get_data(as_text=True)
    assert 'id="served-heading"' in page and 'id="chart-response_rate"' in page
    assert 'data-warning="low-response-rate"' in page
    warning = page[page.index('data-warning="low-response-rate"'):]
    warning = warning[:warning.index("</div>")]
    assert "Stanowisko 1" in warning and "(0,2%)" in warning  # 1 of 500
    assert "Stanowisko 2" not in warning  # 2 of 20 = 10%
    csv = quality_manager_client.get(f"/dashboard/department/KM/csv/served.csv?period={PERIOD}").get_data(as_text=True)
    assert "KM-1" in csv and "0.002" in csv and "KM-2" in csv and "0.1" in csv


def test_a_department_head_sees_only_their_own_counters(client, users, answered):
    from tests.conftest import login

    assert upload_as_manager(client, users)
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/admin/").get_data(as_text=True))})
    login(client, users["head_km"])
    page = client.get(f"/dashboard/department/KM?period={PERIOD}").get_data(as_text=True)
    table = page[page.index('id="table-served"'):]
    table = table[:table.index("</table>")]
    assert "KM-1" in table and "KM-4" in table and "AB-1" not in table
    assert client.get(f"/dashboard/department/AB?period={PERIOD}").status_code == 403
    assert client.get(f"/dashboard/department/AB/csv/served.csv?period={PERIOD}").status_code == 403
    api = client.get(f"/api/v1/indicators?period={PERIOD}").get_json()
    assert api["served"] == 520 and {p["code"] for p in api["by_service_point"]} == {"KM-1", "KM-2", "KM-3", "KM-4"}
    assert client.get(f"/api/v1/indicators?period={PERIOD}&department=AB").status_code == 403


def upload_as_manager(client, users) -> bool:
    from tests.conftest import login

    login(client, users["quality_manager"])
    return upload(client, HOURLY.encode()).status_code == 303


def test_an_import_empties_the_dashboards_cache(app, quality_manager_client, answered, write_csv, import_served):
    url = f"/dashboard/department/KM?period={PERIOD}"
    before = quality_manager_client.get(url).get_data(as_text=True)
    assert "Brak danych z systemu kolejkowego" in before
    assert import_served(write_csv("k.csv", HOURLY), "hourly").exit_code == 0  # the command, as in another process
    after = quality_manager_client.get(url).get_data(as_text=True)
    assert "Brak danych z systemu kolejkowego" not in after and 'data-tile="served"' in after
    assert ">520<" in after.replace("\u00a0", " ")


def test_the_office_and_counter_pages_show_their_queue_figures(quality_manager_client, answered):
    assert upload(quality_manager_client, HOURLY.encode()).status_code == 303
    office = quality_manager_client.get(f"/dashboard/?period={PERIOD}").get_data(as_text=True)
    table = office[office.index('id="table-served"'):]
    table = re.sub(r"\s+", " ", table[:table.index("</table>")].replace("\u00a0", " "))
    assert "Wydział Komunikacji" in table and "Wydział Architektury i Budownictwa" in table
    assert ">520 <" in table and "3,3%" in table  # KM served 520; AB: 1 response of 30 served
    counter = quality_manager_client.get(f"/dashboard/service-point/KM-2?period={PERIOD}").get_data(as_text=True)
    assert 'data-tile="response_rate"' in counter and "10,0%" in counter  # 2 of 20
    assert 'data-warning="low-response-rate"' not in counter
