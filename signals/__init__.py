"""Signals: control charts, what needs attention, and alerts by e-mail (see ``signals.services``)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("signals", __name__, url_prefix="/signals")


def register(app) -> None:
    """Settings, the blueprint, the dashboards' section helper and the commands."""
    from signals import models  # noqa: F401  (the tables must be known before create_all / migrations)
    from signals import views  # noqa: F401  (routes on ``bp``)
    from signals.cli import send_alerts_command, signals_command
    from signals.mail import init_mail
    from signals.settings import apply_defaults

    apply_defaults(app.config)
    init_mail(app)
    app.register_blueprint(bp)
    app.cli.add_command(signals_command)
    app.cli.add_command(send_alerts_command)
