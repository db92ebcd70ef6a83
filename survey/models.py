"""The Opinia domain: where answers come from, what was asked, what was answered, who manages it.

Surveys are versioned: a response points at the exact ``SurveyVersion`` (and each answer at the exact
``Question`` of that version) that the resident saw, so editing a survey later never changes what an old
answer meant. Analytics group answers by the question's stable ``code`` across versions.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.types import TypeDecorator

from extensions import db

QUESTION_KINDS = ("rating_5", "nps", "yes_no", "single_choice", "text")
CHANNELS = ("web", "kiosk", "paper")
ROLES = ("admin", "quality_manager", "department_head")
SCOPES = ("office", "department", "service_point")
INDICATORS = ("csat", "mean", "nps", "yes_share", "responses")
COMPARATORS = (">=", ">", "<=", "<")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_public_token() -> str:
    """An unguessable token for a counter's public address (about 128 bits)."""
    return secrets.token_urlsafe(16)


# Letters and digits a person cannot mistake for one another when typing from a poster (no 0/O, 1/I/L, 2/Z,
# 5/S, 8/B, U/V); 8 of them are about 37 bits, and the short address is rate-limited like the survey itself.
SHORT_CODE_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
SHORT_CODE_LENGTH = 8


def new_short_code() -> str:
    """A counter's short code for the typed address ``/o/<code>``; case does not matter when typed."""
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


