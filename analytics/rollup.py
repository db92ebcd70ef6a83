"""Hourly counts kept by the database itself, so a quarter's indicators read thousands of rows, not millions.

``response_hour_counts`` (responses per UTC hour × counter) and ``answer_hour_counts`` (answers per UTC hour
× counter × question × value) are maintained by triggers on ``responses`` and ``answers`` — whatever writes
the rows (the survey form, the paper import, a bulk seed), the counts follow in the same transaction.
Answers and responses are never updated in place, so insert and delete triggers are enough:

- inserting an answer adds 1 to its cell, deleting one subtracts 1 while its response still exists;
- deleting a response first deletes its answers (each subtracting itself while the response still exists),
  then subtracts the response; the ``ON DELETE CASCADE`` finds nothing left to delete.

Values are text: the number of ``rating_5``/``nps``/``yes_no`` answers, the option of ``single_choice`` and
``''`` for free text (only how many comments there were). Because the buckets are UTC hours, periods cut at
local midnights read them exactly whenever the office's offset from UTC is a whole number of hours
(Europe/Warsaw always is); otherwise ``analytics.queries`` falls back to the raw tables.
"""
from __future__ import annotations

import sqlalchemy as sa

SQLITE_HOUR = "strftime('%Y-%m-%d %H:00:00.000000', r.submitted_at)"
POSTGRES_HOUR = "(date_trunc('hour', r.submitted_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
SQLITE_VALUE = "CASE WHEN q.kind = 'text' THEN '' ELSE COALESCE(CAST({row}.value_int AS TEXT), {row}.value_text, '') END"
POSTGRES_VALUE = "CASE WHEN q.kind = 'text' THEN '' ELSE COALESCE({row}.value_int::text, {row}.value_text, '') END"

SQLITE_TRIGGERS = [
    f"""
CREATE TRIGGER IF NOT EXISTS responses_count_insert AFTER INSERT ON responses BEGIN
  INSERT INTO response_hour_counts (hour, service_point_id, n)
  SELECT {SQLITE_HOUR}, r.service_point_id, 1 FROM responses r WHERE r.id = NEW.id
  ON CONFLICT (hour, service_point_id) DO UPDATE SET n = n + 1;
END""",
    f"""
CREATE TRIGGER IF NOT EXISTS responses_count_delete BEFORE DELETE ON responses BEGIN
  DELETE FROM answers WHERE response_id = OLD.id;
  UPDATE response_hour_counts SET n = n - 1
  WHERE (hour, service_point_id) = (SELECT {SQLITE_HOUR}, r.service_point_id FROM responses r WHERE r.id = OLD.id);
END""",
    f"""
CREATE TRIGGER IF NOT EXISTS answers_count_insert AFTER INSERT ON answers BEGIN
  INSERT INTO answer_hour_counts (hour, service_point_id, question_id, value, n)
  SELECT {SQLITE_HOUR}, r.service_point_id, NEW.question_id, {SQLITE_VALUE.format(row="NEW")}, 1
  FROM responses r JOIN questions q ON q.id = NEW.question_id WHERE r.id = NEW.response_id
  ON CONFLICT (hour, service_point_id, question_id, value) DO UPDATE SET n = n + 1;
END""",
    f"""
CREATE TRIGGER IF NOT EXISTS answers_count_delete AFTER DELETE ON answers BEGIN
  UPDATE answer_hour_counts SET n = n - 1
  WHERE (hour, service_point_id, question_id, value) = (
    SELECT {SQLITE_HOUR}, r.service_point_id, OLD.question_id, {SQLITE_VALUE.format(row="OLD")}
    FROM responses r JOIN questions q ON q.id = OLD.question_id WHERE r.id = OLD.response_id);
END""",
]

POSTGRES_TRIGGERS = [
    f"""
CREATE OR REPLACE FUNCTION opinia_count_response() RETURNS trigger AS $$
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
    f"""
CREATE OR REPLACE FUNCTION opinia_count_answer() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO answer_hour_counts (hour, service_point_id, question_id, value, n)
    SELECT {POSTGRES_HOUR}, r.service_point_id, NEW.question_id, {POSTGRES_VALUE.format(row="NEW")}, 1
    FROM responses r JOIN questions q ON q.id = NEW.question_id WHERE r.id = NEW.response_id
    ON CONFLICT (hour, service_point_id, question_id, value) DO UPDATE SET n = answer_hour_counts.n + 1;
    RETURN NEW;
  END IF;
  UPDATE answer_hour_counts c SET n = c.n - 1 FROM responses r, questions q
  WHERE r.id = OLD.response_id AND q.id = OLD.question_id AND c.hour = {POSTGRES_HOUR}
    AND c.service_point_id = r.service_point_id AND c.question_id = OLD.question_id
    AND c.value = {POSTGRES_VALUE.format(row="OLD")};
  RETURN OLD;
END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS responses_count_insert ON responses",
    "DROP TRIGGER IF EXISTS responses_count_delete ON responses",
    "DROP TRIGGER IF EXISTS answers_count ON answers",
    "CREATE TRIGGER responses_count_insert AFTER INSERT ON responses FOR EACH ROW EXECUTE FUNCTION opinia_count_response()",
    "CREATE TRIGGER responses_count_delete BEFORE DELETE ON responses FOR EACH ROW EXECUTE FUNCTION opinia_count_response()",
    "CREATE TRIGGER answers_count AFTER INSERT OR DELETE ON answers FOR EACH ROW EXECUTE FUNCTION opinia_count_answer()",
]

SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in
               ("responses_count_insert", "responses_count_delete", "answers_count_insert", "answers_count_delete")]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS responses_count_insert ON responses",
    "DROP TRIGGER IF EXISTS responses_count_delete ON responses",
    "DROP TRIGGER IF EXISTS answers_count ON answers",
]


def _dialect(connection) -> str:
    return connection.dialect.name


def create_count_triggers(connection) -> None:
    for statement in POSTGRES_TRIGGERS if _dialect(connection) == "postgresql" else SQLITE_TRIGGERS:
        connection.exec_driver_sql(statement)


def drop_count_triggers(connection) -> None:
    for statement in POSTGRES_DROP if _dialect(connection) == "postgresql" else SQLITE_DROP:
        connection.exec_driver_sql(statement)


def rebuild_counts(connection) -> None:
    """Recompute both count tables from the raw rows (after a bulk load with the triggers off, or to repair)."""
    postgres = _dialect(connection) == "postgresql"
    hour = POSTGRES_HOUR if postgres else SQLITE_HOUR
    value = (POSTGRES_VALUE if postgres else SQLITE_VALUE).format(row="a")
    connection.execute(sa.text("DELETE FROM answer_hour_counts"))
    connection.execute(sa.text("DELETE FROM response_hour_counts"))
    connection.exec_driver_sql(
        f"INSERT INTO response_hour_counts (hour, service_point_id, n) "
        f"SELECT {hour}, r.service_point_id, count(*) FROM responses r GROUP BY 1, 2"
    )
    connection.exec_driver_sql(
        f"INSERT INTO answer_hour_counts (hour, service_point_id, question_id, value, n) "
        f"SELECT {hour}, r.service_point_id, a.question_id, {value}, count(*) "
        f"FROM answers a JOIN responses r ON r.id = a.response_id JOIN questions q ON q.id = a.question_id "
        f"GROUP BY 1, 2, 3, 4"
    )
