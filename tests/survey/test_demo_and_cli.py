"""The CLI of the resident side: seeding demo data (safe to repeat) and importing survey definitions."""
from __future__ import annotations

import re

import sqlalchemy as sa
import yaml

from survey.demo import DEMO_SURVEY_FILE
from survey.models import Answer, Department, Response, ServicePoint, SurveyVersion
from tests.conftest import csrf_token_from


def count(db, model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_seed_demo_builds_an_office_and_is_safe_to_repeat(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--responses", "120"])
    assert first.exit_code == 0, first.output
    assert "Added 120 demo responses" in first.output
    assert count(db, Department) == 5 and count(db, ServicePoint) == 10
    assert count(db, Response) == 120
    assert count(db, Answer) >= 120  # every response answers at least the required rating

    again = runner.invoke(args=["seed-demo", "--responses", "120"])
    assert "Added 0 demo responses" in again.output
    assert count(db, Response) == 120 and count(db, Department) == 5


def test_seed_demo_refills_after_demo_rows_were_deleted(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--responses", "50"])
    db.session.execute(sa.delete(Answer).where(Answer.response_id.in_(sa.select(Response.id).limit(10))))
    db.session.execute(sa.delete(Response).where(~Response.answers.any()))
    db.session.commit()
    assert count(db, Response) == 40
    result = runner.invoke(args=["seed-demo", "--responses", "50"])
    assert result.exit_code == 0, result.output
    assert count(db, Response) == 50


def test_seeded_times_are_office_hours_on_workdays(app, db):
    from zoneinfo import ZoneInfo

    app.test_cli_runner().invoke(args=["seed-demo", "--responses", "200"])
    warsaw = ZoneInfo("Europe/Warsaw")
    for submitted_at in db.session.scalars(sa.select(Response.submitted_at)):
        local = submitted_at.astimezone(warsaw)
        assert local.weekday() < 5 and 7 <= local.hour < 16


def test_import_survey_makes_a_new_version_only_when_changed(app, db, tmp_path):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["import-survey", str(DEMO_SURVEY_FILE)])
    assert "imported as version 1 (5 questions)" in first.output
    same = runner.invoke(args=["import-survey", str(DEMO_SURVEY_FILE)])
    assert "unchanged, still version 1" in same.output

    definition = yaml.safe_load(DEMO_SURVEY_FILE.read_text(encoding="utf-8"))
    definition["questions"][0]["text"]["pl"] = "Jak oceniasz obsługę?"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(args=["import-survey", str(changed)])
    assert "imported as version 2" in result.output
    assert count(db, SurveyVersion) == 2


def test_import_survey_names_every_problem_and_stores_nothing(app, db, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "code: Bad Code\ntitle: {pl: Ankieta}\nquestions:\n"
        "  - {code: q1, kind: stars, text: {pl: Jak oceniasz}}\n"
        "  - {code: q2, kind: single_choice, text: {pl: Co wybierasz}, options: [{value: a, pl: A}]}\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["import-survey", str(broken)])
    assert result.exit_code == 1
    assert "code must be lowercase" in result.output
    assert "questions[0]: kind must be one of" in result.output
    assert "questions[1]: a single_choice question needs at least two options" in result.output
    assert count(db, SurveyVersion) == 0


def test_import_survey_rejects_a_file_that_is_not_yaml(app, db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"{not json")
    result = app.test_cli_runner().invoke(args=["import-survey", str(broken)])
    assert result.exit_code == 1 and "is not valid JSON" in result.output


def test_survey_url_seeds_an_empty_install_with_demo_staff_once(app, db, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["survey-url", "--seed-if-empty"])
    assert first.exit_code == 0, first.output
    token = re.search(r"https://opinia.example.gov.pl/s/([\w-]+)", first.output).group(1)
    assert client.get(f"/s/{token}").status_code == 200
    logins = re.findall(r"Demo staff login \((\w+)\): (\S+) / (\S+)", first.output)
    assert [role for role, _, _ in logins] == ["admin", "quality_manager", "department_head"]

    role, email, password = logins[0]
    page = client.get("/login").get_data(as_text=True)
    result = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token_from(page)})
    assert result.status_code in (302, 303)

    again = runner.invoke(args=["survey-url", "--seed-if-empty"])
    assert "Demo staff login" not in again.output and token in again.output