class UTCDateTime(TypeDecorator):
    """Stores timestamps as UTC on every backend and always returns aware UTC datetimes.

    SQLite has no time-zone type, so values are normalised to naive UTC on the way in and
    marked UTC on the way out; PostgreSQL gets ``timestamptz``.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Opinia stores aware UTC timestamps only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Department(db.Model):
    __tablename__ = "departments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    service_points: so.Mapped[list[ServicePoint]] = so.relationship(
        back_populates="department", order_by="ServicePoint.code"
    )

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class ServicePoint(db.Model):
    """A counter (stanowisko) where residents are served; its QR code encodes ``/s/<token>``."""

    __tablename__ = "service_points"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    department_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("departments.id"), index=True)
    survey_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("surveys.id"))
    location_note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True, default=new_public_token)
    # The short code a resident can type (``/o/<code>``); retired together with the token.
    short_code: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True, default=new_short_code)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    department: so.Mapped[Department] = so.relationship(back_populates="service_points")
    survey: so.Mapped[Survey | None] = so.relationship()

    def __repr__(self) -> str:
        return f"<ServicePoint {self.code}>"


class RetiredToken(db.Model):
    """A counter's former token or short code, kept so an old poster gets "no longer active" instead of
    "unknown"."""

    __tablename__ = "retired_tokens"

    token: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    service_point_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("service_points.id"))
    retired_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Survey(db.Model):
    __tablename__ = "surveys"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    versions: so.Mapped[list[SurveyVersion]] = so.relationship(
        back_populates="survey", order_by="SurveyVersion.number"
    )

    @property
    def current_version(self) -> SurveyVersion | None:
        return self.versions[-1] if self.versions else None

    def __repr__(self) -> str:
        return f"<Survey {self.code}>"


class SurveyVersion(db.Model):
    """An immutable snapshot of a survey's texts and questions."""

    __tablename__ = "survey_versions"
    __table_args__ = (sa.UniqueConstraint("survey_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    survey_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("surveys.id"), index=True)
    number: so.Mapped[int]
    title_pl: so.Mapped[str] = so.mapped_column(sa.String(300))
    title_en: so.Mapped[str] = so.mapped_column(sa.String(300))
    intro_pl: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    intro_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    survey: so.Mapped[Survey] = so.relationship(back_populates="versions")
    questions: so.Mapped[list[Question]] = so.relationship(
        back_populates="version", order_by="Question.position"
    )

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_pl

    def intro(self, lang: str) -> str:
        return self.intro_en if lang == "en" and self.intro_en else self.intro_pl


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (sa.UniqueConstraint("version_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("survey_versions.id"), index=True)
    position: so.Mapped[int]
    code: so.Mapped[str] = so.mapped_column(sa.String(64))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    text_pl: so.Mapped[str] = so.mapped_column(sa.Text)
    text_en: so.Mapped[str] = so.mapped_column(sa.Text)
    required: so.Mapped[bool] = so.mapped_column(default=False)
    # single_choice: [{"value": "lt5", "pl": "...", "en": "..."}, ...]
    options: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    max_length: so.Mapped[int | None]

    version: so.Mapped[SurveyVersion] = so.relationship(back_populates="questions")

    def text(self, lang: str) -> str:
        return self.text_en if lang == "en" and self.text_en else self.text_pl

    def option_label(self, value: str, lang: str) -> str:
        for option in self.options or []:
            if option["value"] == value:
                return option.get(lang) or option["pl"]
        return value


class Response(db.Model):
    """One resident's submission. Holds no personal data: no IP, no device id, no account."""

    __tablename__ = "responses"
    __table_args__ = (
        sa.Index("ix_responses_submitted_at", "submitted_at"),
        sa.Index("ix_responses_service_point_submitted_at", "service_point_id", "submitted_at"),
        # The report's responses per channel: counted from this index alone (no row read per response).
        sa.Index("ix_responses_submitted_at_channel", "submitted_at", "channel"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    service_point_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("service_points.id"))
    survey_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("survey_versions.id"))
    submitted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    language: so.Mapped[str] = so.mapped_column(sa.String(5), default="pl")
    channel: so.Mapped[str] = so.mapped_column(sa.String(10), default="web")
    # One-time id carried by the rendered form: a double tap or a retry stores one response.
    submission_id: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    # Id from an external source (a paper form's number, a demo seed's key): re-imports add nothing.
    external_id: so.Mapped[str | None] = so.mapped_column(sa.String(128), unique=True)

    service_point: so.Mapped[ServicePoint] = so.relationship()
    survey_version: so.Mapped[SurveyVersion] = so.relationship()
    answers: so.Mapped[list[Answer]] = so.relationship(back_populates="response", cascade="all, delete-orphan")


class Answer(db.Model):
    """One answer; numeric kinds use ``value_int`` (yes_no: 1/0), choice and text use ``value_text``."""

    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("response_id", "question_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    response_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("questions.id"), index=True)
    value_int: so.Mapped[int | None]
    value_text: so.Mapped[str | None] = so.mapped_column(sa.Text)

    response: so.Mapped[Response] = so.relationship(back_populates="answers")
    question: so.Mapped[Question] = so.relationship()


user_departments = sa.Table(
    "user_departments",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("department_id", sa.ForeignKey("departments.id"), primary_key=True),
)


class User(db.Model):
    """A member of staff. Residents never have accounts."""

    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(20))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Part of the id in every session cookie: raising it (logout, new password) ends all existing sessions,
    # which are signed cookies the server could not otherwise take back.
    session_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    departments: so.Mapped[list[Department]] = so.relationship(secondary=user_departments)

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What the session cookie keeps: the id and the session version (see ``survey.accounts.load_user``)."""
        return f"{self.id}:{self.session_version}"

    def end_all_sessions(self) -> None:
        """Every session cookie issued so far stops working (the caller commits)."""
        self.session_version = (self.session_version or 0) + 1


class ApiToken(db.Model):
    """A token for scripts calling the JSON API; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    active: so.Mapped[bool] = so.mapped_column(default=True)

    user: so.Mapped[User] = so.relationship()


class QualityObjective(db.Model):
    """A measurable quality objective (ISO 9001 §6.2), e.g. CSAT >= 0.85 each quarter for one department."""

    __tablename__ = "quality_objectives"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    scope: so.Mapped[str] = so.mapped_column(sa.String(20), default="office")
    department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("departments.id"))
    service_point_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("service_points.id"))
    indicator: so.Mapped[str] = so.mapped_column(sa.String(20))
    # Which question the indicator is read from; None means the first question of the matching kind.
    question_code: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    comparator: so.Mapped[str] = so.mapped_column(sa.String(2), default=">=")
    target: so.Mapped[float]
    min_sample: so.Mapped[int] = so.mapped_column(default=30)
    period_kind: so.Mapped[str] = so.mapped_column(sa.String(10), default="quarter")
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    department: so.Mapped[Department | None] = so.relationship()
    service_point: so.Mapped[ServicePoint | None] = so.relationship()


class AuditLog(db.Model):
    """Who changed what and when, on the staff side."""

    __tablename__ = "audit_log"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    action: so.Mapped[str] = so.mapped_column(sa.String(50))
    entity: so.Mapped[str] = so.mapped_column(sa.String(50))
    entity_id: so.Mapped[int | None]
    details: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)

    user: so.Mapped[User | None] = so.relationship()


class ResponseHourCount(db.Model):
    """Responses per UTC hour and counter, kept by database triggers (``analytics/rollup.py``) for fast indicators."""

    __tablename__ = "response_hour_counts"
    __table_args__ = {"sqlite_with_rowid": False}

    hour: so.Mapped[datetime] = so.mapped_column(UTCDateTime, primary_key=True)
    service_point_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    n: so.Mapped[int] = so.mapped_column(default=0)


class AnswerHourCount(db.Model):
    """Answers per UTC hour × counter × question × value (text; '' for free text), kept by database triggers."""

    __tablename__ = "answer_hour_counts"
    __table_args__ = {"sqlite_with_rowid": False}

    hour: so.Mapped[datetime] = so.mapped_column(UTCDateTime, primary_key=True)
    service_point_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    question_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    value: so.Mapped[str] = so.mapped_column(sa.Text, primary_key=True)
    n: so.Mapped[int] = so.mapped_column(default=0)


class AnswerDayCount(db.Model):
    """Answers per UTC day × counter × question × value, kept by database triggers: a quarter in ~10^4 rows.

    On PostgreSQL also an index by question and counter, for the reads of a few questions or counters over a
    long time (the 12-month trend: 39 → 14 ms at a million responses), which would otherwise walk every row
    of the year by the primary key. It leaves out ``n``, which every answer updates, so those updates stay
    heap-only (HOT) and an answer costs no more. SQLite has none: its table has no rowid, so only an index
    holding ``n`` would help, and keeping that one cost ~0.7 ms of CPU per stored answer (~10 %)."""

    __tablename__ = "answer_day_counts"
    __table_args__ = (
        sa.Index("ix_answer_day_counts_question", "question_id", "service_point_id", "day").ddl_if(dialect="postgresql"),
        {"sqlite_with_rowid": False},
    )

    day: so.Mapped[datetime] = so.mapped_column(UTCDateTime, primary_key=True)
    service_point_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    question_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    value: so.Mapped[str] = so.mapped_column(sa.Text, primary_key=True)
    n: so.Mapped[int] = so.mapped_column(default=0)


class ChartBoundary(db.Model):
    """A local week or month start of the office's time zone, as a UTC instant (``analytics/chart_pieces.py``):
    the edges of the control charts' pieces of time, 2000–2100, written when the tables are made and whenever
    the counts are rebuilt. ``chart_counts``' triggers look up the piece of each answer here."""

    __tablename__ = "chart_boundaries"

    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, primary_key=True)


