"""Forms of the survey editor: the survey's texts, one question (choices as rows), a new survey."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp

from admin.forms import QUESTION_KIND_LABELS, SURVEY_CODE_RULE, StaffForm, length, required
from survey.models import QUESTION_KINDS

CHOICE_ROWS_SPARE = 2
MAX_CHOICES = 20


class SurveyTextsForm(StaffForm):
    title_pl = StringField(_l("Tytuł po polsku"), validators=[required(), length(300)])
    title_en = StringField(_l("Tytuł po angielsku"), validators=[Optional(), length(300)])
    intro_pl = TextAreaField(_l("Wstęp po polsku"), validators=[Optional(), length(2000)])
    intro_en = TextAreaField(_l("Wstęp po angielsku"), validators=[Optional(), length(2000)])


class NewSurveyForm(StaffForm):
    code = StringField(_l("Krótka nazwa w adresach i plikach (małe litery, cyfry, „-”)"), validators=[required(), SURVEY_CODE_RULE])
    title_pl = StringField(_l("Tytuł po polsku"), validators=[required(), length(300)])
    title_en = StringField(_l("Tytuł po angielsku"), validators=[Optional(), length(300)])


class ChoiceRow(Form):
    """One answer to choose from; ``value`` (hidden) keeps an existing choice's stored value."""

    value = HiddenField(validators=[Optional(), Regexp(r"^[a-z0-9_-]{0,64}$")])
    pl = StringField(_l("Po polsku"), validators=[Optional(), length(200)])
    en = StringField(_l("Po angielsku"), validators=[Optional(), length(200)])


class QuestionForm(StaffForm):
    kind = SelectField(_l("Rodzaj pytania"), choices=[(k, QUESTION_KIND_LABELS[k]) for k in QUESTION_KINDS])
    text_pl = TextAreaField(_l("Treść po polsku"), validators=[required(), length(1000)])
    text_en = TextAreaField(_l("Treść po angielsku"), validators=[Optional(), length(1000)])
    required = BooleanField(_l("Odpowiedź wymagana"))
    choices = FieldList(FormField(ChoiceRow), min_entries=0, max_entries=MAX_CHOICES)
    max_length = IntegerField(
        _l("Najdłuższy komentarz (znaki)"),
        default=1000,
        validators=[Optional(), NumberRange(min=1, max=10000, message=_l("Liczba od 1 do 10000."))],
    )
    position = SelectField(_l("Miejsce w ankiecie"), coerce=int, validators=[InputRequired()])

    def filled_choices(self) -> list[dict[str, str]]:
        return [
            {"value": row.value.data or "", "pl": row.pl.data.strip(), "en": (row.en.data or "").strip()}
            for row in self.choices
            if (row.pl.data or "").strip()
        ]

    def check_choices(self) -> bool:
        """A choice question needs two answers at least, each with its Polish text; adds the message."""
        if self.kind.data != "single_choice":
            return True
        rows = self.filled_choices()
        if len(rows) < 2:
            self.choices.errors = [*self.choices.errors, _l("Podaj co najmniej dwie odpowiedzi do wyboru.")]
            return False
        if len({r["pl"].lower() for r in rows}) != len(rows):
            self.choices.errors = [*self.choices.errors, _l("Odpowiedzi do wyboru muszą się różnić.")]
            return False
        return True

    def question_data(self) -> dict[str, Any]:
        kind = self.kind.data
        return {
            "code": "",
            "kind": kind,
            "text": {"pl": self.text_pl.data.strip(), "en": (self.text_en.data or "").strip()},
            "required": bool(self.required.data),
            "options": self.filled_choices() if kind == "single_choice" else [],
            "max_length": (self.max_length.data or 1000) if kind == "text" else None,
        }


def fill_question_form(form: QuestionForm, question: dict[str, Any]) -> None:
    form.kind.data = question["kind"]
    form.text_pl.data = question["text"]["pl"]
    form.text_en.data = question["text"]["en"]
    form.required.data = question.get("required", False)
    form.max_length.data = question.get("max_length") or 1000
    for option in question.get("options") or []:
        form.choices.append_entry({"value": option["value"], "pl": option["pl"], "en": option.get("en", "")})


def add_spare_choice_rows(form: QuestionForm, count: int = CHOICE_ROWS_SPARE) -> None:
    for _ in range(min(count, MAX_CHOICES - len(form.choices))):
        form.choices.append_entry({})


def error_messages(form: FlaskForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) for the error summary on top, choice rows included."""
    found = []
    for field in form:
        if field.name == "csrf_token" or not field.errors:
            continue
        messages = [m for m in field.errors if isinstance(m, str) or hasattr(m, "format")]
        if messages:
            found.append((field.id, str(field.label.text), " ".join(str(m) for m in messages)))
    return found

