"""Staff forms (Flask-WTF, so every one carries a CSRF token). Messages are Polish source strings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from survey.definitions import PERIOD_KINDS
from survey.models import COMPARATORS, INDICATORS, ROLES, SCOPES
from survey.text_safety import describe_character, first_forbidden_character

EMAIL_MAX = 254
REQUIRED = _l("To pole jest wymagane.")
CODE_RULE = Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}\Z", message=_l("Kod: litery, cyfry, „-” lub „_”, najwyżej 32 znaki."))
SURVEY_CODE_RULE = Regexp(
    r"^[a-z0-9][a-z0-9_-]{0,63}\Z", message=_l("Kod: małe litery, cyfry, „-” lub „_”, najwyżej 64 znaki.")
)


def required() -> InputRequired:
    return InputRequired(message=REQUIRED)


def length(maximum: int) -> Length:
    return Length(max=maximum, message=_l("Najwyżej %(max)d znaków.", max=maximum))


def _text_fields(fields):
    """Every field holding text, also inside the survey editor's question rows (FieldList of FormField)."""
    for field in fields:
        if isinstance(field, FieldList):
            yield from _text_fields(field.entries)
        elif isinstance(field, FormField):
            yield from _text_fields(field.form)
        elif isinstance(field.data, str):
            yield field


class StaffForm(FlaskForm):
    """A staff form that refuses characters which cannot be stored or exported (``survey.text_safety``).

    One check for every text field of every staff form, so a department, counter or question name can
    never carry a control character into the XLSX export.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in _text_fields(self):
            character = first_forbidden_character(field.data)
            if character is not None:
                field.errors = [*field.errors, _l(
                    "To pole zawiera niewidoczny znak sterujący lub inny niedozwolony znak (%(code)s); usuń go.",
                    code=describe_character(character),
                )]
                valid = False
        return valid


class LoginForm(StaffForm):
    email = StringField(
        _l("Adres e-mail"),
        validators=[InputRequired(message=_l("Podaj adres e-mail.")), Length(max=EMAIL_MAX)],
    )
    password = PasswordField(
        _l("Hasło"), validators=[InputRequired(message=_l("Podaj hasło.")), Length(max=200)]
    )


class DepartmentForm(StaffForm):
    code = StringField(_l("Kod"), validators=[required(), CODE_RULE])
    name = StringField(_l("Nazwa"), validators=[required(), length(200)])


class ServicePointForm(StaffForm):
    code = StringField(_l("Kod"), validators=[required(), CODE_RULE])
    name = StringField(_l("Nazwa stanowiska"), validators=[required(), length(200)])
    department_id = SelectField(_l("Wydział"), coerce=int, validators=[required()])
    location_note = StringField(_l("Gdzie jest (np. parter, sala A)"), validators=[Optional(), length(300)])
    survey_id = SelectField(_l("Ankieta"), coerce=int)


QUESTION_KIND_LABELS = {
    "rating_5": _l("Ocena 1–5"),
    "nps": _l("Polecenie 0–10 (NPS)"),
    "yes_no": _l("Tak / nie"),
    "single_choice": _l("Jeden wybór z listy"),
    "text": _l("Komentarz (tekst)"),
}


SCOPE_LABELS = {"office": _l("Cały urząd"), "department": _l("Wydział"), "service_point": _l("Stanowisko")}
INDICATOR_LABELS = {
    "csat": _l("Odsetek zadowolonych (CSAT)"),
    "mean": _l("Średnia ocena"),
    "nps": _l("NPS"),
    "yes_share": _l("Odsetek odpowiedzi „tak”"),
    "responses": _l("Liczba odpowiedzi"),
}
PERIOD_LABELS = {"month": _l("Miesiąc"), "quarter": _l("Kwartał"), "year": _l("Rok")}


COMPARATOR_LABELS = {
    ">=": _l("≥ co najmniej"),
    ">": _l("> więcej niż"),
    "<=": _l("≤ najwyżej"),
    "<": _l("< mniej niż"),
}


class ObjectiveForm(StaffForm):
    """Shares are typed in percent (85 means 85 %); the view converts to and from the stored fraction."""

    name = StringField(_l("Nazwa celu"), validators=[required(), length(200)])
    scope = SelectField(_l("Zakres"), choices=[(s, SCOPE_LABELS[s]) for s in SCOPES])
    department_id = SelectField(_l("Wydział (dla zakresu „wydział”)"), coerce=int)
    service_point_id = SelectField(_l("Stanowisko (dla zakresu „stanowisko”)"), coerce=int)
    indicator = SelectField(_l("Wskaźnik"), choices=[(i, INDICATOR_LABELS[i]) for i in INDICATORS])
    question_code = SelectField(_l("Pytanie, z którego liczony jest wskaźnik"))
    comparator = SelectField(_l("Warunek"), choices=[(c, COMPARATOR_LABELS[c]) for c in COMPARATORS])
    target = StringField(_l("Wartość docelowa"), validators=[required()])
    min_sample = IntegerField(
        _l("Najmniejsza liczba odpowiedzi"),
        default=30,
        validators=[InputRequired(message=REQUIRED), NumberRange(min=1, max=100000, message=_l("Liczba od 1 do 100000."))],
    )
    period_kind = SelectField(_l("Okres"), choices=[(p, PERIOD_LABELS[p]) for p in PERIOD_KINDS], default="quarter")

    def validate_target(self, field) -> None:
        """Accepts a Polish decimal comma and a trailing "%"; the parsed value is left in ``field.number``."""
        text = str(field.data or "").replace(",", ".").replace("%", "").replace("\u00a0", "").strip()
        try:
            field.number = float(text)
        except ValueError:
            field.number = None
        if field.number is None or field.number != field.number or abs(field.number) > 1e9:
            raise ValidationError(_l("Podaj liczbę, np. 85 (dla odsetka w procentach) albo 4,2 (dla średniej)."))


ROLE_LABELS = {
    "admin": _l("Administrator"),
    "quality_manager": _l("Pełnomocnik ds. jakości"),
    "department_head": _l("Kierownik wydziału"),
}


class UserForm(StaffForm):
    email = StringField(
        _l("Adres e-mail"),
        validators=[required(), length(EMAIL_MAX), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z", message=_l("Podaj poprawny adres e-mail."))],
    )
    role = SelectField(_l("Rola"), choices=[(r, ROLE_LABELS[r]) for r in ROLES])
    departments = SelectMultipleField(_l("Wydziały (dla kierownika wydziału)"), coerce=int)
    password = PasswordField(
        _l("Hasło (co najmniej 10 znaków)"),
        validators=[Optional(), Length(min=10, max=200, message=_l("Hasło musi mieć od 10 do 200 znaków."))],
    )
