"""Staff forms (Flask-WTF, so every one carries a CSRF token). Messages are Polish source strings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

EMAIL_MAX = 254


class LoginForm(FlaskForm):
    email = StringField(
        _l("Adres e-mail"),
        validators=[InputRequired(message=_l("Podaj adres e-mail.")), Length(max=EMAIL_MAX)],
    )
    password = PasswordField(
        _l("Hasło"), validators=[InputRequired(message=_l("Podaj hasło.")), Length(max=200)]
    )


class LogoutForm(FlaskForm):
    """Only the CSRF token: logging out is a POST so another site cannot log staff out."""
