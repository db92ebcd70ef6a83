"""Counts kept by the database itself, so a quarter's indicators read thousands of rows, not millions.

``response_hour_counts`` (responses per UTC hour × counter), ``answer_hour_counts`` (answers per UTC hour ×
counter × question × value) and ``answer_day_counts`` (the same per UTC day) are maintained by triggers on
``responses`` and ``answers`` — whatever writes the rows (the survey form, the paper import, a bulk seed),
the counts follow in the same transaction. Answers and responses are never updated in place, so insert
and delete triggers are enough:

- inserting an answer adds 1 to its cells, deleting one subtracts 1 while its response still exists;
- deleting a response first deletes its answers (each subtracting itself while the response still exists),
  then subtracts the response; the ``ON DELETE CASCADE`` finds nothing left to delete.

Values are text: the number of ``rating_5``/``nps``/``yes_no`` answers, the option of ``single_choice`` and
``''`` for free text (only how many comments there were). Periods cut at local midnights read whole UTC
days from the day table and the hours around each local midnight from the hour table, exactly, whenever the
office's offset from UTC is a whole number of hours (Europe/Warsaw always is); otherwise
``analytics.queries`` falls back to the raw tables.

The proportion answers (``rating_5``, ``yes_no``) are also counted in ``chart_counts``, per piece of local
time between two ``chart_boundaries`` (``analytics/chart_pieces.py``) × counter × question × value, for the
control charts and the CSAT-by-month trend. An answer's piece is the latest boundary not after its time,
looked up by the trigger.

``with_days=False`` reproduces the triggers of migration 0002 (before the day table existed),
``with_pieces=False`` those of migrations 0003–0009 (before ``chart_counts``).
"""
from __future__ import annotations

import sqlalchemy as sa

SQLITE_HOUR = "strftime('%Y-%m-%d %H:00:00.000000', r.submitted_at)"
SQLITE_DAY = "strftime('%Y-%m-%d 00:00:00.000000', r.submitted_at)"
POSTGRES_HOUR = "(date_trunc('hour', r.submitted_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
POSTGRES_DAY = "(date_trunc('day', r.submitted_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
SQLITE_VALUE = "CASE WHEN q.kind = 'text' THEN '' ELSE COALESCE(CAST({row}.value_int AS TEXT), {row}.value_text, '') END"
POSTGRES_VALUE = "CASE WHEN q.kind = 'text' THEN '' ELSE COALESCE({row}.value_int::text, {row}.value_text, '') END"
SUCCESS_VALUES = {"rating_5": ("4", "5"), "yes_no": ("1",)}  # what a control chart counts as a success
PIECE = ("(SELECT b.starts_at FROM chart_boundaries b WHERE b.starts_at <= r.submitted_at "
         "ORDER BY b.starts_at DESC LIMIT 1)")
PROPORTION_KINDS = "q.kind IN ({})".format(", ".join(f"'{kind}'" for kind in SUCCESS_VALUES))
TRIGGER_NAMES = ("responses_count_insert", "responses_count_delete", "answers_count_insert", "answers_count_delete")


def _answer_tables(with_days: bool, with_pieces: bool, hour: str, day: str) -> list[tuple[str, str, str, str]]:
    """``(table, time column, time expression, condition)`` of every answer count table: ``chart_counts`` takes
    the proportion questions only, and only answers within a piece (``chart_boundaries`` written)."""
    tables = [("answer_hour_counts", "hour", hour, "")]
    if with_days:
        tables.append(("answer_day_counts", "day", day, ""))
    if with_pieces:
        tables.append(("chart_counts", "piece", PIECE, f" AND {PROPORTION_KINDS} AND {PIECE} IS NOT NULL"))
    return tables


def sqlite_triggers(with_days: bool = True, with_pieces: bool = True) -> list[str]:
    tables = _answer_tables(with_days, with_pieces, SQLITE_HOUR, SQLITE_DAY)
    answer_inserts = "\n".join(
        f"""  INSERT INTO {table} ({column}, service_point_id, question_id, value, n)
  SELECT {expression}, r.service_point_id, NEW.question_id, {SQLITE_VALUE.format(row="NEW")}, 1
  FROM responses r JOIN questions q ON q.id = NEW.question_id WHERE r.id = NEW.response_id{condition}
  ON CONFLICT ({column}, service_point_id, question_id, value) DO UPDATE SET n = n + 1;"""
        for table, column, expression, condition in tables
    )
    answer_deletes = "\n".join(
        f"""  UPDATE {table} SET n = n - 1
  WHERE ({column}, service_point_id, question_id, value) = (
    SELECT {expression}, r.service_point_id, OLD.question_id, {SQLITE_VALUE.format(row="OLD")}
    FROM responses r JOIN questions q ON q.id = OLD.question_id WHERE r.id = OLD.response_id{condition});"""
        for table, column, expression, condition in tables
    )
    return [
        f"""CREATE TRIGGER IF NOT EXISTS responses_count_insert AFTER INSERT ON responses BEGIN
  INSERT INTO response_hour_counts (hour, service_point_id, n)
  SELECT {SQLITE_HOUR}, r.service_point_id, 1 FROM responses r WHERE r.id = NEW.id
  ON CONFLICT (hour, service_point_id) DO UPDATE SET n = n + 1;
END""",
        f"""CREATE TRIGGER IF NOT EXISTS responses_count_delete BEFORE DELETE ON responses BEGIN
  DELETE FROM answers WHERE response_id = OLD.id;
  UPDATE response_hour_counts SET n = n - 1
  WHERE (hour, service_point_id) = (SELECT {SQLITE_HOUR}, r.service_point_id FROM responses r WHERE r.id = OLD.id);
END""",
        f"CREATE TRIGGER IF NOT EXISTS answers_count_insert AFTER INSERT ON answers BEGIN\n{answer_inserts}\nEND",
        f"CREATE TRIGGER IF NOT EXISTS answers_count_delete AFTER DELETE ON answers BEGIN\n{answer_deletes}\nEND",
    ]


