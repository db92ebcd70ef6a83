"""Shared benchmark helpers: a demo office with N responses, seeded fast and cached between runs.

``seeded_app(n_responses, database_url=None)`` returns a Flask app whose database holds the demo office,
the demo survey (with its quality objectives) and exactly ``n_responses`` generated responses spread over
``DATA_START``..``DATA_END`` (2025-Q4 to 2026-Q3 in the office's zone, workdays in office hours), with the
same answer model as ``survey.demo`` but drawn with numpy and written with raw bulk inserts (SQLite
``executemany`` / PostgreSQL ``COPY``). Without ``database_url`` a SQLite file
``$OPINIA_BENCH_DIR/opinia-bench-<n>.db`` (default ``/tmp/opinia-bench``) is built once and reused; with a
PostgreSQL URL the database is (re)seeded only when it does not hold exactly that data.

Seed from the command line (useful to keep the seeding out of a benchmark's memory figures):
``python -m bench.common --responses 1000000 [--database-url URL]``.
"""
from __future__ import annotations

import argparse
import fcntl
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

BENCH_DIR = Path(os.environ.get("OPINIA_BENCH_DIR", "/tmp/opinia-bench"))
TIMEZONE = "Europe/Warsaw"
DATA_START = date(2025, 10, 1)  # local days, first included
DATA_END = date(2026, 10, 1)  # first day not included
SEED_VERSION = 6  # bump when the generated data or the count triggers change, so cached databases are rebuilt
CHUNK = 200_000
WAIT_CHOICES = ("lt5", "5to15", "15to30", "gt30")


def bench_config(database_url: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": False,
        "OPINIA_TIMEZONE": TIMEZONE,
    }


def make_app(database_url: str):
    from app import create_app
    from config import normalise_database_url

    return create_app(bench_config(normalise_database_url(database_url)))


def sqlite_path(n_responses: int) -> Path:
    return BENCH_DIR / f"opinia-bench-{n_responses}-v{SEED_VERSION}.db"


# ---- generated data --------------------------------------------------------------------------------------


def _workday_bases(tz: ZoneInfo) -> np.ndarray:
    """For each workday: the UTC epoch second of local 07:30 that day."""
    bases = []
    day = DATA_START
    while day < DATA_END:
        if day.weekday() < 5:
            local = datetime(day.year, day.month, day.day, 7, 30, tzinfo=tz)
            bases.append(int(local.timestamp()))
        day += timedelta(days=1)
    return np.array(bases, dtype=np.int64)


def _wait_cumulative() -> np.ndarray:
    """Cumulative probabilities of the waiting-time options for satisfaction 1..5 (as in survey.demo)."""
    rows = []
    for satisfaction in range(1, 6):
        weights = np.array([
            max(0.05, 0.25 + 0.1 * (satisfaction - 3)), 0.35, 0.2, max(0.05, 0.2 - 0.08 * (satisfaction - 3)),
        ])
        rows.append(np.cumsum(weights / weights.sum()))
    return np.array(rows)


def generate_chunk(rng: np.random.Generator, size: int, counter_quality: np.ndarray, bases: np.ndarray) -> dict[str, np.ndarray]:
    """Columns of ``size`` responses: counter index, UTC epoch seconds, and each question's answer (-1 = none)."""
    counter = rng.integers(0, len(counter_quality), size)
    minutes = np.clip(rng.normal(180, 120, size), 0, 479).astype(np.int64)
    epoch = bases[rng.integers(0, len(bases), size)] + minutes * 60
    satisfaction = np.clip(np.rint(rng.normal(4.1 + counter_quality[counter], 1.0)), 1, 5).astype(np.int64)
    recommend = np.clip(np.rint(rng.normal(satisfaction * 2 - 0.5, 1.5)), 0, 10).astype(np.int64)
    recommend[rng.random(size) >= 0.9] = -1
    settled = (rng.random(size) < 0.55 + 0.09 * satisfaction).astype(np.int64)
    settled[rng.random(size) >= 0.95] = -1
    cumulative = _wait_cumulative()[satisfaction - 1]
    waiting = (rng.random(size)[:, None] > cumulative).sum(axis=1)
    waiting[rng.random(size) >= 0.9] = -1
    comment = np.where(rng.random(size) < 0.15, rng.integers(0, 1000, size), -1)
    return {
        "counter": counter, "epoch": epoch, "satisfaction": satisfaction, "recommend": recommend,
        "settled": settled, "waiting_time": np.minimum(waiting, 3) if len(waiting) else waiting, "comment": comment,
        "kiosk": rng.random(size) < 0.1, "english": rng.random(size) < 0.03,
    }


