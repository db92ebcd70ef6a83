"""The vectorised reader of hourly files (``served.fast_hourly``): the same rows as the line-by-line reader, or
``None`` (and then the same line-numbered problems); large uploads on the page; bulk storing and re-importing."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from served import services
from served.fast_hourly import read_hourly_fast
from served.importers import read_hourly
from served.models import ServedHour, ServedImport
from survey.importers import ImportFileError
from tests.served.conftest import stored_hours, utc
from tests.served.test_views import upload

HEADER = "date,hour,service_point,served,average_wait_minutes,average_service_minutes,utc_offset\n"
CLEAN = HEADER + (
    "2026-10-25,1,KM-1,3,2.5,4,\n"
    "2026-10-25,2,KM-1,4,,,+02:00\n"             # the October change: the first 02:00 ...
    "2026-10-25,02:00,KM-1,5,7,1.5,+01:00\n"     # ... and the second
    "2026-10-25,3,Okienko 3,6,0,0,\n"            # a desk name from the mapping file
    " 2026-10-26 , 08:00 ,KM-2, 12 ,6.5,,\r\n"    # spaces and a CRLF, as csv.reader reads them
    "2026-03-29,3,KM-1,9,1440,,+02:00\n"          # the March change: 03:00 exists, with its offset
    "2026-01-12,8,KM-1,0,,,\n"
)
MAPPING = b"queue_name,service_point\nOkienko 3,KM-3\n"


def _context(mapping: bytes | None = MAPPING):
    return services.import_context(io.BytesIO(mapping) if mapping else None)


def test_a_clean_file_gives_the_line_by_line_readers_hours(app, office):
    data = CLEAN.encode()
    fast, exact = read_hourly_fast(data, _context()), read_hourly(data, _context())
    assert fast is not None
    assert (fast.lines, list(fast.hours.items())) == (exact.lines, list(exact.hours.items()))
    assert {type(v) for f in fast.hours.values() for v in f.values()} == {int, float, type(None)}
    ids = services.queries.counter_ids_by_code()
    assert fast.hours[(ids["KM-1"], utc(2026, 10, 25, 1))]["served"] == 5  # the second 02:00 (+01:00)
    assert fast.hours[(ids["KM-3"], utc(2026, 10, 25, 2))]["average_wait_minutes"] == 0.0


def test_both_paths_store_the_same_rows(db, office, monkeypatch):
    def stored(fast: bool) -> dict:
        if not fast:
            monkeypatch.setattr(services, "read_hourly_fast", lambda data, ctx: None)
        services.import_served(CLEAN.encode(), "hourly", mapping=MAPPING)
        rows = {key: (r.served, r.walked_away, r.average_wait_minutes, r.average_service_minutes)
                for key, r in stored_hours(db).items()}
        # stored as SQLAlchemy stores an hour: found by an hour in SQL (the joins with the survey's counts)
        assert db.session.scalar(sa.select(ServedHour.served).where(ServedHour.hour == utc(2026, 10, 25, 1))) == 5
        db.session.execute(sa.delete(ServedHour))
        db.session.commit()
        return rows

    fast_rows, exact_rows = stored(True), stored(False)
    assert len(fast_rows) == 7 and fast_rows == exact_rows
    assert fast_rows[("KM-2", utc(2026, 10, 26, 7))] == (12, None, 6.5, None)


def _lines(n: int, start_day: int = 0) -> list[str]:
    """``n`` clean lines: 4 counters x 9 opening hours a day, going back from 2026-09-30."""
    lines = []
    day = 0
    while len(lines) < n:
        when = utc(2026, 9, 30) - timedelta(days=day + start_day)
        lines += [f"{when:%Y-%m-%d},{hour},KM-{c},{(hour * c) % 17},{hour / 4}," f"{'' if c == 2 else c},\n"
                  for hour in range(7, 16) for c in range(1, 5)]
        day += 1
    return lines[:n]


@pytest.mark.parametrize("bad, message", [
    ("2026-09-31,8,KM-1,1,,,\n", "line 15001: date must be YYYY-MM-DD"),
    ("2019-02-01,8,KM-1,-1,,,\n", "line 15001: served must be a whole number"),
    ("2019-02-01,8,KM-1,1.5,,,\n", "line 15001: served must be a whole number"),
    ("2019-02-01,8,KM-1,1,-2,,\n", "line 15001: average_wait_minutes must be between 0 and 1440 minutes"),
    ("2026-02-01,8,ZZ-9,1,,,\n", "line 15001: unknown counter 'ZZ-9'"),
    ("2026-03-29,2,KM-1,1,,,\n", "line 15001: 2026-03-29 02:00 does not exist in Europe/Warsaw"),
    ("2026-10-25,2,KM-1,1,,,\n", "line 15001: 2026-10-25 02:00 happens twice in Europe/Warsaw"),
    ("2099-02-01,8,KM-1,1,,,\n", "line 15001: 2099-02-01 8 lies in the future"),
    ("2019-02-01,8,KM-1,1,,\n", "line 15001: expected 7 columns"),
    ("\"2026-02-01\",8,KM-1,\"1,5\",,,\n", "line 15001: served must be a whole number"),
    ("{first},07:00,KM-1,1,,,\n", "line 15001: the same counter and hour as line 2"),
])
def test_one_bad_line_deep_inside_is_named_as_before_and_nothing_is_stored(app, db, office, write_csv, import_served, bad,
                                                                         message):
    lines = _lines(30_000)
    bad = bad.replace("{first}", lines[0].split(",")[0])
    data = (HEADER + "".join(lines[:14_999]) + bad + "".join(lines[14_999:])).encode()
    with app.test_request_context("/?lang=en"):
        assert read_hourly_fast(data, _context(None)) is None
        with pytest.raises(ImportFileError) as exact:
            read_hourly(data, _context(None))
    assert [p.line for p in exact.value.problems] == [15_001]
    result = import_served(write_csv("bad.csv", data.decode()), "hourly")
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert result.stderr.count("error:") == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServedImport)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServedHour)) == 0


def test_a_big_upload_on_the_page_is_stored_and_imported_again_replaces_it(db, office, quality_manager_client):
    data = (HEADER + "".join(_lines(100_000))).encode()
    assert read_hourly_fast(data, _context(None)) is not None
    assert upload(quality_manager_client, data, name="duzy.csv").status_code == 303
    page = quality_manager_client.get("/admin/served/").get_data(as_text=True)
    assert "Zaimportowano 100000 wierszy" in page and "duzy.csv" in page
    assert "Największy plik: 5 MB" in page and "„flask --app app import-served”" in page
    english = quality_manager_client.get("/admin/served/?lang=en").get_data(as_text=True)
    assert "Largest file: 5 MB" in english and "“flask --app app import-served”" in english
    count = sa.select(sa.func.count()).select_from(ServedHour)
    assert db.session.scalar(count) == 100_000
    served = db.session.scalar(sa.select(sa.func.sum(ServedHour.served)))
    corrected = (HEADER + "".join(_lines(50_000)).replace(",KM-1,", ",KM-1,1")).encode()  # served 3 -> 13 ...
    assert upload(quality_manager_client, corrected).status_code == 303
    assert db.session.scalar(count) == 100_000
    assert db.session.scalar(sa.select(sa.func.sum(ServedHour.served))) > served
    latest = db.session.scalar(sa.select(sa.func.max(ServedImport.id)))
    assert db.session.scalar(count.where(ServedHour.import_id == latest)) == 50_000
