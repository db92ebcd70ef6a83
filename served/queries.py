"""Every SQL statement of the ``served`` package: storing imported hours, and the few ``GROUP BY``s the
indicators need (joined with the hourly response and answer counts that the database triggers keep)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from analytics.served import WAIT_BANDS
from extensions import db
from served.models import ServedHour, ServedImport
from survey.models import AnswerHourCount, ResponseHourCount, ServicePoint

INSERT_CHUNK = 50_000


def counter_ids_by_code() -> dict[str, int]:
    return dict(db.session.execute(sa.select(ServicePoint.code, ServicePoint.id)).all())


def active_counter_ids() -> set[int]:
    return set(db.session.scalars(sa.select(ServicePoint.id).where(ServicePoint.active.is_(True))))


HOUR_COLUMNS = ("service_point_id", "hour", "served", "walked_away", "average_wait_minutes",
                "average_service_minutes", "import_id")
SQLITE_CACHE_KIB = 131_072  # while storing: the table's indexes of a 20 MB file stay in memory


def _upsert(table: sa.Table):
    """``INSERT ... ON CONFLICT (counter, hour) DO UPDATE``: a stored hour is replaced, a new one added."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table)
    replaced = {c.name: statement.excluded[c.name] for c in table.columns if not c.primary_key}
    return statement.on_conflict_do_update(index_elements=["service_point_id", "hour"], set_=replaced)


def _driver_rows(import_id: int, hours: dict[tuple[int, datetime], dict], dialect) -> list[tuple]:
    """One tuple per counter-hour in ``HOUR_COLUMNS`` order, already as the driver takes them: the hour goes
    through the column type's own conversion once per distinct hour (a file repeats each for every counter)."""
    hour_type = ServedHour.__table__.c.hour.type.dialect_impl(dialect)  # SQLite: the text SQLAlchemy stores
    convert = hour_type.bind_processor(dialect) or (lambda value: value)
    stored: dict[datetime, object] = {}
    rows = []
    for (counter, hour), f in hours.items():
        value = stored.get(hour)
        if value is None:
            value = stored[hour] = convert(hour)
        rows.append((counter, value, f["served"], f["walked_away"], f["average_wait_minutes"],
                     f["average_service_minutes"], import_id))
    return rows


def replace_hours(import_id: int, hours: dict[tuple[int, datetime], dict]) -> None:
    """Store the counter-hours, replacing the stored figures of the same counter and hour (in the session's
    transaction; the caller commits). In bulk: PostgreSQL ``COPY``s them into a temporary table and upserts
    them in one ``INSERT ... SELECT``; SQLite runs one ``executemany`` per chunk of the upsert."""
    connection = db.session.connection()
    rows = _driver_rows(import_id, hours, connection.dialect)
    if connection.dialect.name == "postgresql":
        _copy_and_upsert(connection, rows)
        return
    compiled = _upsert(ServedHour.__table__).compile(dialect=connection.dialect, column_keys=list(HOUR_COLUMNS))
    assert tuple(compiled.positiontup) == HOUR_COLUMNS, compiled.positiontup
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        for offset in range(0, len(rows), INSERT_CHUNK):
            connection.exec_driver_sql(str(compiled), rows[offset:offset + INSERT_CHUNK])
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")


def _copy_and_upsert(connection: sa.Connection, rows: list[tuple]) -> None:
    columns = ", ".join(HOUR_COLUMNS)
    replaced = ", ".join(f"{name} = excluded.{name}" for name in HOUR_COLUMNS[2:])
    connection.exec_driver_sql("CREATE TEMPORARY TABLE served_hours_in (LIKE served_hours) ON COMMIT DROP")
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY served_hours_in ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    connection.exec_driver_sql(f"INSERT INTO served_hours ({columns}) SELECT {columns} FROM served_hours_in "
                               f"ON CONFLICT (service_point_id, hour) DO UPDATE SET {replaced}")
    connection.exec_driver_sql("DROP TABLE served_hours_in")


def latest_import_id() -> int:
    """Changes with every import: part of the dashboards' cache fingerprint."""
    return db.session.scalar(sa.select(sa.func.max(ServedImport.id))) or 0


def recent_imports(limit: int = 10) -> list[ServedImport]:
    return list(db.session.scalars(sa.select(ServedImport).order_by(ServedImport.id.desc()).limit(limit)))