def _timestamps(epoch: np.ndarray, postgres: bool) -> list[str]:
    text = np.datetime_as_string(epoch.astype("datetime64[s]").astype("datetime64[us]"), unit="us")
    text = np.char.replace(text, "T", " ")
    return [t + "+00" for t in text.tolist()] if postgres else text.tolist()


def _comment_text(satisfaction: int, pick: int) -> str:
    from survey.demo import BAD_COMMENTS, GOOD_COMMENTS

    pool = GOOD_COMMENTS if satisfaction >= 4 else BAD_COMMENTS
    return pool[pick % len(pool)]


def chunk_rows(columns: dict[str, np.ndarray], first_id: int, first_key: int, counters: list[int], version_id: int,
               question_ids: dict[str, int], postgres: bool) -> tuple[list[tuple], list[tuple]]:
    """Response and answer tuples for bulk insertion."""
    size = len(columns["counter"])
    ids = np.arange(first_id, first_id + size)
    stamps = _timestamps(columns["epoch"], postgres)
    counter_ids = np.array(counters)[columns["counter"]].tolist()
    languages = np.where(columns["english"], "en", "pl").tolist()
    channels = np.where(columns["kiosk"], "kiosk", "web").tolist()
    responses = [
        (rid, cid, version_id, stamp, lang, channel, f"bench-{first_key + i}")
        for i, (rid, cid, stamp, lang, channel) in enumerate(zip(ids.tolist(), counter_ids, stamps, languages, channels))
    ]
    answers: list[tuple] = []
    id_list = ids.tolist()
    for code in ("satisfaction", "recommend", "settled"):
        values = columns[code]
        answered = values >= 0
        qid = question_ids[code]
        answers.extend(zip(ids[answered].tolist(), [qid] * int(answered.sum()), values[answered].tolist(), [None] * int(answered.sum())))
    waiting = columns["waiting_time"]
    answered = waiting >= 0
    answers.extend(
        (rid, question_ids["waiting_time"], None, WAIT_CHOICES[w])
        for rid, w in zip(ids[answered].tolist(), waiting[answered].tolist())
    )
    commented = np.nonzero(columns["comment"] >= 0)[0]
    answers.extend(
        (id_list[i], question_ids["comment"], None, _comment_text(int(columns["satisfaction"][i]), int(columns["comment"][i])))
        for i in commented.tolist()
    )
    return responses, answers


def generate_rows(n_responses: int, counters: list[tuple[int, str]], version_id: int, question_ids: dict[str, int],
                  postgres: bool) -> Iterator[tuple[list[tuple], list[tuple]]]:
    from survey.demo import COUNTER_QUALITY

    quality = np.array([COUNTER_QUALITY.get(code, 0.0) for _id, code in counters])
    bases = _workday_bases(ZoneInfo(TIMEZONE))
    counter_ids = [cid for cid, _code in counters]
    for offset in range(0, n_responses, CHUNK):
        size = min(CHUNK, n_responses - offset)
        rng = np.random.default_rng([20261125, offset])
        columns = generate_chunk(rng, size, quality, bases)
        yield chunk_rows(columns, offset + 1, offset, counter_ids, version_id, question_ids, postgres)


# ---- seeding ---------------------------------------------------------------------------------------------


