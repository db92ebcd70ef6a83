"""``flask import-served FILE --format visits``: visits aggregated to the hour they were called."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from served.models import ServedHour
from tests.served.conftest import stored_hours, utc

HEADER = "visit_id,service_point,entered_at,called_at,ended_at,outcome\n"


@pytest.fixture
def app_config():
    return {"OPINIA_OPENING_HOURS": "Mon-Fri 08:00-10:00"}


def test_visits_count_in_the_hour_they_were_called_and_never_called_ones_walked_away(db, write_csv, import_served):
    path = write_csv("v.csv", HEADER + (
        "a1,KM-1,2026-09-14T08:50:00+02:00,2026-09-14T09:05:00+02:00,2026-09-14T09:15:00+02:00,served\n"
        "a2,KM-1,2026-09-14T09:00:00+02:00,2026-09-14T09:25:00+02:00,2026-09-14T09:30:00+02:00,\n"
        "a3,KM-1,2026-09-14T08:20:00+02:00,,,\n"
        "a4,KM-1,2026-09-14T08:40:00+02:00,2026-09-14T08:55:00+02:00,,no_show\n"
        "a5,KM-1,2026-09-14T06:10:00Z,2026-09-14T06:12:00Z,2026-09-14T06:20:00Z,transferred\n"))
    result = import_served(path, "visits")
    assert result.exit_code == 0, result.stderr
    hours = stored_hours(db)
    nine = hours[("KM-1", utc(2026, 9, 14, 7))]
    assert (nine.served, nine.walked_away) == (2, 0)
    assert nine.average_wait_minutes == pytest.approx((15 + 25) / 2)
    assert nine.average_service_minutes == pytest.approx((10 + 5) / 2)
    eight = hours[("KM-1", utc(2026, 9, 14, 6))]
    assert (eight.served, eight.walked_away, eight.average_wait_minutes, eight.average_service_minutes) == (1, 2, 2, 8)
    assert "3 served, 2 walked away" in result.output


def test_opening_hours_of_the_files_days_without_visits_served_nobody(db, write_csv, import_served):
    path = write_csv("v.csv", HEADER + "b1,KM-2,2026-09-14T08:10:00+02:00,2026-09-14T08:15:00+02:00,,\n")
    assert import_served(path, "visits").exit_code == 0
    hours = stored_hours(db)
    assert set(hours) == {("KM-2", utc(2026, 9, 14, 6)), ("KM-2", utc(2026, 9, 14, 7))}
    quiet = hours[("KM-2", utc(2026, 9, 14, 7))]
    assert (quiet.served, quiet.walked_away, quiet.average_wait_minutes) == (0, 0, None)


def test_visits_in_the_two_0200_hours_of_the_october_change_stay_apart(db, write_csv, import_served):
    path = write_csv("v.csv", HEADER + (
        "c1,KM-1,2026-10-25T02:10:00+02:00,2026-10-25T02:30:00+02:00,2026-10-25T02:40:00+02:00,\n"
        "c2,KM-1,2026-10-25T02:10:00+01:00,2026-10-25T02:20:00+01:00,2026-10-25T02:40:00+01:00,\n"
        "c3,KM-1,2026-03-29T01:50:00+01:00,2026-03-29T03:05:00+02:00,,\n"))
    assert import_served(path, "visits").exit_code == 0
    hours = stored_hours(db)
    assert hours[("KM-1", utc(2026, 10, 25, 0))].average_wait_minutes == 20
    assert hours[("KM-1", utc(2026, 10, 25, 1))].average_wait_minutes == 10
    assert hours[("KM-1", utc(2026, 3, 29, 1))].average_wait_minutes == 15  # 01:50 -> 03:05 is 15 minutes


def test_every_bad_visit_is_named_and_nothing_is_stored(db, write_csv, import_served):
    good = "2026-09-14T08:00:00+02:00,2026-09-14T08:10:00+02:00,2026-09-14T08:20:00+02:00"
    path = write_csv("bad.csv", HEADER + (
        f"d1,KM-1,{good},\n"                                                               # 2: good
        f"d1,KM-1,{good},\n"                                                               # 3: duplicate id
        f",KM-1,{good},\n"                                                                 # 4: no id
        f"d4,XX-1,{good},\n"                                                               # 5: unknown counter
        "d5,KM-1,2026-09-14 08:00,2026-09-14T08:10:00+02:00,,\n"                           # 6: no offset
        "d6,KM-1,yesterday,,,\n"                                                           # 7: not a date
        "d7,KM-1,2026-09-14T08:30:00+02:00,2026-09-14T08:10:00+02:00,,\n"                  # 8: called before entered
        "d8,KM-1,2026-09-14T08:00:00+02:00,2026-09-14T08:10:00+02:00,2026-09-14T08:05:00+02:00,\n"  # 9: ended first
        "d9,KM-1,2026-09-14T08:00:00+02:00,,,served\n"                                     # 10: served, never called
        f"d10,KM-1,{good},lost\n"                                                          # 11: unknown outcome
        "d11,KM-1,2026-09-14T08:00:00+02:00,,2026-09-14T08:05:00+02:00,\n"                 # 12: ended, never called
        "d12,KM-1,,,,\n"                                                                   # 13: no entered_at
        "d13,KM-1,2099-09-14T08:00:00+02:00,,,\n"                                          # 14: in the future
        "d14,KM-1,2026-09-14T08:00:00+02:00\n"))                                           # 15: too few columns
    result = import_served(path, "visits")
    assert result.exit_code == 1
    errors = [line.split(":")[1].strip() for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"line {n}" for n in range(3, 16)]
    for expected in ("visit_id 'd1' already appears on line 2", "visit_id must be 1 to 100 characters",
                     "unknown counter 'XX-1'", "needs a UTC offset", "is not an ISO 8601 date",
                     "called_at is before entered_at", "ended_at is before called_at",
                     "outcome served but the visit was never called", "outcome must be empty, served",
                     "ended_at without called_at", "entered_at is missing", "lies in the future", "expected 6 columns"):
        assert expected in result.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServedHour)) == 0


def test_importing_visits_again_replaces_their_hours_and_the_mapping_applies(db, write_csv, import_served):
    mapping = write_csv("m.csv", "queue_name,service_point\nKASA,KM-4\n")
    first = write_csv("v1.csv", HEADER + "e1,KASA,2026-09-14T08:00:00+02:00,2026-09-14T08:10:00+02:00,,\n"
                                         "e2,KASA,2026-09-14T08:05:00+02:00,2026-09-14T08:20:00+02:00,,\n")
    for _ in range(2):
        assert import_served(first, "visits", "--mapping", mapping).exit_code == 0
    assert stored_hours(db)[("KM-4", utc(2026, 9, 14, 6))].served == 2
    corrected = write_csv("v2.csv", HEADER + "e1,KASA,2026-09-14T08:00:00+02:00,2026-09-14T08:10:00+02:00,,\n")
    assert import_served(corrected, "visits", "--mapping", mapping).exit_code == 0
    eight = stored_hours(db)[("KM-4", utc(2026, 9, 14, 6))]
    assert (eight.served, eight.average_wait_minutes) == (1, 10)


def test_a_clean_file_read_the_fast_way_gives_the_same_hours_as_line_by_line(app, office):
    from served.fast_visits import read_visits_fast
    from served.visits import read_visits
    from served.services import import_context

    visits = [HEADER.strip()]
    for i in range(300):
        day = 14 + i % 5
        entered = f"2026-09-{day}T{8 + i % 7:02d}:{i % 60:02d}:00+02:00"
        called = "" if i % 17 == 0 else f"2026-09-{day}T{9 + i % 7:02d}:{(i * 7) % 60:02d}:30+02:00"
        ended = "" if not called or i % 5 == 0 else f"2026-09-{day}T{9 + i % 7:02d}:{(i * 7) % 60:02d}:59+02:00"
        outcome = "no_show" if called and i % 23 == 0 else ("walked_away" if not called else "served")
        visits.append(f"v{i},{('KM-1', 'KM-2', 'AB-1')[i % 3]},{entered},{called},{ended},{outcome}")
    data = ("\n".join(visits) + "\n").encode()
    ctx = import_context()
    fast, slow = read_visits_fast(data, ctx), read_visits(data, ctx)
    assert fast is not None and fast.lines == slow.lines == 300
    assert fast.hours.keys() == slow.hours.keys()
    for key, figures in slow.hours.items():
        assert fast.hours[key] == pytest.approx(figures)


@pytest.mark.parametrize("change", [
    lambda text: text.replace("v7,", "v8,"),                              # a duplicate id
    lambda text: text.replace("+02:00", "", 1),                            # no offset
    lambda text: text.replace(",served\n", ",lost\n", 1),                  # an unknown outcome
    lambda text: text.replace("KM-2", "ZZ-9", 1),                          # an unknown counter
    lambda text: text.replace(",served\n", "\n", 1),                       # a short row
    lambda text: text.replace("v3,", '"v3",'),                             # quotes: the exact reader decides
])
def test_anything_unusual_goes_to_the_line_by_line_reader(app, office, change):
    from served.fast_visits import read_visits_fast
    from served.services import import_context

    text = HEADER + "".join(f"v{i},KM-{1 + i % 2},2026-09-14T08:0{i}:00+02:00,2026-09-14T08:1{i}:00+02:00,,served\n"
                            for i in range(10))
    assert read_visits_fast(text.encode(), import_context()) is not None
    assert read_visits_fast(change(text).encode(), import_context()) is None