class ChartBoundaryZone(db.Model):
    """The time zone ``chart_boundaries`` were cut in (one row); ``chart_counts`` are used only when it is the
    office's zone."""

    __tablename__ = "chart_boundary_zone"

    timezone: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)


class ChartCount(db.Model):
    """Answers to the proportion questions (``rating_5``, ``yes_no``) per piece of time between two
    ``chart_boundaries`` × counter × question × value, kept by database triggers: the control charts' whole
    history in a few thousand rows, and a year of months for the CSAT trend."""

    __tablename__ = "chart_counts"
    __table_args__ = {"sqlite_with_rowid": False}

    piece: so.Mapped[datetime] = so.mapped_column(UTCDateTime, primary_key=True)
    service_point_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    question_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    value: so.Mapped[str] = so.mapped_column(sa.Text, primary_key=True)
    n: so.Mapped[int] = so.mapped_column(default=0)


@sa.event.listens_for(db.metadata, "after_create")
def _create_count_triggers(_metadata, connection, tables=(), **_kw) -> None:
    """The count triggers, and the pieces of ``chart_counts`` cut in the office's zone; a piece table made
    here beside stored rows (a database made with ``create_all`` before it existed) is counted at once."""
    from flask import current_app, has_app_context

    from analytics.chart_pieces import DEFAULT_TIMEZONE, ensure_chart_boundaries
    from analytics.rollup import create_count_triggers, rebuild_chart_counts
    from comments.piece_counts import create_comment_count_triggers, rebuild_comment_piece_counts

    create_count_triggers(connection)
    create_comment_count_triggers(connection)
    if ensure_chart_boundaries(connection, current_app.config["OPINIA_TIMEZONE"] if has_app_context() else DEFAULT_TIMEZONE):
        return
    created = {table.name for table in tables}
    if "chart_counts" in created:
        rebuild_chart_counts(connection)
    if "comment_piece_counts" in created:
        rebuild_comment_piece_counts(connection)
