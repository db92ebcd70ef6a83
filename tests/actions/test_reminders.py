"""Reminders before the due date, sent through a real SMTP server (aiosmtpd on a loopback port)."""
from __future__ import annotations

import email
import email.policy
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from survey.models import Department
from tests.actions.conftest import make_action, today


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def app_config(smtp) -> dict:
    controller, _inbox = smtp
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port, "MAIL_SUPPRESS_SEND": False,
            "MAIL_DEFAULT_SENDER": "opinia@starostwo.test", "OPINIA_DASHBOARD_MAX_AGE_SECONDS": 0}


def test_owner_gets_one_reminder_per_due_date(app, db, users, office, smtp):
    _controller, inbox = smtp
    km = db.session.scalar(sa.select(Department).where(Department.code == "KM"))
    soon = make_action(users["quality_manager"], department=km, owner=users["head_km"], title="Nowa kolejka",
                       due=today() + timedelta(days=3))
    make_action(users["quality_manager"], department=km, owner=users["head_km"], title="Później",
                due=today() + timedelta(days=30))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-action-reminders"])
    assert result.exit_code == 0, result.output
    assert "1 reminder(s) sent" in result.output
    [message] = inbox.messages
    assert message["To"] == users["head_km"].email
    assert "Nowa kolejka" in message["Subject"] and "Przypomnienie" in message["Subject"]
    body = message.get_body().get_content()
    assert f"https://opinia.example.gov.pl/actions/{soon.id}" in body and "upływa" in body
    again = runner.invoke(args=["send-action-reminders"])
    assert "0 reminder(s) sent" in again.output and len(inbox.messages) == 1
    soon.due_date = today() + timedelta(days=5)
    db.session.commit()
    runner.invoke(args=["send-action-reminders"])
    assert len(inbox.messages) == 2


def test_an_unreachable_mail_server_is_a_message_not_a_traceback(app, db, users, office, smtp):
    controller, _inbox = smtp
    km = db.session.scalar(sa.select(Department).where(Department.code == "KM"))
    make_action(users["quality_manager"], department=km, due=today() + timedelta(days=1))
    app.extensions["mail"].port = free_port()
    result = app.test_cli_runner().invoke(args=["send-action-reminders"])
    assert result.exit_code == 1
    assert "mail server" in result.output and "Traceback" not in result.output
