"""Benchmark: a year of visit-level queue data (~500,000 visits), or ~20 MB of hourly counts, through ``import-served``.

    .venv/bin/python bench/served_import.py [--format visits|hourly] [--visits 500000] [--hourly-lines 700000]
                                            [--counters 40] [--database-url URL]

The CSV (``visit_id,service_point,entered_at,called_at,ended_at,outcome``, local times with offsets, 2025-10-01
to 2026-09-30 on weekdays 07:30-15:30, ~4 % never called, ~1 % no-show) or the hourly one
(``date,hour,service_point,served,average_wait_minutes,average_service_minutes,utc_offset``: every counter's
weekday opening hours 07-15 going back from 2026-09-30, ~5 % without waits; 700,000 lines are ~20 MB, the
upload page's limit) is generated once and cached in
``$OPINIA_BENCH_DIR`` (default ``/tmp/opinia-bench``). Each measurement runs in a fresh process so its peak
memory (``ru_maxrss``) is its own:

- baseline ``parse``: ``csv.reader`` over the file plus ``datetime.fromisoformat`` of its three timestamps
  (hourly: ``date.fromisoformat`` of its date) — the least any checking import in Python has to do;
- baseline ``app``: the same process start (Flask app, models, pandas) without reading the file;
- ``import``: ``served.services.import_served`` into an empty database (check, aggregate to counter-hours,
  fill quiet opening hours, store, commit), then the same file again (every hour replaced).

Wall and CPU time are both printed: on a shared machine the wall time includes waiting for the cores.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import BENCH_DIR, TIMEZONE  # noqa: E402

FIRST_DAY, LAST_DAY = "2025-10-01", "2026-09-30"
SEED = 17


def counter_codes(n: int) -> list[str]:
    return [f"Q{i:02d}" for i in range(1, n + 1)]


def generate(path: Path, visits: int, counters: int) -> None:
    """Visits spread over the year's weekday opening hours; waits grow with the morning rush."""
    import pandas as pd

    rng = np.random.default_rng(SEED)
    days = pd.bdate_range(FIRST_DAY, LAST_DAY, tz=TIMEZONE)
    day = rng.integers(0, len(days), visits)
    minutes = np.clip(rng.normal(150, 110, visits), 0, 479)  # after 07:30, busier in the morning
    entered = days[day] + pd.to_timedelta(7.5 * 60 + minutes, unit="min")
    wait = rng.exponential(6 + 10 * np.exp(-((minutes - 90) ** 2) / 8000), visits)
    called = entered + pd.to_timedelta(wait, unit="min")
    ended = called + pd.to_timedelta(rng.exponential(6, visits), unit="min")
    fate = rng.random(visits)

    def iso(moments) -> np.ndarray:
        text = pd.Series(moments.tz_convert(TIMEZONE).strftime("%Y-%m-%dT%H:%M:%S%z"))
        return (text.str[:-2] + ":" + text.str[-2:]).to_numpy()

    never = fate < 0.04
    frame = pd.DataFrame({
        "visit_id": [f"V{i:07d}" for i in range(visits)],
        "service_point": np.array(counter_codes(counters))[rng.integers(0, counters, visits)],
        "entered_at": iso(entered),
        "called_at": np.where(never, "", iso(called)),
        "ended_at": np.where(never | (fate > 0.99), "", iso(ended)),
        "outcome": np.select([never, fate > 0.99], ["walked_away", "no_show"], "served"),
    })
    frame.sort_values("entered_at").to_csv(path, index=False)


HOURLY_OPENING = range(7, 16)  # the hours of weekdays 07:30-15:30


def generate_hourly(path: Path, lines: int, counters: int) -> None:
    """Every counter's weekday opening hours, the latest ``lines`` of them up to LAST_DAY; waits with one decimal."""
    import pandas as pd

    rng = np.random.default_rng(SEED)
    per_day = counters * len(HOURLY_OPENING)
    days = pd.bdate_range(end=LAST_DAY, periods=-(-lines // per_day))
    day = np.repeat(days.strftime("%Y-%m-%d").to_numpy(), per_day)[-lines:]
    hour = np.tile(np.repeat(np.array(HOURLY_OPENING), counters), len(days))[-lines:]
    codes = np.tile(np.array(counter_codes(counters)), len(days) * len(HOURLY_OPENING))[-lines:]
    peak = np.exp(-((hour - 9) ** 2) / 8)
    served = rng.poisson(4 + 10 * peak)
    wait = np.round(rng.exponential(5 + 10 * peak), 1)
    untimed = rng.random(lines) < 0.05
    frame = pd.DataFrame({
        "date": day, "hour": hour, "service_point": codes, "served": served,
        "average_wait_minutes": np.where(untimed, "", wait.astype(str)),
        "average_service_minutes": np.where(untimed, "", np.round(rng.exponential(6, lines), 1).astype(str)),
        "utc_offset": "",
    })
    frame.to_csv(path, index=False)


def cached_file(file_format: str, size: int, counters: int) -> Path:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"served-{file_format}-{size}-{counters}.csv"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        partial = path.with_suffix(".partial")
        (generate if file_format == "visits" else generate_hourly)(partial, size, counters)
        partial.rename(path)
    return path


# ---- measurements (each in its own process) --------------------------------------------------------------

def measure_parse(path: Path, file_format: str) -> dict:
    import csv
    from datetime import date, datetime

    started, cpu = time.perf_counter(), time.process_time()
    rows = 0
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        next(reader)
        for fields in reader:
            if file_format == "hourly":
                date.fromisoformat(fields[0])
            else:
                for value in fields[2:5]:
                    if value:
                        datetime.fromisoformat(value)
            rows += 1
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "rows": rows}


def _app(database_url: str, counters: int):
    from app import create_app
    from extensions import db
    from survey.models import Department, ServicePoint

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "OPINIA_TIMEZONE": TIMEZONE})
    with app.app_context():
        db.drop_all()
        db.create_all()
        department = Department(code="Q", name="Kolejka")
        db.session.add_all([ServicePoint(code=code, name=code, department=department) for code in counter_codes(counters)])
        db.session.commit()
    return app


