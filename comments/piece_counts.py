"""``comment_piece_counts``: ``comment_facts`` counted per piece of local week and month, kept by triggers.

A themes summary counts a period's comments by rating and match (``comments/theme_counts.py``); grouping the
period's ``comment_facts`` rows costs in proportion to the comments (at 10,000,000 responses a department's
quarter holds 150,000). These triggers add every row to its piece's cell — the piece is looked up in
``chart_boundaries`` as the answers' ``chart_counts`` do (``analytics/rollup.py``) — and take it out again
when the row is deleted or its match changes, so a period that starts and ends on piece boundaries (months,
quarters, years) is read as a few hundred rows. The readers (``comments.queries.theme_counts`` and
``fact_total``) use the table only when the pieces were cut in the office's zone.
"""
from __future__ import annotations

import sqlalchemy as sa

PIECE = ("(SELECT b.starts_at FROM chart_boundaries b WHERE b.starts_at <= {row}.submitted_at "
         "ORDER BY b.starts_at DESC LIMIT 1)")
TRIGGER_NAMES = ("comment_facts_count_insert", "comment_facts_count_delete", "comment_facts_count_update")


def _cell(row: str) -> str:
    """The cell of ``row`` (``NEW``/``OLD``, or a table alias): piece, counter, text kept, rating, match."""
    return (f"{PIECE.format(row=row)} AS piece, {row}.service_point_id, {row}.has_text, COALESCE({row}.rating, 0), "
            f"COALESCE({row}.codebook, ''), COALESCE({row}.themes, '')")


COLUMNS = "piece, service_point_id, has_text, rating, codebook, themes"


def _add(row: str, postgres: bool) -> str:
    increment = "comment_piece_counts.n + 1" if postgres else "n + 1"
    return (f"INSERT INTO comment_piece_counts ({COLUMNS}, n) SELECT * FROM (SELECT {_cell(row)}, 1) AS cell "
            f"WHERE cell.piece IS NOT NULL "
            f"ON CONFLICT ({COLUMNS}) DO UPDATE SET n = {increment};")


def _take(row: str) -> str:
    return f"UPDATE comment_piece_counts SET n = n - 1 WHERE ({COLUMNS}) = (SELECT {_cell(row)});"


def sqlite_triggers() -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS comment_facts_count_insert AFTER INSERT ON comment_facts BEGIN\n"
        f"  {_add('NEW', False)}\nEND",
        f"CREATE TRIGGER IF NOT EXISTS comment_facts_count_delete AFTER DELETE ON comment_facts BEGIN\n"
        f"  {_take('OLD')}\nEND",
        f"CREATE TRIGGER IF NOT EXISTS comment_facts_count_update AFTER UPDATE ON comment_facts BEGIN\n"
        f"  {_take('OLD')}\n  {_add('NEW', False)}\nEND",
    ]


def postgres_triggers() -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION opinia_count_comment_fact() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    {_take('OLD')}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {_add('NEW', True)}
    RETURN NEW;
  END IF;
  RETURN OLD;
END $$ LANGUAGE plpgsql""",
        *POSTGRES_DROP,
        "CREATE TRIGGER comment_facts_count AFTER INSERT OR UPDATE OR DELETE ON comment_facts "
        "FOR EACH ROW EXECUTE FUNCTION opinia_count_comment_fact()",
    ]


SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGER_NAMES]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS comment_facts_count ON comment_facts"]


def _postgres(connection) -> bool:
    return connection.dialect.name == "postgresql"


def create_comment_count_triggers(connection) -> None:
    for statement in postgres_triggers() if _postgres(connection) else sqlite_triggers():
        connection.exec_driver_sql(statement)


def drop_comment_count_triggers(connection) -> None:
    for statement in POSTGRES_DROP if _postgres(connection) else SQLITE_DROP:
        connection.exec_driver_sql(statement)


def rebuild_comment_piece_counts(connection) -> None:
    """Recount ``comment_piece_counts`` from ``comment_facts`` (after the pieces were cut again)."""
    connection.execute(sa.text("DELETE FROM comment_piece_counts"))
    connection.exec_driver_sql(
        f"INSERT INTO comment_piece_counts ({COLUMNS}, n) SELECT {_cell('f')}, count(*) FROM comment_facts f "
        f"WHERE {PIECE.format(row='f')} IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6"
    )
