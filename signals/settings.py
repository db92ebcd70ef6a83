"""Settings of signals and e-mail, read from the environment into the app's config (``setdefault``, so a test
or ``create_app(config)`` may override any of them).

Mail uses Flask-Mail's own names: ``MAIL_SERVER``, ``MAIL_PORT`` (25), ``MAIL_USE_TLS``, ``MAIL_USE_SSL``,
``MAIL_USERNAME``, ``MAIL_PASSWORD``, ``MAIL_DEFAULT_SENDER``. Without ``MAIL_SERVER`` mails are written to
the log instead of being sent.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from analytics.bursts import BurstSettings, SuspiciousSettings

DEFAULT_SENDER = "Opinia <opinia@localhost>"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _flag(name: str) -> bool:
    return _env(name, "false").strip().lower() in {"1", "true", "yes", "on"}


def environment_settings() -> dict:
    return {
        "MAIL_SERVER": _env("MAIL_SERVER", ""),
        "MAIL_PORT": int(_env("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL"),
        "MAIL_USERNAME": _env("MAIL_USERNAME", "") or None,
        "MAIL_PASSWORD": _env("MAIL_PASSWORD", "") or None,
        "MAIL_DEFAULT_SENDER": _env("MAIL_DEFAULT_SENDER", DEFAULT_SENDER),
        "OPINIA_SIGNALS_MAX_AGE_SECONDS": int(_env("OPINIA_SIGNALS_MAX_AGE_SECONDS", "300")),
        "OPINIA_ALERT_REPEAT_DAYS": int(_env("OPINIA_ALERT_REPEAT_DAYS", "14")),
        "OPINIA_BURST_WINDOW_MINUTES": int(_env("OPINIA_BURST_WINDOW_MINUTES", "60")),
        "OPINIA_BURST_MIN_ANSWERS": int(_env("OPINIA_BURST_MIN_ANSWERS", "4")),
        "OPINIA_BURST_LOW_SHARE": float(_env("OPINIA_BURST_LOW_SHARE", "0.5")),
        "OPINIA_BURST_OPEN_HOURS": int(_env("OPINIA_BURST_OPEN_HOURS", "48")),
        "OPINIA_BURST_SCAN_HOURS": int(_env("OPINIA_BURST_SCAN_HOURS", "6")),
        "OPINIA_SUSPICIOUS_WINDOW_MINUTES": int(_env("OPINIA_SUSPICIOUS_WINDOW_MINUTES", "10")),
        "OPINIA_SUSPICIOUS_MIN_RESPONSES": int(_env("OPINIA_SUSPICIOUS_MIN_RESPONSES", "10")),
        "OPINIA_SUSPICIOUS_FACTOR": float(_env("OPINIA_SUSPICIOUS_FACTOR", "5")),
    }


def apply_defaults(config) -> None:
    for name, value in environment_settings().items():
        config.setdefault(name, value)


@dataclass(frozen=True)
class SignalSettings:
    bursts: BurstSettings
    suspicious: SuspiciousSettings
    burst_open_hours: int
    burst_scan_hours: int
    repeat_days: int
    max_age_seconds: int

    @classmethod
    def from_config(cls, config) -> SignalSettings:
        return cls(
            bursts=BurstSettings(config["OPINIA_BURST_WINDOW_MINUTES"], config["OPINIA_BURST_MIN_ANSWERS"],
                                 config["OPINIA_BURST_LOW_SHARE"]),
            suspicious=SuspiciousSettings(config["OPINIA_SUSPICIOUS_WINDOW_MINUTES"],
                                          config["OPINIA_SUSPICIOUS_MIN_RESPONSES"], config["OPINIA_SUSPICIOUS_FACTOR"]),
            burst_open_hours=config["OPINIA_BURST_OPEN_HOURS"],
            burst_scan_hours=config["OPINIA_BURST_SCAN_HOURS"],
            repeat_days=config["OPINIA_ALERT_REPEAT_DAYS"],
            max_age_seconds=config["OPINIA_SIGNALS_MAX_AGE_SECONDS"],
        )
