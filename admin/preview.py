"""A draft shown as residents would see it: the draft's plain data as the survey page's version snapshot."""
from __future__ import annotations

from typing import Any

from wtforms import Form

from survey.forms import field_for_question
from survey.snapshots import QuestionSnapshot, VersionSnapshot

PREVIEW_ID = 0


def preview_version(data: dict[str, Any]) -> VersionSnapshot:
    """Never stored and never cached (id 0): the survey form is built afresh for each preview."""
    questions = tuple(
        QuestionSnapshot(
            id=PREVIEW_ID,
            code=q["code"],
            kind=q["kind"],
            text_pl=q["text"]["pl"],
            text_en=q["text"]["en"] or q["text"]["pl"],
            required=q.get("required", False),
            options=tuple({**o, "en": o.get("en") or o["pl"]} for o in q.get("options") or ()),
            max_length=q.get("max_length"),
        )
        for q in data["questions"]
    )
    return VersionSnapshot(
        id=PREVIEW_ID,
        survey_id=PREVIEW_ID,
        number=0,
        title_pl=data["title"]["pl"],
        title_en=data["title"]["en"] or data["title"]["pl"],
        intro_pl=data["intro"]["pl"],
        intro_en=data["intro"]["en"] or data["intro"]["pl"],
        questions=questions,
    )


def preview_form(version: VersionSnapshot, lang: str) -> Form:
    """The survey's fields without CSRF or submission id: a preview posts nothing."""
    fields = {q.code: field_for_question(q, lang) for q in version.questions}
    return type("PreviewForm", (Form,), fields)(prefix="preview")