def _in_scope(column, service_point_ids: Sequence[int] | None):
    return sa.true() if service_point_ids is None else column.in_(list(service_point_ids))


def served_hours(start: datetime, end: datetime, service_point_ids: Sequence[int] | None) -> pd.DataFrame:
    """``service_point_id, hour, served, walked_away, average_wait_minutes, responses`` per counter-hour
    with queue data in ``[start, end)``; ``responses`` are the survey responses of that counter-hour."""
    statement = (
        sa.select(ServedHour.service_point_id, ServedHour.hour, ServedHour.served, ServedHour.walked_away,
                  ServedHour.average_wait_minutes, sa.func.coalesce(ResponseHourCount.n, 0).label("responses"))
        .outerjoin(ResponseHourCount, sa.and_(ResponseHourCount.hour == ServedHour.hour,
                                              ResponseHourCount.service_point_id == ServedHour.service_point_id))
        .where(ServedHour.hour >= start, ServedHour.hour < end, _in_scope(ServedHour.service_point_id, service_point_ids))
    )
    columns = ["service_point_id", "hour", "served", "walked_away", "average_wait_minutes", "responses"]
    frame = pd.DataFrame(db.session.execute(statement).all(), columns=columns)
    frame["hour"] = pd.to_datetime(frame["hour"], utc=True)
    frame["average_wait_minutes"] = frame["average_wait_minutes"].astype("float64")
    frame["walked_away"] = frame["walked_away"].astype("float64")
    return frame


def _band_expression():
    wait = ServedHour.average_wait_minutes
    return sa.case(*[(wait < high, name) for name, _low, high in WAIT_BANDS if high is not None],
                   else_=WAIT_BANDS[-1][0])


def rating_counts_by_wait_band(start: datetime, end: datetime, service_point_ids: Sequence[int] | None,
                               question_ids: Iterable[int]) -> pd.DataFrame:
    """``band, value, count``: rating answers given in counter-hours whose average wait lies in the band."""
    band = _band_expression().label("band")
    statement = (
        sa.select(band, AnswerHourCount.value, sa.func.sum(AnswerHourCount.n).label("count"))
        .join(ServedHour, sa.and_(ServedHour.hour == AnswerHourCount.hour,
                                  ServedHour.service_point_id == AnswerHourCount.service_point_id))
        .where(ServedHour.hour >= start, ServedHour.hour < end, ServedHour.average_wait_minutes.is_not(None),
               AnswerHourCount.question_id.in_(list(question_ids)),
               _in_scope(ServedHour.service_point_id, service_point_ids))
        .group_by(sa.literal_column("1"), AnswerHourCount.value)
    )
    return _band_frame(db.session.execute(statement).all())


def empty_band_counts() -> pd.DataFrame:
    """What ``rating_counts_by_wait_band`` answers when no counter-hour has a measured wait."""
    return pd.DataFrame({"band": pd.Series(dtype=object), "value": pd.Series(dtype="float64"),
                         "count": pd.Series(dtype=object)})


def _band_frame(rows: list) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["band", "value", "count"])
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame.dropna(subset=["value"])


def mean_rating_by_hour(start: datetime, end: datetime) -> pd.DataFrame:
    """``service_point_id, hour, mean_rating`` of the first rating question (for the demo's waits)."""
    from analytics.queries import question_catalog

    _questions, ids = question_catalog()
    rating = next((code for code, kind in ids.values() if kind == "rating_5"), None)
    question_ids = [qid for qid, (code, _kind) in ids.items() if code == rating]
    value = sa.cast(AnswerHourCount.value, sa.Float)
    statement = (
        sa.select(AnswerHourCount.service_point_id, AnswerHourCount.hour,
                  (sa.func.sum(value * AnswerHourCount.n)
                   / sa.func.nullif(sa.func.sum(AnswerHourCount.n), 0)).label("mean_rating"))
        .where(AnswerHourCount.hour >= start, AnswerHourCount.hour < end, AnswerHourCount.question_id.in_(question_ids))
        .group_by(AnswerHourCount.service_point_id, AnswerHourCount.hour)
    )
    frame = pd.DataFrame(db.session.execute(statement).all(), columns=["service_point_id", "hour", "mean_rating"])
    frame["hour"] = pd.to_datetime(frame["hour"], utc=True)
    return frame.dropna(subset=["mean_rating"])  # hours whose answers were all deleted count 0
