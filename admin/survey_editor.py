"""Between the survey editor form and a ``SurveyDef``: the form's rows become the same plain data a YAML
definition holds, so ``survey.definitions.parse_definition`` validates both the same way."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from admin.forms import SurveyForm
from survey.definitions import DefinitionError, SurveyDef, parse_definition
from survey.models import SurveyVersion

OPTION_SEPARATOR = "|"


def options_to_text(options: list[dict[str, str]]) -> str:
    return "\n".join(f"{o['value']} {OPTION_SEPARATOR} {o['pl']} {OPTION_SEPARATOR} {o.get('en', '')}" for o in options)


def options_from_text(text: str) -> list[dict[str, str]]:
    options = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(OPTION_SEPARATOR)]
        value, pl, en = (parts + ["", "", ""])[:3]
        options.append({"value": value, "pl": pl, "en": en or pl})
    return options


def form_data_of_version(version: SurveyVersion) -> dict[str, Any]:
    """The editor's initial data: the current version's texts and questions, plus one spare row."""
    questions = [
        {
            "code": q.code,
            "position": index + 1,
            "kind": q.kind,
            "text_pl": q.text_pl,
            "text_en": q.text_en,
            "required": q.required,
            "options": options_to_text(q.options or []),
            "max_length": q.max_length,
        }
        for index, q in enumerate(version.questions)
    ]
    return {
        "code": version.survey.code,
        "title_pl": version.title_pl,
        "title_en": version.title_en,
        "intro_pl": version.intro_pl,
        "intro_en": version.intro_en,
        "questions": questions + [{"kind": "rating_5", "position": len(questions) + 1}],
    }


def _kept_rows(form: SurveyForm) -> list[Any]:
    """Filled-in rows not marked for removal, ordered by their "Kolejność" (rows without one keep their place)."""
    rows = [
        (row.form.position.data or index + 1, index, row)
        for index, row in enumerate(form.questions)
        if (row.form.code.data or "").strip() and not row.form.remove.data
    ]
    return [row for _, _, row in sorted(rows, key=lambda item: item[:2])]


def _row_problems(row: Any) -> bool:
    """Adds Polish messages to the row's fields; True when the row has a problem."""
    q = row.form
    if not (q.text_pl.data or "").strip():
        q.text_pl.errors.append(_("Podaj treść pytania po polsku."))
    if q.kind.data == "single_choice":
        options = options_from_text(q.options.data)
        values = [o["value"] for o in options]
        if len(options) < 2 or not all(values) or not all(o["pl"] for o in options):
            q.options.errors.append(_("Podaj co najmniej dwie odpowiedzi, każdą jako: wartość | po polsku | po angielsku."))
        elif len(set(values)) != len(values):
            q.options.errors.append(_("Wartości odpowiedzi muszą być różne."))
    return bool(q.text_pl.errors or q.options.errors)


def definition_from_form(form: SurveyForm) -> SurveyDef | None:
    """The definition the form describes, or None after adding messages to the form's fields."""
    rows = _kept_rows(form)
    problem = any([_row_problems(row) for row in rows])
    codes = [row.form.code.data.strip() for row in rows]
    for row in rows:
        if codes.count(row.form.code.data.strip()) > 1:
            row.form.code.errors.append(_("Kody pytań muszą być różne."))
            problem = True
    if not rows:
        form.form_errors.append(_("Ankieta musi mieć co najmniej jedno pytanie."))
        problem = True
    if problem:
        return None
    data = {
        "code": form.code.data.strip(),
        "title": {"pl": form.title_pl.data.strip(), "en": (form.title_en.data or "").strip()},
        "intro": {"pl": (form.intro_pl.data or "").strip(), "en": (form.intro_en.data or "").strip()}
        if (form.intro_pl.data or "").strip()
        else None,
        "questions": [_question_data(row.form) for row in rows],
    }
    try:
        return parse_definition(data)
    except DefinitionError as exc:
        form.form_errors.extend(exc.problems)
        return None


def _question_data(q: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": q.code.data.strip(),
        "kind": q.kind.data,
        "text": {"pl": q.text_pl.data.strip(), "en": (q.text_en.data or "").strip()},
        "required": bool(q.required.data),
    }
    if q.kind.data == "single_choice":
        data["options"] = options_from_text(q.options.data)
    if q.kind.data == "text":
        data["max_length"] = q.max_length.data or 1000
    return data
