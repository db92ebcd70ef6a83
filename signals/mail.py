"""Alerts by e-mail: who is told about which signal, immediately or in a weekly digest, and the mails.

``send_alerts`` (the ``send-alerts`` command, run by cron or a systemd timer every few minutes):

1. refreshes the signals (new findings open signals, gone ones close theirs);
2. plans every signal not planned yet: each quality manager and each head of the signal's department (office-
   wide signals: the quality managers only) gets a notification in the mode they chose (immediate by default;
   ``none`` gets nothing) — unless the same chart and rule was already notified to them within
   ``OPINIA_ALERT_REPEAT_DAYS`` (14);
3. mails each person their pending immediate notifications in one Polish mail, and the weekly ones in a
   digest when their last digest is a week old.

Mails go through Flask-Mail (``MAIL_*`` settings); with no ``MAIL_SERVER`` they are written to the log.
A notification is marked sent only after its mail went out, so a failed SMTP server is retried next run.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_mail import Mail, Message

from extensions import db
from signals import queries
from signals.messages import describe
from signals.models import NotificationPreference, Signal, SignalNotification
from signals.services import refresh_signals, scope_names, settings
from survey.models import User, utcnow

DIGEST_INTERVAL = timedelta(days=7)
MAIL_LANGUAGE = "pl"

mail = Mail()
log = logging.getLogger("opinia.mail")


def init_mail(app) -> None:
    mail.init_app(app)


@dataclass
class AlertRun:
    opened: int
    closed: int
    planned: int
    mails: int


def plan_notifications(now: datetime) -> int:
    """Decide who hears about each new signal; returns how many notifications were queued."""
    repeat = timedelta(days=settings().repeat_days)
    queued = 0
    for signal in queries.signals_to_plan():
        for user in queries.recipients(signal.department_code):
            preference = queries.preference_of(user.id)
            mode = preference.mode if preference else "immediate"
            if mode == "none" or queries.notified_recently(user.id, signal.chart_key, now - repeat):
                continue
            db.session.add(SignalNotification(signal_id=signal.id, user_id=user.id, chart_key=signal.chart_key,
                                              mode=mode, created_at=now))
            db.session.flush()
            queued += 1
        signal.alerts_planned_at = now
    db.session.commit()
    return queued


def _by_user(notifications: list[SignalNotification]) -> dict[int, list[SignalNotification]]:
    grouped: dict[int, list[SignalNotification]] = {}
    for notification in notifications:
        grouped.setdefault(notification.user_id, []).append(notification)
    return grouped


def _links(signal: Signal) -> dict[str, str]:
    base = current_app.config["OPINIA_PUBLIC_URL"]
    with current_app.test_request_context(base_url=base):
        return {"chart": url_for("signals.signal", signal_id=signal.id, _external=True),
                "settings": url_for("signals.settings", _external=True)}


def compose(user: User, signals: list[Signal], digest: bool) -> Message:
    """One Polish mail to ``user`` about ``signals`` (each with its sentence and the link to its chart)."""
    names = scope_names()
    with force_locale(MAIL_LANGUAGE):
        entries = [{"message": describe(s, names.get((s.scope_kind, s.scope_code), s.scope_code or "")),
                    "links": _links(s)} for s in signals]
        settings_url = entries[0]["links"]["settings"] if entries else ""
        subject_template = "signals/mail_digest_subject.txt" if digest else "signals/mail_subject.txt"
        subject = render_template(subject_template, count=len(signals)).strip()
        body = render_template("signals/mail.txt", entries=entries, digest=digest, settings_url=settings_url,
                               office=current_app.config.get("OPINIA_OFFICE_NAME", ""))
    return Message(subject=subject, recipients=[user.email], body=body)


def deliver(message: Message) -> None:
    if not current_app.config.get("MAIL_SERVER"):
        log.warning("MAIL_SERVER is not set; the mail is written here instead.\nTo: %s\nSubject: %s\n\n%s",
                    ", ".join(message.recipients), message.subject, message.body)
        return
    mail.send(message)


def _send(groups: dict[int, list[SignalNotification]], digest: bool, now: datetime) -> int:
    sent = 0
    for user_id, notifications in groups.items():
        live = [n for n in notifications if n.signal.status != "closed"]
        if live:
            deliver(compose(live[0].user, [n.signal for n in live], digest))
            sent += 1
        for notification in notifications:
            notification.sent_at = now
        if digest:
            _digest_sent(user_id, now)
        db.session.commit()
    return sent


def _digest_sent(user_id: int, now: datetime) -> None:
    preference = queries.preference_of(user_id) or NotificationPreference(user_id=user_id, mode="weekly")
    preference.last_digest_at = now
    db.session.add(preference)


def _digest_due(user_id: int, now: datetime) -> bool:
    preference = queries.preference_of(user_id)
    return preference is None or preference.last_digest_at is None or now - preference.last_digest_at >= DIGEST_INTERVAL


def send_alerts(now: datetime | None = None) -> AlertRun:
    now = now or utcnow()
    _state, opened, closed = refresh_signals(now)
    planned = plan_notifications(now)
    mails = _send(_by_user(queries.pending_notifications("immediate")), False, now)
    weekly = {user_id: items for user_id, items in _by_user(queries.pending_notifications("weekly")).items()
              if _digest_due(user_id, now)}
    mails += _send(weekly, True, now)
    return AlertRun(opened, closed, planned, mails)
