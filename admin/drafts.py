"""Survey drafts: the editor changes one question at a time in a draft; publishing it makes a new version.

A draft holds the same plain data a YAML definition does (``{"code", "title": {"pl", "en"}, "intro",
"questions": [...]}``), so ``survey.definitions.parse_definition`` checks a published draft exactly as it
checks an imported file. Residents keep seeing the current version until the draft is published. Question
codes (and choice values) are made from the Polish text when a question is added and never change after,
so results stay comparable across versions; staff never type or see them.
"""
from __future__ import annotations

import copy
import re
import unicodedata
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm as so

from extensions import db
from survey.definitions import DefinitionError, SurveyDef, definition_of_version, parse_definition
from survey.models import Survey, SurveyVersion, UTCDateTime, utcnow

LANGUAGES = ("pl", "en")
CODE_MAX = 40


class SurveyDraft(db.Model):
    """The survey being edited (one draft per survey code), not yet shown to residents."""

    __tablename__ = "survey_drafts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    survey_code: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    definition: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    @property
    def survey(self) -> Survey | None:
        return db.session.scalar(sa.select(Survey).where(Survey.code == self.survey_code))

    @property
    def questions(self) -> list[dict[str, Any]]:
        return self.definition.get("questions", [])


def definition_data(definition: SurveyDef) -> dict[str, Any]:
    return {
        "code": definition.code,
        "title": {"pl": definition.title_pl, "en": definition.title_en},
        "intro": {"pl": definition.intro_pl, "en": definition.intro_en},
        "questions": [
            {
                "code": q.code,
                "kind": q.kind,
                "text": {"pl": q.text_pl, "en": q.text_en},
                "required": q.required,
                "options": [dict(o) for o in q.options],
                "max_length": q.max_length,
            }
            for q in definition.questions
        ],
    }


def draft_of_survey(survey: Survey, user_id: int) -> SurveyDraft:
    """The survey's draft, started from its current version when there is none."""
    draft = db.session.scalar(sa.select(SurveyDraft).where(SurveyDraft.survey_code == survey.code))
    if draft is None:
        version: SurveyVersion | None = survey.current_version
        data = definition_data(definition_of_version(version)) if version else empty_definition(survey.code, "", "")
        draft = SurveyDraft(survey_code=survey.code, definition=data, updated_by_id=user_id)
        db.session.add(draft)
        db.session.commit()
    return draft


def empty_definition(code: str, title_pl: str, title_en: str) -> dict[str, Any]:
    return {"code": code, "title": {"pl": title_pl, "en": title_en}, "intro": {"pl": "", "en": ""}, "questions": []}


def new_survey_draft(code: str, title_pl: str, title_en: str, user_id: int) -> SurveyDraft:
    draft = SurveyDraft(survey_code=code, definition=empty_definition(code, title_pl, title_en), updated_by_id=user_id)
    db.session.add(draft)
    db.session.commit()
    return draft


def _store(draft: SurveyDraft, data: dict[str, Any], user_id: int) -> None:
    draft.definition = data  # a new object, so SQLAlchemy sees the JSON change
    draft.updated_by_id = user_id
    db.session.commit()


def slug(text: str) -> str:
    """Lowercase ASCII letters, digits and "_" from a Polish text: "Czas oczekiwania" -> "czas_oczekiwania"."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L")).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "_".join(words)[:CODE_MAX].strip("_") or "pytanie"


def unique_code(base: str, taken: set[str]) -> str:
    code, number = base, 2
    while code in taken:
        suffix = f"_{number}"
        code = base[: CODE_MAX - len(suffix)] + suffix
        number += 1
    return code


def default_position(questions: list[dict[str, Any]]) -> int:
    """A new question goes before the comment boxes at the end of the survey, not after them."""
    position = len(questions)
    while position > 0 and questions[position - 1]["kind"] == "text":
        position -= 1
    return position


def with_codes(question: dict[str, Any], questions: list[dict[str, Any]], old: dict[str, Any] | None) -> dict[str, Any]:
    """Give a new question its code and new choices their values; keep existing ones."""
    question = copy.deepcopy(question)
    taken = {q["code"] for q in questions if old is None or q["code"] != old["code"]}
    question["code"] = old["code"] if old else unique_code(slug(question["text"]["pl"]), taken)
    values: set[str] = set()
    for option in question.get("options", []):
        option["value"] = option.get("value") or unique_code(slug(option["pl"]), values)
        values.add(option["value"])
    return question


def add_question(draft: SurveyDraft, question: dict[str, Any], position: int | None, user_id: int) -> None:
    data = copy.deepcopy(draft.definition)
    questions = data["questions"]
    position = default_position(questions) if position is None else max(0, min(position, len(questions)))
    questions.insert(position, with_codes(question, questions, None))
    _store(draft, data, user_id)


def replace_question(draft: SurveyDraft, index: int, question: dict[str, Any], user_id: int) -> None:
    data = copy.deepcopy(draft.definition)
    data["questions"][index] = with_codes(question, data["questions"], data["questions"][index])
    _store(draft, data, user_id)


def move_question(draft: SurveyDraft, index: int, step: int, user_id: int) -> None:
    data = copy.deepcopy(draft.definition)
    questions = data["questions"]
    target = index + step
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        _store(draft, data, user_id)


def remove_question(draft: SurveyDraft, index: int, user_id: int) -> None:
    data = copy.deepcopy(draft.definition)
    del data["questions"][index]
    _store(draft, data, user_id)


def set_texts(draft: SurveyDraft, title: dict[str, str], intro: dict[str, str], user_id: int) -> None:
    data = copy.deepcopy(draft.definition)
    data["title"], data["intro"] = title, intro
    _store(draft, data, user_id)


def missing_translations(data: dict[str, Any]) -> list[str]:
    """What still has no English text; the survey cannot be published until each has one."""
    problems = []
    if data["title"]["pl"] and not data["title"]["en"].strip():
        problems.append(_("Tytuł ankiety nie ma tłumaczenia na angielski."))
    if data["intro"]["pl"].strip() and not data["intro"]["en"].strip():
        problems.append(_("Wstęp ankiety nie ma tłumaczenia na angielski."))
    for number, question in enumerate(data["questions"], start=1):
        if not question["text"]["en"].strip():
            problems.append(_("Pytanie %(number)d nie ma tłumaczenia na angielski.", number=number))
        elif any(not o.get("en", "").strip() for o in question.get("options", [])):
            problems.append(_("Odpowiedzi do wyboru w pytaniu %(number)d nie mają tłumaczenia na angielski.", number=number))
    return problems


def publish_problems(data: dict[str, Any]) -> list[str]:
    problems = missing_translations(data)
    if not data["questions"]:
        problems.append(_("Ankieta musi mieć co najmniej jedno pytanie."))
    if not data["title"]["pl"].strip():
        problems.append(_("Podaj tytuł ankiety po polsku."))
    return problems


def draft_definition(draft: SurveyDraft) -> SurveyDef:
    """The draft as a checked definition; raises ``DefinitionError`` (its problems are for developers)."""
    data = copy.deepcopy(draft.definition)
    if not data["intro"]["pl"].strip():
        data["intro"] = None
    for question in data["questions"]:
        if question["kind"] != "single_choice":
            question.pop("options", None)
        if question["kind"] != "text":
            question.pop("max_length", None)
    return parse_definition(data)


def discard(draft: SurveyDraft) -> None:
    db.session.delete(draft)
    db.session.commit()


__all__ = ["DefinitionError", "SurveyDraft"]