def _prepare_office(app) -> tuple[list[tuple[int, str]], int, dict[str, int]]:
    from extensions import db
    from survey.demo import ensure_demo_survey, ensure_office_structure

    with app.app_context():
        db.create_all()
        counters = ensure_office_structure()
        version = ensure_demo_survey()
        for counter in counters.values():
            counter.survey_id = version.survey_id
        db.session.commit()
        return ([(c.id, c.code) for c in sorted(counters.values(), key=lambda c: c.code)], version.id,
                {q.code: q.id for q in version.questions})


RESPONSE_COLUMNS = "id, service_point_id, survey_version_id, submitted_at, language, channel, external_id"
ANSWER_COLUMNS = "response_id, question_id, value_int, value_text"


def _without_count_triggers(app) -> None:
    """Bulk loads skip the per-row triggers; ``_rebuild_counts`` recomputes the hourly counts once at the end."""
    from analytics.rollup import drop_count_triggers
    from extensions import db

    with app.app_context(), db.engine.begin() as connection:
        drop_count_triggers(connection)


def _rebuild_counts(app) -> None:
    from analytics.rollup import create_count_triggers, rebuild_counts
    from extensions import db

    with app.app_context():
        with db.engine.begin() as connection:
            rebuild_counts(connection)
            create_count_triggers(connection)
        db.engine.dispose()


def _seed_sqlite(path: Path, n_responses: int, progress) -> None:
    app = make_app(f"sqlite:///{path}")
    counters, version_id, question_ids = _prepare_office(app)
    _without_count_triggers(app)
    with app.app_context():
        from extensions import db

        db.engine.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")
    for responses, answers in generate_rows(n_responses, counters, version_id, question_ids, postgres=False):
        connection.executemany(f"INSERT INTO responses ({RESPONSE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", responses)
        connection.executemany(f"INSERT INTO answers ({ANSWER_COLUMNS}) VALUES (?, ?, ?, ?)", answers)
        connection.commit()
        progress(len(responses))
    connection.close()
    _rebuild_counts(app)


def _seed_postgres(database_url: str, n_responses: int, progress) -> None:
    app = make_app(database_url)
    with app.app_context():
        from extensions import db

        db.drop_all()
    counters, version_id, question_ids = _prepare_office(app)
    _without_count_triggers(app)
    with app.app_context():
        from extensions import db

        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for responses, answers in generate_rows(n_responses, counters, version_id, question_ids, postgres=True):
                with cursor.copy(f"COPY responses ({RESPONSE_COLUMNS}) FROM STDIN") as copy:
                    for row in responses:
                        copy.write_row(row)
                with cursor.copy(f"COPY answers ({ANSWER_COLUMNS}) FROM STDIN") as copy:
                    for row in answers:
                        copy.write_row(row)
                raw.commit()
                progress(len(responses))
            cursor.execute("SELECT setval(pg_get_serial_sequence('responses', 'id'), (SELECT MAX(id) FROM responses))")
            raw.commit()
        finally:
            raw.close()
    _rebuild_counts(app)
    with app.app_context():
        from extensions import db

        with db.engine.connect() as connection:
            # What autovacuum does on a production server after a bulk load (statistics, and the visibility map
            # that index-only scans need); PostgreSQL on the test machine runs with autovacuum off.
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")


def _holds(database_url: str, n_responses: int) -> bool:
    import sqlalchemy as sa

    from config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as conn:
            count = conn.execute(sa.text("SELECT count(*) FROM responses WHERE external_id LIKE 'bench-%'")).scalar()
            total = conn.execute(sa.text("SELECT count(*) FROM responses")).scalar()
            return count == total == n_responses
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def _print_progress(total: int):
    done = 0
    started = time.perf_counter()

    def progress(count: int) -> None:
        nonlocal done
        done += count
        print(f"\r  seeded {done:,}/{total:,} responses in {time.perf_counter() - started:.0f} s", end="", file=sys.stderr)
        if done >= total:
            print(file=sys.stderr)

    return progress


