"""Grow a seeded PostgreSQL benchmark database N-fold in SQL, for the growth benchmarks (10,000,000 responses).

    .venv/bin/python -m bench.grow --from-url postgresql://postgres@127.0.0.1/opinia_bench_1m \\
        --to-url postgresql://postgres@127.0.0.1/opinia_bench_10m --factor 10

Generating 10,000,000 responses in Python and sending them with ``COPY`` takes most of an hour on a small
machine; this copies the seeded database (``CREATE DATABASE ... TEMPLATE``) and repeats every response
``factor - 1`` more times with ``INSERT ... SELECT`` over ``generate_series``, a second later each time, with
the same counter and answers. Every copy stays in the same local minute, hour, day and month as its original,
so the counts per bucket grow exactly ``factor``-fold while the number of count-table rows stays the same:
what a benchmark then measures is how the cost grows with the answers alone. The triggers are off during
the load; the count tables are rebuilt once at the end (``analytics.rollup.rebuild_counts``), then ANALYZE.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import sqlalchemy as sa

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import _holds, _schema_is_current, ensure_seeded  # noqa: E402


def _copy_database(source_url: str, target_url: str) -> None:
    source, target = sa.engine.make_url(source_url), sa.engine.make_url(target_url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}"')
            connection.exec_driver_sql(f'CREATE DATABASE "{target.database}" TEMPLATE "{source.database}"')
    finally:
        admin.dispose()


def _replicate(target_url: str, n_responses: int, factor: int) -> None:
    from analytics.rollup import create_count_triggers, drop_count_triggers, rebuild_counts

    engine = sa.create_engine(target_url)
    steps = [
        ("responses", f"""INSERT INTO responses (id, service_point_id, survey_version_id, submitted_at, language, channel,
                              external_id)
            SELECT r.id + k * {n_responses}, r.service_point_id, r.survey_version_id, r.submitted_at + k * interval '1 second',
                   r.language, r.channel, r.external_id || '-' || k
            FROM responses r CROSS JOIN generate_series(1, {factor - 1}) AS k"""),
        ("answers", f"""INSERT INTO answers (response_id, question_id, value_int, value_text)
            SELECT a.response_id + k * {n_responses}, a.question_id, a.value_int, a.value_text
            FROM answers a CROSS JOIN generate_series(1, {factor - 1}) AS k WHERE a.response_id <= {n_responses}"""),
    ]
    try:
        with engine.begin() as connection:
            drop_count_triggers(connection)
            for name, statement in steps:
                started = time.perf_counter()
                connection.exec_driver_sql(statement)
                print(f"  {name} copied {factor - 1}x in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            for table in ("responses", "answers"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            started = time.perf_counter()
            rebuild_counts(connection)
            create_count_triggers(connection)
            print(f"  count tables rebuilt in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()


def grow(source_url: str, target_url: str, n_responses: int, factor: int) -> str:
    """A database at ``target_url`` holding ``factor`` times the ``n_responses`` seeded at ``source_url``."""
    from config import normalise_database_url

    source_url, target_url = normalise_database_url(source_url), normalise_database_url(target_url)
    if _holds(target_url, n_responses * factor) and _schema_is_current(target_url):
        return target_url  # tables added since it was grown are made and counted by ``_schema_is_current``
    ensure_seeded(n_responses, source_url)
    started = time.perf_counter()
    _copy_database(source_url, target_url)
    _replicate(target_url, n_responses, factor)
    print(f"  grown to {n_responses * factor:,} responses in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return target_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-url", required=True, help="PostgreSQL database seeded (or to seed) by bench.common")
    parser.add_argument("--to-url", required=True, help="the database to create (dropped first if it exists)")
    parser.add_argument("--responses", type=int, default=1_000_000, help="responses seeded in the source")
    parser.add_argument("--factor", type=int, default=10)
    args = parser.parse_args()
    print(grow(args.from_url, args.to_url, args.responses, args.factor))


if __name__ == "__main__":
    main()