def postgres_triggers(with_days: bool = True, with_pieces: bool = True) -> list[str]:
    tables = _answer_tables(with_days, with_pieces, POSTGRES_HOUR, POSTGRES_DAY)
    answer_inserts = "\n".join(
        f"""    INSERT INTO {table} ({column}, service_point_id, question_id, value, n)
    SELECT {expression}, r.service_point_id, NEW.question_id, {POSTGRES_VALUE.format(row="NEW")}, 1
    FROM responses r JOIN questions q ON q.id = NEW.question_id WHERE r.id = NEW.response_id{condition}
    ON CONFLICT ({column}, service_point_id, question_id, value) DO UPDATE SET n = {table}.n + 1;"""
        for table, column, expression, condition in tables
    )
    answer_deletes = "\n".join(
        f"""  UPDATE {table} c SET n = c.n - 1 FROM responses r, questions q
  WHERE r.id = OLD.response_id AND q.id = OLD.question_id AND c.{column} = {expression}
    AND c.service_point_id = r.service_point_id AND c.question_id = OLD.question_id
    AND c.value = {POSTGRES_VALUE.format(row="OLD")}{condition};"""
        for table, column, expression, condition in tables
    )
    return [
        f"""CREATE OR REPLACE FUNCTION opinia_count_response() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO response_hour_counts (hour, service_point_id, n)
    SELECT {POSTGRES_HOUR}, r.service_point_id, 1 FROM responses r WHERE r.id = NEW.id
    ON CONFLICT (hour, service_point_id) DO UPDATE SET n = response_hour_counts.n + 1;
    RETURN NEW;
  END IF;
  DELETE FROM answers WHERE response_id = OLD.id;
  UPDATE response_hour_counts c SET n = c.n - 1 FROM responses r
  WHERE r.id = OLD.id AND c.hour = {POSTGRES_HOUR} AND c.service_point_id = r.service_point_id;
  RETURN OLD;
END $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION opinia_count_answer() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
{answer_inserts}
    RETURN NEW;
  END IF;
{answer_deletes}
  RETURN OLD;
END $$ LANGUAGE plpgsql""",
        *POSTGRES_DROP,
        "CREATE TRIGGER responses_count_insert AFTER INSERT ON responses FOR EACH ROW EXECUTE FUNCTION opinia_count_response()",
        "CREATE TRIGGER responses_count_delete BEFORE DELETE ON responses FOR EACH ROW EXECUTE FUNCTION opinia_count_response()",
        "CREATE TRIGGER answers_count AFTER INSERT OR DELETE ON answers FOR EACH ROW EXECUTE FUNCTION opinia_count_answer()",
    ]


SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGER_NAMES]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS responses_count_insert ON responses",
    "DROP TRIGGER IF EXISTS responses_count_delete ON responses",
    "DROP TRIGGER IF EXISTS answers_count ON answers",
]


def _postgres(connection) -> bool:
    return connection.dialect.name == "postgresql"


def create_count_triggers(connection, with_days: bool = True, with_pieces: bool = True) -> None:
    triggers = postgres_triggers if _postgres(connection) else sqlite_triggers
    for statement in triggers(with_days, with_pieces):
        connection.exec_driver_sql(statement)


def drop_count_triggers(connection) -> None:
    for statement in POSTGRES_DROP if _postgres(connection) else SQLITE_DROP:
        connection.exec_driver_sql(statement)


def rebuild_counts(connection, with_days: bool = True, with_pieces: bool = True) -> None:
    """Recompute the count tables from the raw rows (after a bulk load with the triggers off, or to repair)."""
    postgres = _postgres(connection)
    hour, day = (POSTGRES_HOUR, POSTGRES_DAY) if postgres else (SQLITE_HOUR, SQLITE_DAY)
    connection.execute(sa.text("DELETE FROM response_hour_counts"))
    connection.exec_driver_sql(
        f"INSERT INTO response_hour_counts (hour, service_point_id, n) "
        f"SELECT {hour}, r.service_point_id, count(*) FROM responses r GROUP BY 1, 2"
    )
    for table in _answer_tables(with_days, with_pieces, hour, day):
        _recount(connection, *table)


def rebuild_chart_counts(connection) -> None:
    """Recount ``chart_counts`` from the raw answers (after ``chart_boundaries`` were cut again)."""
    hour, day = (POSTGRES_HOUR, POSTGRES_DAY) if _postgres(connection) else (SQLITE_HOUR, SQLITE_DAY)
    _recount(connection, *_answer_tables(False, True, hour, day)[-1])


def _recount(connection, table: str, column: str, expression: str, condition: str) -> None:
    value = (POSTGRES_VALUE if _postgres(connection) else SQLITE_VALUE).format(row="a")
    connection.execute(sa.text(f"DELETE FROM {table}"))
    connection.exec_driver_sql(
        f"INSERT INTO {table} ({column}, service_point_id, question_id, value, n) "
        f"SELECT {expression}, r.service_point_id, a.question_id, {value}, count(*) "
        f"FROM answers a JOIN responses r ON r.id = a.response_id JOIN questions q ON q.id = a.question_id "
        f"WHERE TRUE{condition} GROUP BY 1, 2, 3, 4"
    )
