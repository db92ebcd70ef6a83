"""``flask import-served FILE --format hourly``: local office hours, the two DST days, bad lines, re-import, mapping."""
from __future__ import annotations

import sqlalchemy as sa

from served.models import ServedHour, ServedImport
from survey.models import AuditLog
from tests.served.conftest import stored_hours, utc

HEADER = "date,hour,service_point,served,average_wait_minutes,average_service_minutes,utc_offset\n"


def test_hours_are_stored_as_utc_starts_of_local_office_hours(db, write_csv, import_served):
    path = write_csv("h.csv", HEADER + "2026-09-14,8,KM-1,12,6.5,4.0,\n2026-01-12,08:00,KM-1,7,,,\n")
    result = import_served(path, "hourly")
    assert result.exit_code == 0, result.output
    assert "2 counter-hours, 19 served" in result.output
    hours = stored_hours(db)
    summer, winter = hours[("KM-1", utc(2026, 9, 14, 6))], hours[("KM-1", utc(2026, 1, 12, 7))]
    assert (summer.served, summer.average_wait_minutes, summer.average_service_minutes) == (12, 6.5, 4.0)
    assert (winter.served, winter.average_wait_minutes, winter.walked_away) == (7, None, None)
    assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.action == "import-served"))


def test_the_october_change_has_two_0200_hours_told_apart_by_utc_offset(db, write_csv, import_served):
    path = write_csv("oct.csv", HEADER + (
        "2026-10-25,1,KM-1,3,,,\n"
        "2026-10-25,2,KM-1,4,,,+02:00\n"
        "2026-10-25,2,KM-1,5,,,+01:00\n"
        "2026-10-25,3,KM-1,6,,,\n"))
    result = import_served(path, "hourly")
    assert result.exit_code == 0, result.output
    served = {hour: row.served for (_code, hour), row in stored_hours(db).items()}
    assert served == {utc(2026, 10, 24, 23): 3, utc(2026, 10, 25, 0): 4, utc(2026, 10, 25, 1): 5, utc(2026, 10, 25, 2): 6}


def test_the_march_change_skips_0200_and_the_october_hour_needs_its_offset(db, write_csv, import_served):
    path = write_csv("dst.csv", HEADER + (
        "2026-03-29,1,KM-1,3,,,\n"
        "2026-03-29,2,KM-1,4,,,\n"
        "2026-03-29,3,KM-1,4,,,\n"
        "2026-10-25,2,KM-1,5,,,\n"
        "2026-10-25,2,KM-1,5,,,+03:00\n"))
    result = import_served(path, "hourly")
    assert result.exit_code == 1
    assert "line 3: 2026-03-29 02:00 does not exist in Europe/Warsaw" in result.stderr
    assert "line 5: 2026-10-25 02:00 happens twice in Europe/Warsaw (the clocks go back): add utc_offset +02:00" in result.stderr
    assert "line 6: utc_offset +03:00 does not match 2026-10-25 02:00" in result.stderr
    assert "line 2" not in result.stderr and "line 4" not in result.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServedHour)) == 0


def test_every_bad_line_is_named_and_nothing_is_stored(db, write_csv, import_served):
    path = write_csv("bad.csv", HEADER + (
        "2026-09-14,8,KM-1,12,,,\n"          # 2: good
        "2026-09-31,8,KM-1,12,,,\n"          # 3: no such date
        "2026-09-14,24,KM-1,12,,,\n"         # 4: hour out of range
        "2026-09-14,9,XX-9,12,,,\n"          # 5: unknown counter
        "2026-09-14,10,KM-1,-3,,,\n"         # 6: served negative
        "2026-09-14,11,KM-1,12,soon,,\n"     # 7: wait not a number
        "2026-09-14,12,KM-1,12,,,+2h\n"      # 8: offset unreadable
        "2026-09-14,8,KM-1,13,,,\n"          # 9: same counter and hour as line 2
        "2026-09-14,13,KM-1,12\n"            # 10: too few columns
        "2099-01-05,8,KM-1,12,,,\n"))        # 11: in the future
    result = import_served(path, "hourly")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert [e.split(":")[1].strip() for e in errors] == [f"line {n}" for n in range(3, 12)]
    for expected in ("date must be YYYY-MM-DD", "hour must be a whole hour from 0 to 23", "unknown counter 'XX-9'",
                     "served must be a whole number", "average_wait_minutes must be a number", "utc_offset must look like",
                     "the same counter and hour as line 2", "expected 7 columns", "lies in the future"):
        assert expected in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServedImport)) == 0


def test_a_wrong_header_or_an_empty_file_is_one_clear_problem(write_csv, import_served):
    wrong = import_served(write_csv("w.csv", "date,hour,counter,served\n2026-09-14,8,KM-1,1\n"), "hourly")
    assert wrong.exit_code == 1 and "missing column(s) service_point; unknown column(s) counter" in wrong.stderr
    empty = import_served(write_csv("e.csv", HEADER), "hourly")
    assert empty.exit_code == 1 and "no data lines" in empty.stderr


def test_importing_the_same_hours_again_replaces_them(db, write_csv, import_served):
    first = write_csv("a.csv", HEADER + "2026-09-14,8,KM-1,12,5,,\n2026-09-14,9,KM-1,10,5,,\n")
    assert import_served(first, "hourly").exit_code == 0
    assert import_served(first, "hourly").exit_code == 0
    assert {h: r.served for (_c, h), r in stored_hours(db).items()} == {utc(2026, 9, 14, 6): 12, utc(2026, 9, 14, 7): 10}
    corrected = write_csv("b.csv", HEADER + "2026-09-14,9,KM-1,11,7,,\n")
    assert import_served(corrected, "hourly").exit_code == 0
    hours = stored_hours(db)
    assert {h: r.served for (_c, h), r in hours.items()} == {utc(2026, 9, 14, 6): 12, utc(2026, 9, 14, 7): 11}
    assert hours[("KM-1", utc(2026, 9, 14, 7))].average_wait_minutes == 7


def test_a_mapping_file_translates_the_queue_systems_desk_names(db, write_csv, import_served):
    mapping = write_csv("map.csv", "queue_name,service_point\nOkienko 3,KM-3\nStanowisko geodezja,GK-1\n")
    path = write_csv("h.csv", HEADER + "2026-09-14,8,Okienko 3,12,,,\n2026-09-14,8,Stanowisko geodezja,4,,,\n"
                                       "2026-09-14,8,KM-1,5,,,\n")
    result = import_served(path, "hourly", "--mapping", mapping)
    assert result.exit_code == 0, result.stderr
    assert {(code, row.served) for (code, _h), row in stored_hours(db).items()} == {("KM-3", 12), ("GK-1", 4), ("KM-1", 5)}
    unmapped = import_served(write_csv("u.csv", HEADER + "2026-09-14,8,Okienko 3,12,,,\n"), "hourly")
    assert "not a counter code and not in the mapping file" in unmapped.stderr


def test_a_bad_mapping_file_is_named_too(db, write_csv, import_served):
    mapping = write_csv("map.csv", "queue_name,service_point\nOkienko 3,KM-33\nOkienko 4,KM-4\nOkienko 4,KM-1\n")
    result = import_served(write_csv("h.csv", HEADER + "2026-09-14,8,Okienko 4,1,,,\n"), "hourly", "--mapping", mapping)
    assert result.exit_code == 1
    assert "mapping file line 2: unknown counter code 'KM-33'" in result.stderr
    assert "mapping file line 4: 'Okienko 4' is already mapped to 'KM-4'" in result.stderr
