"""Forms of the comments pages (Flask-WTF: every one carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp

THEME_CODE_RULE = Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$",
                         message=_l("Kod tematu: małe litery, cyfry, „-” lub „_”, najwyżej 64 znaki."))
REQUIRED = _l("To pole jest wymagane.")


class ThemeForm(FlaskForm):
    code = StringField(_l("Kod (nie zmienia się)"), validators=[InputRequired(message=REQUIRED), THEME_CODE_RULE])
    name_pl = StringField(_l("Nazwa po polsku"), validators=[InputRequired(message=REQUIRED), Length(max=200)])
    name_en = StringField(_l("Nazwa po angielsku"), validators=[Length(max=200)])
    words = TextAreaField(_l("Słowa (formy podstawowe, po przecinku; „!” przed słowem: przeczenie je znosi)"),
                          validators=[InputRequired(message=REQUIRED), Length(max=12000)])
    active = BooleanField(_l("Temat aktywny"), default=True)


class TagForm(FlaskForm):
    theme = SelectField(_l("Temat"), validators=[InputRequired(message=REQUIRED)], choices=[])
    action = SelectField(_l("Zmiana"), choices=[("add", _l("dodaj temat")), ("remove", _l("usuń temat")),
                                                 ("reset", _l("jak w słowniku tematów"))])
    next = HiddenField()


class RefreshSuggestionsForm(FlaskForm):
    period = StringField(_l("Okres komentarzy (np. 2026 albo 2026-Q3)"),
                         validators=[InputRequired(message=REQUIRED), Length(max=40)])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decyzja"), choices=[("accept", _l("przyjmij jako nowy temat")),
                                                   ("dismiss", _l("odrzuć"))])
    code = StringField(_l("Kod nowego tematu"), validators=[Length(max=64)])
    name_pl = StringField(_l("Nazwa po polsku"), validators=[Length(max=200)])
    name_en = StringField(_l("Nazwa po angielsku"), validators=[Length(max=200)])
    words = TextAreaField(_l("Słowa"), validators=[Length(max=12000)])
