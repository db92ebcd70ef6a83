"""Reminders to the owners of actions before their due date, by e-mail.

Mail goes out the way the signals' alerts do (``signals.mail.deliver``: Flask-Mail with its ``MAIL_*``
settings; without ``MAIL_SERVER`` the mail is written to the log).
Each due date is reminded of once (``reminded_for``); moving the due date arms the reminder again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mail import Message

from actions import queries
from actions.models import ImprovementAction
from extensions import db
from signals.mail import deliver

DEFAULT_DAYS_BEFORE = 7


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
        deliver(Message(subject=reminder.subject, recipients=[reminder.recipient], body=reminder.body))
        action.reminded_for = action.due_date
        db.session.commit()
        sent.append(reminder)
    return sent
