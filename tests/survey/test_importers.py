"""Paper forms: the whole CSV is checked first, every bad line is named, and nothing is stored on any error."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from survey.importers import ImportFileError, import_responses
from survey.models import Answer, AuditLog, Response

SURVEY = "obsluga-klienta"
HEADER = "response_id,submitted_at,service_point,question,value\n"
GOOD = HEADER + (
    "P-001,2026-09-30T10:15:00+02:00,KM-1,satisfaction,5\n"
    "P-001,2026-09-30T10:15:00+02:00,KM-1,recommend,9\n"
    "P-001,2026-09-30T10:15:00+02:00,KM-1,settled,tak\n"
    "P-001,2026-09-30T10:15:00+02:00,KM-1,waiting_time,5to15\n"
    'P-001,2026-09-30T10:15:00+02:00,KM-1,comment,"Miła obsługa, dziękuję"\n'
    "P-002,2026-09-30T22:30:00Z,KM-1,satisfaction,2\n"
    "P-002,2026-09-30T22:30:00Z,KM-1,settled,nie\n"
    "P-003,2026-08-12T09:00:00+02:00,AB-1,satisfaction,4\n"
    "P-003,2026-08-12T09:00:00+02:00,AB-1,comment,\n"
)


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def problems_of(data: bytes) -> list[str]:
    with pytest.raises(ImportFileError) as caught:
        import_responses(data, SURVEY)
    return [str(p) for p in caught.value.problems]


def test_broken_file_imports_nothing_and_names_every_bad_line(db, office):
    broken = HEADER.encode() + (
        "B-1,2026-09-30T10:15:00+02:00,KM-1,satisfaction,5\n"  # line 2: fine
        "B-2,2026-13-45T10:15:00+02:00,KM-1,satisfaction,4\n"  # line 3: bad date
        "B-3,2026-09-30T10:15:00+02:00,XX-9,satisfaction,4\n"  # line 4: unknown counter
        "B-4,2026-09-30T10:15:00+02:00,KM-2,satisfaction,7\n"  # line 5: rating out of range
        "B-5,2026-09-30T10:15:00+02:00,KM-2,satisfaction\n"  # line 6: a column missing
    ).encode() + b"B-6,2026-09-30T10:15:00+02:00,KM-2,comment,\xff\xfe zle\n"  # line 7: not UTF-8
    problems = problems_of(broken)
    assert len(problems) == 5
    assert problems[0].startswith("line 3: submitted_at '2026-13-45T10:15:00+02:00' is not an ISO 8601")
    assert problems[1] == "line 4: unknown service point 'XX-9'"
    assert problems[2] == "line 5: satisfaction (rating_5) must be a whole number from 1 to 5, got '7'"
    assert problems[3].startswith("line 6: expected 5 columns")
    assert problems[4].startswith("line 7: is not valid UTF-8")
    assert count(db, Response) == 0 and count(db, Answer) == 0


def test_missing_column_in_the_header(db, office):
    problems = problems_of(b"response_id,submitted_at,service_point,value\nX,2026-09-30T10:00:00Z,KM-1,5\n")
    assert problems == ["line 1: missing column(s) question; the header must be "
                        "response_id,submitted_at,service_point,question,value"]
    assert count(db, Response) == 0


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("A,2026-09-30T10:15:00,KM-1,satisfaction,5\n", "line 2: submitted_at '2026-09-30T10:15:00' needs a UTC offset or Z"),
        ("A,2099-01-01T10:15:00Z,KM-1,satisfaction,5\n", "line 2: submitted_at '2099-01-01T10:15:00Z' lies in the future"),
        ("A,2026-09-30T10:15:00Z,KM-1,mood,5\n", "line 2: unknown question 'mood'"),
        ("A,2026-09-30T10:15:00Z,KM-1,settled,maybe\n", "line 2: settled (yes_no) must be yes/no"),
        ("A,2026-09-30T10:15:00Z,KM-1,waiting_time,forever\n", "line 2: waiting_time must be one of lt5, 5to15, 15to30, gt30"),
        ("A,2026-09-30T10:15:00Z,KM-1,recommend,11\n", "line 2: recommend (nps) must be a whole number from 0 to 10"),
        ("A,2026-09-30T10:15:00Z,KM-1,settled,1\n", "line 2: response 'A' has no answer to the required question 'satisfaction'"),
        ("A,2026-09-30T10:15:00Z,KM-1,satisfaction,5\nA,2026-09-30T10:15:00Z,KM-1,satisfaction,4\n",
         "line 3: question 'satisfaction' of response 'A' is already answered on line 2"),
        ("A,2026-09-30T10:15:00Z,KM-1,satisfaction,5\nA,2026-09-30T10:15:00Z,KM-2,settled,1\n",
         "line 3: response 'A' has another submitted_at or service_point on line 2"),
        (",2026-09-30T10:15:00Z,KM-1,satisfaction,5\n", "line 2: response_id must be 1 to 100 characters"),
    ],
)
def test_each_kind_of_mistake_is_explained(db, office, rows, message):
    problems = problems_of((HEADER + rows).encode())
    assert any(p.startswith(message) for p in problems), problems
    assert count(db, Response) == 0


def test_empty_file_and_unknown_survey(db, office):
    assert problems_of(b"")[0].startswith("line 1: the file is empty")
    assert problems_of(HEADER.encode()) == ["line 1: the file has a header but no answers"]
    with pytest.raises(ImportFileError, match="unknown survey 'nope'"):
        import_responses(GOOD.encode(), "nope")


def test_good_import_is_stored_as_paper_and_is_idempotent(db, office):
    result = import_responses(GOOD.encode("utf-8"), SURVEY, source_name="forms.csv")
    assert (result.imported, result.answers, result.already_imported) == (3, 8, 0)
    first = db.session.scalar(sa.select(Response).where(Response.external_id == "paper:P-001"))
    assert first.channel == "paper" and first.service_point.code == "KM-1"
    assert first.submitted_at.isoformat() == "2026-09-30T08:15:00+00:00"
    stored = {a.question.code: (a.value_int, a.value_text) for a in first.answers}
    assert stored == {"satisfaction": (5, None), "recommend": (9, None), "settled": (1, None),
                      "waiting_time": (None, "5to15"), "comment": (None, "Miła obsługa, dziękuję")}
    again = import_responses(GOOD.encode("utf-8"), SURVEY)
    assert (again.imported, again.already_imported) == (0, 3)
    assert count(db, Response) == 3 and count(db, Answer) == 8
    assert db.session.scalars(sa.select(AuditLog.details).where(AuditLog.action == "import-responses")).first()["imported"] == 3


def test_utf8_with_bom_and_windows_line_ends(db, office):
    data = "\ufeff".encode() + GOOD.replace("\n", "\r\n").encode()
    assert import_responses(data, SURVEY).imported == 3


def test_cli_reports_bad_lines_then_a_good_import_shows_in_indicators(app, db, office, tmp_path):
    runner = app.test_cli_runner()
    broken = tmp_path / "broken.csv"
    broken.write_bytes((HEADER + "X,2026-09-30T10:15:00Z,KM-1,satisfaction,7\nY,yesterday,KM-1,satisfaction,5\n").encode())
    result = runner.invoke(args=["import-responses", str(broken), "--survey", SURVEY])
    assert result.exit_code == 1
    assert "line 2: satisfaction (rating_5) must be a whole number from 1 to 5, got '7'" in result.output
    assert "line 3: submitted_at 'yesterday' is not an ISO 8601" in result.output
    assert "Nothing imported: 2 problem(s)" in result.output
    assert count(db, Response) == 0

    good = tmp_path / "forms.csv"
    good.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["import-responses", str(good), "--survey", SURVEY])
    assert result.exit_code == 0, result.output
    assert "Imported 3 paper responses (8 answers)" in result.output

    september = json.loads(runner.invoke(args=["indicators", "--period", "2026-09", "--format", "json"]).stdout)
    assert september["responses"] == 1  # P-002 at 22:30 UTC on 30 September is October in Warsaw
    satisfaction = next(q for q in september["questions"] if q["code"] == "satisfaction")
    assert satisfaction["distribution"]["5"] == 1
    quarter = json.loads(runner.invoke(args=["indicators", "--period", "2026-Q3", "--format", "json"]).stdout)
    assert quarter["responses"] == 2
    assert next(q for q in quarter["questions"] if q["code"] == "satisfaction")["csat"] == 1.0
    october = json.loads(runner.invoke(args=["indicators", "--period", "2026-10", "--department", "KM",
                                             "--format", "json"]).stdout)
    settled = next(q for q in october["questions"] if q["code"] == "settled")
    assert (october["responses"], settled["yes_share"]) == (1, 0.0)
    again = runner.invoke(args=["import-responses", str(good), "--survey", SURVEY])
    assert "Imported 0 paper responses" in again.output and "3 were already imported" in again.output


# --- what the outside test sent: the CSV reader's own errors, absurd dates and sizes, characters -------------

def run_cli(app, tmp_path, content: bytes):
    path = tmp_path / "paper.csv"
    path.write_bytes(content)
    return app.test_cli_runner().invoke(args=["import-responses", str(path), "--survey", SURVEY])


def test_unclosed_quote_imports_nothing_and_names_the_line(app, db, office, tmp_path):
    attack = (HEADER + "U-1,2026-09-30T10:15:00Z,KM-1,satisfaction,5\n"
              'U-1,2026-09-30T10:15:00Z,KM-1,comment,"Miła obsługa\n'
              "U-2,2026-09-30T10:20:00Z,KM-1,satisfaction,1\n"
              "U-3,2026-09-30T10:25:00Z,KM-1,satisfaction,1\n").encode()
    result = run_cli(app, tmp_path, attack)
    assert result.exit_code == 1
    assert 'line 3: a quoted field starts on lines 3–5 but its closing quote (") is missing' in result.output
    assert "Nothing imported" in result.output and "Imported" not in result.output
    assert count(db, Response) == 0


def test_quote_closed_lines_later_does_not_swallow_rows_into_a_comment(db, office):
    attack = (HEADER + 'S-1,2026-09-30T10:15:00Z,KM-1,comment,"Miła\n'
              "S-1,2026-09-30T10:15:00Z,KM-1,satisfaction,5\n"
              'S-2,2026-09-30T10:20:00Z,KM-1,satisfaction,1"\n').encode()
    problems = problems_of(attack)
    assert problems[0].startswith("line 2: a quoted field runs over the following lines")
    assert count(db, Response) == 0


def test_a_comment_over_several_lines_is_still_fine(db, office):
    data = (HEADER + "M-1,2026-09-30T10:15:00Z,KM-1,satisfaction,4\n"
            'M-1,2026-09-30T10:15:00Z,KM-1,comment,"Pierwsza linia,\ndruga linia"\n').encode()
    assert import_responses(data, SURVEY).imported == 1


def test_quote_inside_an_unquoted_field_is_named(db, office):
    problems = problems_of((HEADER + 'Q-1,2026-09-30T10:15:00Z,KM-1,comment,"a"b\n').encode())
    assert problems == ['line 2: the CSV cannot be read on line 2 (\',\' expected after \'"\'); check the quotes (") of this record']


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        ("0001-01-01T00:30:00+01:00", "lies before 2000-01-01"),
        ("0001-01-01T00:00:00Z", "lies before 2000-01-01"),
        ("1999-12-31T23:00:00Z", "lies before 2000-01-01"),
        ("9999-12-31T23:30:00-01:00", "lies in the future"),
        ("9999-12-31T23:59:59Z", "lies in the future"),
    ],
)
def test_absurd_dates_get_a_clear_message(app, db, office, tmp_path, moment, message):
    result = run_cli(app, tmp_path, (HEADER + f"D-1,{moment},KM-1,satisfaction,5\n").encode())
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"line 2: submitted_at '{moment}' {message}" in result.output
    assert count(db, Response) == 0


def test_a_200000_character_field_gets_a_short_line_numbered_message(app, db, office, tmp_path):
    huge = "x" * 200_000
    data = (HEADER + "H-1,2026-09-30T10:15:00Z,KM-1,satisfaction,5\n"
            f"H-1,2026-09-30T10:15:00Z,KM-1,comment,{huge}\n").encode()
    result = run_cli(app, tmp_path, data)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "line 3: a field is longer than 131072 characters" in result.output
    assert len(result.output) < 1000 and count(db, Response) == 0


def test_long_values_are_cut_short_in_messages(db, office):
    problems = problems_of((HEADER + f"L-1,2026-09-30T10:15:00Z,KM-1,{'q' * 5000},5\n").encode())
    assert problems[0].startswith("line 2: unknown question 'qqqq") and len(problems[0]) < 300


@pytest.mark.parametrize("character", ["\x00", "\uffff", "\x07"])
def test_characters_that_cannot_be_stored_are_refused_with_their_line(app, db, office, tmp_path, character):
    data = (HEADER + "N-1,2026-09-30T10:15:00Z,KM-1,satisfaction,5\n"
            f"N-1,2026-09-30T10:15:00Z,KM-1,comment,zle{character}bardzo\n").encode()
    result = run_cli(app, tmp_path, data)  # on PostgreSQL a NUL was a DataError traceback
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"line 3: contains a control character or another character that cannot be stored (U+{ord(character):04X})" in result.output
    assert count(db, Response) == 0


def many_responses(number: int) -> bytes:
    rows = [HEADER]
    for n in range(number):
        moment = f"2026-09-{1 + n % 28:02d}T{8 + n % 8:02d}:{n % 60:02d}:00+02:00"
        rows.append(f"B-{n},{moment},KM-1,satisfaction,{1 + n % 5}\n")
        rows.append(f"B-{n},{moment},KM-1,comment,Uwaga {n}\n")
    return "".join(rows).encode()


def test_large_import_is_written_in_batches_all_or_nothing(db, office, monkeypatch):
    from survey import import_store

    monkeypatch.setattr(import_store, "BATCH_RESPONSES", 7)
    result = import_responses(many_responses(50), SURVEY)
    assert (result.imported, result.answers) == (50, 100)
    assert count(db, Response) == 50 and count(db, Answer) == 100


def test_a_failing_batch_removes_every_batch_written_before(db, office, monkeypatch):
    from survey import import_store

    monkeypatch.setattr(import_store, "BATCH_RESPONSES", 7)
    insert_batch, calls = import_store._insert_batch, []

    def failing_third_batch(batch):
        calls.append(len(batch))
        if len(calls) == 3:
            raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))
        return insert_batch(batch)

    monkeypatch.setattr(import_store, "_insert_batch", failing_third_batch)
    with pytest.raises(import_store.ImportWriteError, match="nothing was stored"):
        import_responses(many_responses(50), SURVEY)
    db.session.expire_all()
    assert count(db, Response) == 0 and count(db, Answer) == 0
    assert count(db, AuditLog) == 0
    from survey.models import ResponseHourCount

    assert db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(ResponseHourCount.n), 0))) == 0


def test_a_file_over_the_size_limit_is_not_read(app, db, office, tmp_path, monkeypatch):
    from survey import import_cli, importers

    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(import_cli, "MAX_FILE_BYTES", 1000)
    result = run_cli(app, tmp_path, many_responses(20))
    assert result.exit_code == 1 and "is larger than 0 MB; split it into smaller files" in result.output
    assert problems_of(many_responses(20)) == ["the file is larger than 0 MB; split it into smaller files"]
