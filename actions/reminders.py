"""Reminders to the owners of actions before their due date, by e-mail.

Mail goes through Flask-Mail configured with its own ``MAIL_*`` names (``MAIL_SERVER``, ``MAIL_PORT``,
``MAIL_USE_TLS``, ``MAIL_USE_SSL``, ``MAIL_USERNAME``, ``MAIL_PASSWORD``, ``MAIL_DEFAULT_SENDER``), taken from
the app's configuration or else the environment. Without ``MAIL_SERVER`` the mail is written to the log.
Each due date is reminded of once (``reminded_for``); moving the due date arms the reminder again.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mail import Mail, Message

from actions import queries
from actions.models import ImprovementAction
from extensions import db

DEFAULT_DAYS_BEFORE = 7
MAIL_SETTINGS = {"MAIL_SERVER": str, "MAIL_PORT": int, "MAIL_USE_TLS": bool, "MAIL_USE_SSL": bool,
                 "MAIL_USERNAME": str, "MAIL_PASSWORD": str, "MAIL_DEFAULT_SENDER": str}


def _from_environment(name: str, kind: type):
    value = os.environ.get(name)
    if value is None or kind is str:
        return value
    if kind is bool:
        return value.strip().lower() in ("1", "true", "yes", "on")
    return int(value)


def mail_settings() -> dict:
    """``MAIL_*`` from the app's configuration, else from the environment."""
    config = current_app.config
    return {name: config[name] if config.get(name) is not None else _from_environment(name, kind)
            for name, kind in MAIL_SETTINGS.items()}


def _mail_state():
    """This app's Flask-Mail state (set up on first use, with the settings above)."""
    state = current_app.extensions.get("mail")
    if state is None:
        for name, value in mail_settings().items():
            if value is not None:
                current_app.config.setdefault(name, value)
        current_app.config.setdefault("MAIL_DEFAULT_SENDER", "opinia@localhost")
        state = Mail().init_app(current_app)
    return state


def send(recipient: str, subject: str, body: str) -> None:
    """Send one plain-text mail, or log it when no ``MAIL_SERVER`` is configured."""
    if not mail_settings()["MAIL_SERVER"]:
        current_app.logger.info("mail (no MAIL_SERVER set) to %s: %s\n%s", recipient, subject, body)
        return
    _mail_state().send(Message(subject=subject, recipients=[recipient], body=body))


@dataclass(frozen=True)
class Reminder:
    recipient: str
    subject: str
    body: str


def reminder_for(action: ImprovementAction, today: date) -> Reminder:
    link = f"{current_app.config['OPINIA_PUBLIC_URL']}/actions/{action.id}"
    days = (action.due_date - today).days
    with force_locale("pl"):
        if days < 0:
            when = _("minął %(day)s", day=action.due_date.isoformat())
        else:
            when = _("upływa %(day)s", day=action.due_date.isoformat())
        subject = _("Przypomnienie: termin działania „%(title)s” %(when)s", title=action.title, when=when)
        body = "\n".join([
            _("Dzień dobry,"), "",
            _("termin działania doskonalącego „%(title)s”, za które odpowiadasz, %(when)s.", title=action.title,
              when=when),
            _("Obecny stan: %(status)s.", status=_status_label(action.status)), "",
            _("Szczegóły i zmiana stanu: %(link)s", link=link), "",
            _("Wiadomość wysłana automatycznie przez Opinię."),
        ])
    return Reminder(action.owner.email, subject, body)


def _status_label(status: str) -> str:
    from actions.forms import STATUS_LABELS

    return str(STATUS_LABELS[status])


def send_reminders(today: date, days_before: int = DEFAULT_DAYS_BEFORE) -> list[Reminder]:
    """Mail the owner of every action not yet implemented whose due date is within ``days_before`` days (or
    past) and not yet reminded of; each action is marked as soon as its mail is out."""
    sent = []
    for action in queries.actions_to_remind(today + timedelta(days=days_before)):
        reminder = reminder_for(action, today)
        send(reminder.recipient, reminder.subject, reminder.body)
        action.reminded_for = action.due_date
        db.session.commit()
        sent.append(reminder)
    return sent
