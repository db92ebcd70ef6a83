"""``flask --app app send-action-reminders``: mail owners of actions due soon (run daily by cron or a timer)."""
from __future__ import annotations

import smtplib

import click
from flask.cli import with_appcontext

from actions.reminders import DEFAULT_DAYS_BEFORE, send_reminders
from analytics.service import office_timezone
from dashboard.filters import local_today


@click.command("send-action-reminders")
@click.option("--days", default=DEFAULT_DAYS_BEFORE, show_default=True, type=click.IntRange(0, 365),
              help="Remind this many days before the due date.")
@with_appcontext
def send_action_reminders_command(days: int) -> None:
    """Mail the owners of actions due within --days days (each due date once)."""
    try:
        sent = send_reminders(local_today(office_timezone()), days)
    except (OSError, smtplib.SMTPException) as exc:
        raise click.ClickException(f"the mail server refused or could not be reached: {exc}") from None
    click.echo(f"{len(sent)} reminder(s) sent")