def measure_app(database_url: str, counters: int) -> dict:
    started = time.perf_counter()
    _app(database_url, counters)
    return {"seconds": time.perf_counter() - started}


def measure_import(path: Path, database_url: str, counters: int, file_format: str) -> dict:
    from served.services import import_served

    app = _app(database_url, counters)
    result = {}
    with app.app_context():
        for label in ("first", "again"):
            started, cpu = time.perf_counter(), time.process_time()
            with open(path, "rb") as file:
                summary = import_served(file, file_format, file_name=path.name)
            result[label] = time.perf_counter() - started
            result[f"{label}_cpu"] = time.process_time() - cpu
            result["hours"], result["served"], result["walked_away"] = summary.hours, summary.served, summary.walked_away
            result["lines"] = summary.lines
    return result


def run_child(kind: str, path: Path, database_url: str, counters: int, file_format: str) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--file", str(path), "--database-url", database_url,
               "--counters", str(counters), "--format", file_format]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=PROJECT_ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def peak_rss_mib() -> float:
    """This process's own peak resident memory (VmHWM starts afresh at exec; ru_maxrss would carry the
    parent's peak, which generated the file, over to the child)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(kind: str, path: Path, database_url: str, counters: int, file_format: str) -> None:
    result = {"parse": lambda: measure_parse(path, file_format), "app": lambda: measure_app(database_url, counters),
              "import": lambda: measure_import(path, database_url, counters, file_format)}[kind]()
    print(json.dumps({**result, "peak_mib": peak_rss_mib()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=["visits", "hourly"], default="visits")
    parser.add_argument("--visits", type=int, default=500_000)
    parser.add_argument("--hourly-lines", type=int, default=700_000)
    parser.add_argument("--counters", type=int, default=40)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--child", choices=["parse", "app", "import"])
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.file), args.database_url, args.counters, args.format)
        return
    size = args.visits if args.format == "visits" else args.hourly_lines
    path = cached_file(args.format, size, args.counters)
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{tmp}/served-bench.db"
        size_mib = os.path.getsize(path) / 2**20
        unit = "visits" if args.format == "visits" else "hourly lines"
        print(f"file      {path.name}: {size:,} {unit}, {args.counters} counters, {size_mib:.1f} MiB")
        parse = run_child("parse", path, database_url, args.counters, args.format)
        app = run_child("app", path, database_url, args.counters, args.format)
        imported = run_child("import", path, database_url, args.counters, args.format)
    print(f"baseline  csv.reader + fromisoformat only     {parse['seconds']:7.2f} s   (CPU {parse['cpu']:6.2f} s)"
          f"   peak {parse['peak_mib']:6.0f} MiB")
    print(f"baseline  app start, schema, 40 counters      {app['seconds']:7.2f} s   peak {app['peak_mib']:6.0f} MiB")
    walked = "" if imported["walked_away"] is None else f", {imported['walked_away']:,} walked away"
    print(f"import    {args.format} -> {imported['hours']:,} counter-hours ({imported['served']:,} served{walked})")
    print(f"import    first time                          {imported['first']:7.2f} s   (CPU {imported['first_cpu']:6.2f} s,"
          f" {imported['first_cpu'] / parse['cpu']:.2f}x the parse baseline's CPU, "
          f"{imported['lines'] / imported['first']:,.0f} lines/s)")
    print(f"import    same file again (hours replaced)    {imported['again']:7.2f} s   (CPU {imported['again_cpu']:6.2f} s)")
    print(f"memory    peak of the import process          {imported['peak_mib']:7.0f} MiB "
          f"(+{imported['peak_mib'] - app['peak_mib']:.0f} MiB over the app baseline)")


if __name__ == "__main__":
    main()
