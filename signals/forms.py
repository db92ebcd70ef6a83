"""Forms of the signals pages (Flask-WTF, so each carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from signals.services import MAX_COMMENT


class AcknowledgeForm(FlaskForm):
    comment = TextAreaField(
        _l("Komentarz: co sprawdzono lub co zostanie zrobione"),
        validators=[DataRequired(_l("Wpisz komentarz.")), Length(max=MAX_COMMENT, message=_l("Komentarz jest za długi."))],
    )
    submit = SubmitField(_l("Przyjmij do wiadomości"))


class PreferenceForm(FlaskForm):
    mode = RadioField(
        _l("Jak chcesz dostawać powiadomienia o sygnałach?"),
        choices=[
            ("immediate", _l("od razu – osobny e-mail przy każdym nowym sygnale")),
            ("weekly", _l("raz w tygodniu – zestawienie nowych sygnałów")),
            ("none", _l("wcale – sprawdzę sygnały w aplikacji")),
        ],
        validators=[DataRequired(_l("Wybierz jedną z możliwości."))],
    )
    submit = SubmitField(_l("Zapisz"))
