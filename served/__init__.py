"""Served customers from the office's queue system (CAF 2020 criterion 6.2): imports, counts, indicators.

``init_app(app)`` sets the package's settings from the environment, registers the ``import-served`` command
and the upload page under ``/admin/served``.
"""
from __future__ import annotations

import os

from flask import Flask

from analytics.served import DEFAULT_LOW_RESPONSE_RATE, DEFAULT_OPENING_HOURS, WAIT_BAND_LABELS_PL, parse_opening_hours

# A request keeps a worker busy for at most a few seconds (issue #12): an hourly file of 5 MB (~175,000 lines)
# is checked and stored in ~1.5 s on SQLite and ~3 s on PostgreSQL here, 20 MB took 7 and 13 s.
UPLOAD_MAX_BYTES = 5 * 1024 * 1024


def _settings() -> dict:
    return {
        "OPINIA_OPENING_HOURS": os.environ.get("OPINIA_OPENING_HOURS", DEFAULT_OPENING_HOURS),
        "OPINIA_LOW_RESPONSE_RATE": float(os.environ.get("OPINIA_LOW_RESPONSE_RATE", DEFAULT_LOW_RESPONSE_RATE)),
        "OPINIA_SERVED_UPLOAD_MAX_BYTES": int(os.environ.get("OPINIA_SERVED_UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES)),
    }


def init_app(app: Flask) -> None:
    from served import models  # noqa: F401  (the tables, for create_all and migrations)
    from served.cli import import_served_command
    from served.views import bp

    for key, value in _settings().items():
        app.config.setdefault(key, value)
    parse_opening_hours(app.config["OPINIA_OPENING_HOURS"])  # a wrong setting stops the start, with its reason
    app.jinja_env.globals["served_wait_band_labels"] = WAIT_BAND_LABELS_PL  # the report's CAF 6.2 chapter
    app.cli.add_command(import_served_command)
    app.register_blueprint(bp)
