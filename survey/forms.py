"""The resident's survey form, built from the questions of one survey version."""
from __future__ import annotations

import functools

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, TextAreaField
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, Length, Optional

from survey.models import Question, SurveyVersion
from survey.snapshots import QuestionSnapshot, VersionSnapshot

# Fields of the form that are not questions; any other posted name is an unknown question.
CONTROL_FIELDS = frozenset({"csrf_token", "submission_id", "lang"})

RATING_LABELS = {
    1: _l("Bardzo źle"),
    2: _l("Źle"),
    3: _l("Średnio"),
    4: _l("Dobrze"),
    5: _l("Bardzo dobrze"),
}
RATING_FACES = {1: "😠", 2: "🙁", 3: "😐", 4: "🙂", 5: "😀"}
YES_NO_CHOICES = [("yes", _l("Tak")), ("no", _l("Nie"))]


@functools.cache
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class SurveyFormBase(FlaskForm):
    class Meta:
        def get_translations(self, form):
            """WTForms' own messages in the resident's language, read once per language: Flask-WTF would read
            the catalogue file again on every request, a sixth of a survey answer's time."""
            return _wtforms_translations(str(get_locale()))

    # Checked by ``survey.submission_ids`` (signature, counter, age) in the view, not by the form.
    submission_id = HiddenField()
    lang = HiddenField()


def _validators(question: Question | QuestionSnapshot) -> list:
    if question.required:
        return [InputRequired(message=_l("Proszę odpowiedzieć na to pytanie."))]
    return [Optional()]


def field_for_question(question: Question | QuestionSnapshot, lang: str) -> Field:
    label = question.text(lang)
    validators = _validators(question)
    if question.kind == "rating_5":
        return RadioField(label, choices=[(v, RATING_LABELS[v]) for v in range(1, 6)], coerce=int, validators=validators)
    if question.kind == "nps":
        return RadioField(label, choices=[(v, str(v)) for v in range(0, 11)], coerce=int, validators=validators)
    if question.kind == "yes_no":
        return RadioField(label, choices=YES_NO_CHOICES, validators=validators)
    if question.kind == "single_choice":
        choices = [(o["value"], o.get(lang) or o["pl"]) for o in question.options]
        return RadioField(label, choices=choices, validators=validators)
    if question.kind == "text":
        max_length = question.max_length or 1000
        message = _l("Komentarz może mieć najwyżej %(max)d znaków.", max=max_length)
        return TextAreaField(label, validators=[*validators, Length(max=max_length, message=message)])
    raise ValueError(f"unknown question kind {question.kind!r}")


def build_survey_form(version: SurveyVersion | VersionSnapshot, lang: str, **kwargs) -> SurveyFormBase:
    """A form with one field per question, named by the question's code."""
    return survey_form_class(version, lang)(**kwargs)


def survey_form_class(version: SurveyVersion | VersionSnapshot, lang: str) -> type[SurveyFormBase]:
    """The form class of a version in a language, built once per application: versions never change."""
    classes = current_app.extensions.setdefault("opinia_survey_form_classes", {})
    form_class = classes.get((version.id, lang))
    if form_class is None:
        fields = {question.code: field_for_question(question, lang) for question in version.questions}
        form_class = classes[(version.id, lang)] = type("SurveyForm", (SurveyFormBase,), fields)
    return form_class


def answers_from_form(form: SurveyFormBase, version: SurveyVersion | VersionSnapshot) -> dict[str, int | str]:
    """The answered questions as ``{code: value}``; yes/no becomes 1/0, empty answers are left out."""
    answers: dict[str, int | str] = {}
    for question in version.questions:
        value = form[question.code].data
        if value is None or value == "":
            continue
        if question.kind == "yes_no":
            value = 1 if value == "yes" else 0
        elif question.kind == "text":
            value = value.strip()
            if not value:
                continue
        answers[question.code] = value
    return answers


def unknown_fields(posted_names: set[str], version: SurveyVersion | VersionSnapshot) -> set[str]:
    return posted_names - CONTROL_FIELDS - {q.code for q in version.questions}