def _schema_is_current(database_url: str) -> bool:
    """Whether every column of the models exists (a feature added since seeding may have added one); missing
    tables and indexes are created here (and their statistics gathered, as after seeding), since ``create_all``
    can add tables but not columns, nor indexes to a table that exists."""
    import sqlalchemy as sa

    from extensions import db

    app = make_app(database_url)
    with app.app_context():
        db.create_all()
        inspector = sa.inspect(db.engine)
        current = all(
            {column.name for column in table.columns} <= {c["name"] for c in inspector.get_columns(table.name)}
            for table in db.metadata.sorted_tables
        )
        if current:
            _create_missing_indexes(db.engine)
        db.engine.dispose()
    return current


def _create_missing_indexes(engine) -> None:
    """Every index of the models on this database (``checkfirst``; an index of another database is skipped by
    its ``ddl_if``), and ``ANALYZE`` of the tables that got one."""
    import sqlalchemy as sa

    from extensions import db

    def index_names() -> dict[str, set[str]]:
        inspector = sa.inspect(engine)
        return {table.name: {index["name"] for index in inspector.get_indexes(table.name)}
                for table in db.metadata.sorted_tables}

    before = index_names()
    with engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            for index in table.indexes:
                index.create(connection, checkfirst=True)
    for name, names in index_names().items():
        if names != before[name]:
            with engine.begin() as connection:
                connection.exec_driver_sql(f"ANALYZE {name}")


def settle(app) -> list[str]:
    """On PostgreSQL, ``VACUUM ANALYZE`` every table past autovacuum's default thresholds (50 + 10 % of its rows
    changed since the last analysis, or 1,000 + 20 % inserted since the last vacuum): what autovacuum does on a
    production server, off on the test machine. Tables filled by the app itself (``comment_facts``, matched
    comments) otherwise keep no statistics and no visibility map, and their index-only scans read the heap.
    Returns the tables it settled."""
    import sqlalchemy as sa

    from extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return []
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            names = list(connection.execute(sa.text(
                "SELECT relname FROM pg_stat_user_tables WHERE n_mod_since_analyze > 50 + 0.1 * n_live_tup "
                "OR n_ins_since_vacuum > 1000 + 0.2 * n_live_tup")).scalars())
            for name in names:
                connection.exec_driver_sql(f'VACUUM ANALYZE "{name}"')
        return names


def ensure_seeded(n_responses: int, database_url: str | None = None, quiet: bool = False) -> str:
    """Make sure the benchmark database holds the data for ``n_responses``; returns its URL."""
    progress = (lambda n: None) if quiet else _print_progress(n_responses)
    if database_url and not database_url.startswith("sqlite"):
        if not (_holds(database_url, n_responses) and _schema_is_current(database_url)):
            _seed_postgres(database_url, n_responses, progress)
        return database_url
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = sqlite_path(n_responses)
    with open(BENCH_DIR / f".lock-{n_responses}", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another benchmark may be building the same file
        if path.exists() and not _schema_is_current(f"sqlite:///{path}"):
            path.unlink()
        if not path.exists():
            building = path.with_suffix(f".building-{os.getpid()}")
            building.unlink(missing_ok=True)
            if not quiet:
                print(f"Building {path} (cached for later runs)", file=sys.stderr)
            _seed_sqlite(building, n_responses, progress)
            building.rename(path)
    return f"sqlite:///{path}"


def seeded_app(n_responses: int, database_url: str | None = None):
    """A Flask app on a database holding the demo office and ``n_responses`` generated responses."""
    return make_app(ensure_seeded(n_responses, database_url))


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function, repeat: int) -> tuple[float, list[float]]:
    """Median wall time of ``repeat`` calls (after the caller's own warm-up), and all timings."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return sorted(timings)[len(timings) // 2], timings


def main() -> None:
    parser = argparse.ArgumentParser(description="Seed (or reuse) a benchmark database.")
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    print(ensure_seeded(args.responses, args.database_url))


if __name__ == "__main__":
    main()
