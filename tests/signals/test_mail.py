"""End to end: paper forms show a drop at one counter, ``send-alerts`` mails the right people once, in Polish,
through a real SMTP server (aiosmtpd on a loopback port)."""
from __future__ import annotations

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from signals.models import NotificationPreference
from tests.signals.conftest import paper_csv, signals_of, steady_history


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def app_config(smtp) -> dict:
    _inbox, port = smtp
    return {"OPINIA_DASHBOARD_MAX_AGE_SECONDS": 0, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
            "MAIL_SUPPRESS_SEND": False, "MAIL_DEFAULT_SENDER": "Opinia <opinia@starostwo.test>"}


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def test_a_paper_drop_is_mailed_once_to_the_head_and_the_quality_manager(app, smtp, office, users, tmp_path):
    inbox, _port = smtp
    steady_history(office["KM-1"])
    assert "mails sent 0" in run(app, "send-alerts")
    assert inbox.messages == []

    forms = tmp_path / "ankiety-papierowe.csv"
    forms.write_bytes(paper_csv("KM-1", range(3, 0, -1), good=12))
    assert "Imported 90 paper responses" in run(app, "import-responses", str(forms), "--survey", "obsluga-klienta")
    assert "mails sent 2" in run(app, "send-alerts")

    by_recipient = {m["X-Envelope-To"]: m for m in inbox.messages}
    assert sorted(by_recipient) == sorted([users["head_km"].email, users["quality_manager"].email])
    counter_signal = next(s for s in signals_of("concern") if s.scope_code == "KM-1")
    for message in by_recipient.values():
        body = message.get_body(("plain",)).get_content()
        assert message["Subject"].startswith("Opinia:") and "wymaga" in message["Subject"]
        assert "Dzień dobry" in body and "Stanowisko 1 – rejestracja pojazdów" in body
        assert "pogorszenie (punkt poza granicą kontrolną)" in body
        assert f"https://opinia.example.gov.pl/signals/{counter_signal.id}" in body
    assert "Starostwo Powiatowe w Opiniowie: CSAT" in by_recipient[users["quality_manager"].email].get_body(("plain",)).get_content()
    assert "Starostwo Powiatowe w Opiniowie: CSAT" not in by_recipient[users["head_km"].email].get_body(("plain",)).get_content()

    assert "mails sent 0" in run(app, "send-alerts")
    assert "Imported 0 paper responses" in run(app, "import-responses", str(forms), "--survey", "obsluga-klienta")
    assert "mails sent 0" in run(app, "send-alerts")
    assert len(inbox.messages) == 2


def test_weekly_digest_and_none_are_respected(app, smtp, office, users, db):
    inbox, _port = smtp
    db.session.add(NotificationPreference(user_id=users["head_km"].id, mode="weekly"))
    db.session.add(NotificationPreference(user_id=users["quality_manager"].id, mode="none"))
    db.session.commit()
    steady_history(office["KM-1"])
    from survey.importers import import_responses

    import_responses(paper_csv("KM-1", range(3, 0, -1), good=12), "obsluga-klienta")
    assert "mails sent 1" in run(app, "send-alerts")
    digest = inbox.messages[0]
    assert digest["X-Envelope-To"] == users["head_km"].email and "z ostatniego tygodnia" in digest["Subject"]
    assert "mails sent 0" in run(app, "send-alerts")  # the next digest is a week away


def test_without_a_mail_server_the_mail_goes_to_the_log(app, office, users, caplog):
    app.config["MAIL_SERVER"] = ""
    steady_history(office["KM-1"])
    from survey.importers import import_responses

    import_responses(paper_csv("KM-1", range(3, 0, -1), good=12), "obsluga-klienta")
    with caplog.at_level("WARNING", logger="opinia.mail"):
        assert "mails sent 2" in run(app, "send-alerts")
    assert "MAIL_SERVER is not set" in caplog.text and "Dzień dobry" in caplog.text


def test_an_unreachable_mail_server_is_an_error_without_traceback_and_retried(app, smtp, office, users):
    inbox, port = smtp
    app.extensions["mail"].port = free_port()  # nothing listens there
    steady_history(office["KM-1"])
    from survey.importers import import_responses

    import_responses(paper_csv("KM-1", range(3, 0, -1), good=12), "obsluga-klienta")
    result = app.test_cli_runner().invoke(args=["send-alerts"])
    assert result.exit_code == 1 and "mail server could not be reached" in result.output
    assert "Traceback" not in result.output
    app.extensions["mail"].port = port
    assert "mails sent 2" in run(app, "send-alerts")
    assert len(inbox.messages) == 2
