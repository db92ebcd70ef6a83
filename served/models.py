"""Served customers per counter and hour, as counted by the office's queue system (CAF 2020 criterion 6.2).

One row per counter and UTC hour: the start of a local office hour, stored in UTC like every timestamp in
Opinia (an hour of the October change's double 02:00 is its own row). No visit, ticket number or any other
trace of a single resident is kept, only the hour's counts and averages.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from extensions import db
from survey.models import ServicePoint, User, UTCDateTime, utcnow

FORMATS = ("hourly", "visits")


class ServedImport(db.Model):
    """One imported file: who, when, which format and which hours it replaced."""

    __tablename__ = "served_imports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    imported_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    file_name: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    format: so.Mapped[str] = so.mapped_column(sa.String(10))
    hours: so.Mapped[int] = so.mapped_column(default=0)
    served: so.Mapped[int] = so.mapped_column(default=0)
    first_hour: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    last_hour: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User | None] = so.relationship()


class ServedHour(db.Model):
    """A counter's hour in the queue system: customers served, walked away, average wait and service time."""

    __tablename__ = "served_hours"
    __table_args__ = (sa.Index("ix_served_hours_hour", "hour"),)

    service_point_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("service_points.id"), primary_key=True)
    hour: so.Mapped[datetime] = so.mapped_column(UTCDateTime, primary_key=True)
    served: so.Mapped[int]
    # Only visit-level files know who left before being called; the hourly format leaves it empty.
    walked_away: so.Mapped[int | None]
    average_wait_minutes: so.Mapped[float | None]
    average_service_minutes: so.Mapped[float | None]
    import_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("served_imports.id"), index=True)

    service_point: so.Mapped[ServicePoint] = so.relationship()
