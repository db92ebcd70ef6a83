"""Improvement actions (ISO 9001 §10.2–10.3) and the management reviews' records (§9.3).

An action says what was done, where (the office, a department or a counter), what prompted it (a signal,
an objective, selected residents' comments — all optional), who owns it and by when, and from which day the
change took effect. People set its status; the effect on what residents say is measured (see
``actions.effects``) and stands beside it as a computed verdict.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from extensions import db
from survey.models import Answer, Department, QualityObjective, ServicePoint, User, UTCDateTime, utcnow

KINDS = ("correction", "corrective", "improvement")
STATUSES = ("planned", "in_progress", "implemented", "effective", "not_effective", "too_early")
OPEN_STATUSES = ("planned", "in_progress", "implemented", "too_early")
NOT_STARTED = ("planned", "in_progress")
JUDGED_STATUSES = ("effective", "not_effective")
MEASURED_INDICATORS = ("csat", "yes_share")
ACTION_SCOPES = ("office", "department", "service_point")

action_answers = sa.Table(
    "action_answers",
    db.metadata,
    sa.Column("action_id", sa.ForeignKey("improvement_actions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("answer_id", sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True),
)


class ImprovementAction(db.Model):
    __tablename__ = "improvement_actions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default="improvement")
    scope: so.Mapped[str] = so.mapped_column(sa.String(20), default="department")
    department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("departments.id"), index=True)
    service_point_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("service_points.id"))
    indicator: so.Mapped[str] = so.mapped_column(sa.String(20), default="csat")
    # Which question the share is read from; None means the first question of the indicator's kind.
    question_code: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    # The signal of part 1 that prompted the action (its table lives in signals/), and the day its problem
    # began: the before window ends there, so a fall and its natural recovery are not credited to the action.
    signal_id: so.Mapped[int | None] = so.mapped_column(index=True)
    problem_since: so.Mapped[date | None]
    objective_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("quality_objectives.id"))
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    due_date: so.Mapped[date]
    effective_date: so.Mapped[date | None]
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="planned", index=True)
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    effectiveness_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    publish: so.Mapped[bool] = so.mapped_column(default=False)
    window_weeks: so.Mapped[int] = so.mapped_column(default=8)
    delta: so.Mapped[float] = so.mapped_column(default=0.10)
    # The due date a reminder was last mailed for: moving the due date arms the reminder again.
    reminded_for: so.Mapped[date | None]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    department: so.Mapped[Department | None] = so.relationship()
    service_point: so.Mapped[ServicePoint | None] = so.relationship()
    objective: so.Mapped[QualityObjective | None] = so.relationship()
    owner: so.Mapped[User] = so.relationship()
    comments: so.Mapped[list[Answer]] = so.relationship(secondary=action_answers, order_by="Answer.id")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.status in NOT_STARTED and self.due_date < today

    @property
    def scope_department(self) -> Department | None:
        """The department the action belongs to (a counter's department); None for the whole office."""
        if self.service_point is not None:
            return self.service_point.department
        return self.department


class ManagementReviewRecord(db.Model):
    """A quarter's management review: the conclusions agreed and, once downloaded, the final report itself."""

    __tablename__ = "management_reviews"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    period: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    conclusions: so.Mapped[list[dict]] = so.mapped_column(sa.JSON, default=list)
    final_pdf: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    final_sha256: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    finalized_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    finalized_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    finalized_by: so.Mapped[User | None] = so.relationship()
