"""Forms of the actions pages (Flask-WTF: each carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from actions.models import ACTION_SCOPES, KINDS, MEASURED_INDICATORS, STATUSES

REQUIRED = _l("To pole jest wymagane.")
DATE_MESSAGE = _l("Podaj datę w postaci RRRR-MM-DD.")

KIND_LABELS = {
    "correction": _l("korekcja"),
    "corrective": _l("działanie korygujące"),
    "improvement": _l("doskonalenie"),
}
STATUS_LABELS = {
    "planned": _l("zaplanowane"),
    "in_progress": _l("w realizacji"),
    "implemented": _l("wdrożone"),
    "effective": _l("skuteczne"),
    "not_effective": _l("nieskuteczne"),
    "too_early": _l("za wcześnie na ocenę"),
}
SCOPE_LABELS = {"office": _l("cały urząd"), "department": _l("wydział"), "service_point": _l("stanowisko")}
INDICATOR_LABELS = {"csat": _l("CSAT (oceny 4–5)"), "yes_share": _l("odpowiedzi „tak”")}
VERDICT_LABELS = {
    "improved": _l("poprawa"),
    "no_change": _l("bez zmiany"),
    "worse": _l("pogorszenie"),
    "too_early": _l("za wcześnie na ocenę"),
}


class ActionForm(FlaskForm):
    title = StringField(_l("Tytuł"), validators=[InputRequired(message=REQUIRED), Length(max=200)])
    description = TextAreaField(_l("Co zrobiono lub co zostanie zrobione"), validators=[Length(max=5000)])
    kind = SelectField(_l("Rodzaj"), choices=[(k, KIND_LABELS[k]) for k in KINDS], default="improvement")
    scope = SelectField(_l("Zakres"), choices=[(s, SCOPE_LABELS[s]) for s in ACTION_SCOPES], default="department")
    department_id = SelectField(_l("Wydział (dla zakresu „wydział”)"), coerce=int)
    service_point_id = SelectField(_l("Stanowisko (dla zakresu „stanowisko”)"), coerce=int)
    indicator = SelectField(_l("Mierzony wskaźnik"), choices=[(i, INDICATOR_LABELS[i]) for i in MEASURED_INDICATORS])
    question_code = StringField(_l("Kod pytania (puste: pierwsze pytanie pasującego rodzaju)"),
                                validators=[Optional(), Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$")])
    objective_id = SelectField(_l("Cel jakości, którego dotyczy (opcjonalnie)"), coerce=int)
    comment_ids = SelectMultipleField(_l("Komentarze mieszkańców, które skłoniły do działania (opcjonalnie)"),
                                      coerce=int)
    problem_since = DateField(_l("Od kiedy trwał problem (opcjonalnie; okno „przed” kończy się tego dnia)"),
                              validators=[Optional()], format="%Y-%m-%d")
    owner_id = SelectField(_l("Odpowiedzialny"), coerce=int)
    due_date = DateField(_l("Termin"), validators=[InputRequired(message=DATE_MESSAGE)], format="%Y-%m-%d")
    effective_date = DateField(_l("Data, od której zmiana obowiązuje"), validators=[Optional()], format="%Y-%m-%d")
    window_weeks = IntegerField(_l("Okno pomiaru przed i po zmianie (tygodnie)"), default=8,
                                validators=[InputRequired(message=REQUIRED), NumberRange(min=1, max=52)])
    delta_points = IntegerField(_l("Jaką zmianę wykrywać (punkty procentowe)"), default=10,
                                validators=[InputRequired(message=REQUIRED), NumberRange(min=1, max=50)])
    notes = TextAreaField(_l("Uwagi"), validators=[Length(max=5000)])
    publish = BooleanField(_l("Pokaż na publicznej stronie „Zgłosiliście — zrobiliśmy”"))


class StatusForm(FlaskForm):
    status = SelectField(_l("Nowy stan"), choices=[(s, STATUS_LABELS[s]) for s in STATUSES])
    effectiveness_note = TextAreaField(_l("Ocena skuteczności (wymagana przy zamknięciu jako skuteczne lub nieskuteczne)"),
                                       validators=[Length(max=5000)])
