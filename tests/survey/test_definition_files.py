"""Hostile survey files through ``flask import-survey``: each problem a clear message, nothing stored."""
from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa
import yaml

from survey.demo import DEMO_SURVEY_FILE
from survey.models import QualityObjective, SurveyVersion


def import_survey(app, tmp_path, text: str, name: str = "ankieta.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["import-survey", str(path)])


def demo_with(change) -> str:
    definition = yaml.safe_load(DEMO_SURVEY_FILE.read_text(encoding="utf-8"))
    change(definition)
    return yaml.safe_dump(definition, allow_unicode=True)


def stored(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def assert_refused(result, db, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert message in result.output, result.output
    assert stored(db, SurveyVersion) == 0 and stored(db, QualityObjective) == 0


ALIAS_BOMB = """\
code: bomba
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
title: {pl: Ankieta, en: *e}
questions:
  - {code: q1, kind: rating_5, text: {pl: Jak oceniasz?, en: *e}}
"""


def test_yaml_aliases_are_refused_before_anything_expands(app, db, tmp_path):
    started = time.perf_counter()
    result = import_survey(app, tmp_path, ALIAS_BOMB)
    assert_refused(result, db, "aliases (*name) are not allowed in survey files")
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["objectives"][0].update(target=float("nan")), "objectives[0]: target must be a finite number"),
        (lambda d: d["objectives"][0].update(target=float("inf")), "objectives[0]: target must be a finite number"),
        (lambda d: d["objectives"][0].update(target=True), "objectives[0]: target must be a finite number"),
        (lambda d: d["objectives"][0].update(target=85), "objectives[0]: target of csat must be between 0 and 1"),
        (lambda d: d["objectives"][0].update(min_sample=10**18), "objectives[0]: min_sample must be a whole number from 1 to 100000"),
        (lambda d: d["objectives"][0].update(min_sample=0), "objectives[0]: min_sample must be a whole number from 1 to 100000"),
        (lambda d: d["objectives"][0].update(name="C" * 201), "objectives[0]: name: at most 200 characters"),
        (lambda d: d["objectives"][0].update(question="satisfaction\n"), "objectives[0]: question must be a question code"),
        (lambda d: d.update(title={"pl": "T" * 301, "en": "T"}), "title: at most 300 characters (got 301)"),
        (lambda d: d["questions"][0]["text"].update(en="Q" * 1001), "questions[0].text: at most 1000 characters"),
        (lambda d: d["questions"][0].update(code="satisfaction\n"), "questions[0]: code must be lowercase letters"),
        (lambda d: d.update(code="obsluga-klienta\n"), "code must be lowercase letters"),
        (lambda d: d["questions"][3]["options"][0].update(value=""), "questions[3].options[0]: value must be 1 to 64 characters"),
        (lambda d: d["questions"][3]["options"][1].update(value="   "), "questions[3].options[1]: value must be 1 to 64 characters"),
        (lambda d: d["questions"][3]["options"][1].update(pl="<" * 301), "questions[3].options[1]: at most 300 characters"),
        (lambda d: d["questions"][4].update(max_length=True), "questions[4]: max_length must be a whole number"),
        (lambda d: d["questions"][0]["text"].update(pl="Jak\x07 oceniasz?"),
         "questions[0].text.pl: contains a control character or another character that cannot be stored (U+0007)"),
        (lambda d: d["questions"][3]["options"][0].update(en="less\uffff"),
         "questions[3].options[0].en: contains a control character or another character that cannot be stored (U+FFFF)"),
    ],
)
def test_each_hostile_value_gets_a_clear_message(app, db, tmp_path, change, message):
    assert_refused(import_survey(app, tmp_path, demo_with(change)), db, message)


def test_nan_written_as_yaml_is_refused(app, db, tmp_path):
    text = DEMO_SURVEY_FILE.read_text(encoding="utf-8").replace("target: 0.85", "target: .nan", 1)
    assert_refused(import_survey(app, tmp_path, text), db, "objectives[0]: target must be a finite number")


def test_a_huge_file_is_not_read(app, db, tmp_path):
    text = DEMO_SURVEY_FILE.read_text(encoding="utf-8") + "#" * 1_100_000 + "\n"
    assert_refused(import_survey(app, tmp_path, text), db, "is larger than 1 MB")


def test_deeply_nested_json_is_a_message(app, db, tmp_path):
    assert_refused(import_survey(app, tmp_path, "[" * 100_000, name="ankieta.json"), db, "is not valid JSON")


def test_the_demo_survey_still_imports(app, db, tmp_path):
    result = import_survey(app, tmp_path, DEMO_SURVEY_FILE.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.output
    assert stored(db, SurveyVersion) == 1


def test_a_nan_target_stored_before_the_checks_never_reaches_json(app, db, users, client, backend):
    """PostgreSQL stored ``target: .nan`` (SQLite turns NaN into NULL and refused it); the API then sent NaN."""
    if backend != "postgresql":
        pytest.skip("only PostgreSQL can hold a NaN target")
    from tests.conftest import login

    db.session.add(QualityObjective(name="CSAT NaN", scope="office", indicator="csat", question_code="satisfaction",
                                    comparator=">=", target=float("nan"), min_sample=30))
    db.session.commit()
    login(client, users["quality_manager"])
    answer = client.get("/api/v1/indicators?period=2026-Q3")
    assert answer.status_code == 200

    def no_constant(name):
        raise AssertionError(f"invalid JSON constant {name}")

    body = json.loads(answer.get_data(as_text=True), parse_constant=no_constant)
    (objective,) = [o for o in body["objectives"] if o["name"] == "CSAT NaN"]
    assert objective["target"] is None and objective["status"] == "insufficient_data"
    assert client.get("/dashboard/?period=2026-Q3").status_code == 200
