"""Signals (what needs attention), who was told about them, how each person wants to be told, re-based charts.

A ``Signal`` is one finding that holds now: a special cause on a control chart (``concern`` /
``improvement`` with its ``rule``), an objective at risk, a burst of low ratings or a suspicious burst. Its
``key`` names the finding (chart, kind, rule and when it began) and stays the same while it holds; its
``chart_key`` names the chart and rule only, so the same chart and rule is not mailed twice within 14 days
even when a signal closes and opens again. ``status``: ``open`` → ``acknowledged`` (someone looked and
wrote why; audited) → ``closed`` (the rule no longer holds; set by the refresh, never by a person).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from extensions import db
from survey.models import UTCDateTime, User, utcnow

SIGNAL_KINDS = ("concern", "improvement", "objective_at_risk", "burst", "suspicious_burst")
SIGNAL_STATUSES = ("open", "acknowledged", "closed")
NOTIFICATION_MODES = ("immediate", "weekly", "none")


class Signal(db.Model):
    __tablename__ = "signals"
    __table_args__ = (sa.Index("ix_signals_status_chart", "status", "chart_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    chart_key: so.Mapped[str] = so.mapped_column(sa.String(200))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    rule: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    scope_kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    scope_code: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    department_code: so.Mapped[str | None] = so.mapped_column(sa.String(32), index=True)
    indicator: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    question_code: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    since: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="open")
    details: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    detected_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Set once ``send-alerts`` has decided who is told about this signal (mailed, queued for a digest or not).
    alerts_planned_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, index=True)
    acknowledged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    acknowledged_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    acknowledgement: so.Mapped[str | None] = so.mapped_column(sa.Text)

    acknowledged_by: so.Mapped[User | None] = so.relationship()


class SignalNotification(db.Model):
    """One signal to tell one person: ``immediate`` ones are mailed by the next ``send-alerts``, ``weekly``
    ones wait for the person's digest. ``sent_at`` is empty until the mail has gone."""

    __tablename__ = "signal_notifications"
    __table_args__ = (sa.UniqueConstraint("signal_id", "user_id"), sa.Index("ix_signal_notifications_pending", "sent_at", "mode"))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    signal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("signals.id", ondelete="CASCADE"))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    chart_key: so.Mapped[str] = so.mapped_column(sa.String(200))
    mode: so.Mapped[str] = so.mapped_column(sa.String(10))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    signal: so.Mapped[Signal] = so.relationship()
    user: so.Mapped[User] = so.relationship()


class NotificationPreference(db.Model):
    """How a person wants to hear about signals; without a row: ``immediate``."""

    __tablename__ = "notification_preferences"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    mode: so.Mapped[str] = so.mapped_column(sa.String(10), default="immediate")
    last_digest_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class ChartRebase(db.Model):
    """A control chart starts a new baseline on ``starts_on`` (a local day), e.g. after an improvement action.

    ``scope_code`` is empty for the office, ``question_code`` empty for every question of the scope.
    """

    __tablename__ = "chart_rebases"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    scope_kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    scope_code: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    question_code: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    starts_on: so.Mapped[date] = so.mapped_column(sa.Date)
    reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
