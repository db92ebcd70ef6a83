"""Residents answering while a large paper import runs: the survey must keep answering, nothing may be lost.

    .venv/bin/python bench/import_during_survey.py [--lines 200000] [--clients 2] [--backend sqlite|postgresql]

Prepares a fresh database (migrations, the demo office and survey), writes a paper CSV of ``--lines`` answer
lines (five answers per paper response), starts gunicorn as the README does (``gunicorn.conf.py``, its
default worker count) and lets ``--clients`` simulated residents answer the survey (form GET, answer POST,
a new phone each time) — first for a few seconds alone (the baseline of the same run), then while
``flask import-responses`` imports the file in another process. Printed: the import's wall time and peak
memory, and the residents' POST latency (p50 / p99 / max) and failures, alone and during the import.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.submit import (  # noqa: E402
    BENCH_ENV,
    OPINIA_APP,
    LoadResult,
    count_responses,
    drive_load,
    percentile,
    prepare_database,
    start_server,
    stop_server,
)

ANSWERS = (("satisfaction", "{r}"), ("recommend", "{n}"), ("settled", "tak"), ("waiting_time", "5to15"),
           ("comment", "Uwagi z formularza numer {i}"))
COUNTERS = ("KM-1", "KM-2", "KM-3", "AB-1", "GK-1")


def write_paper_csv(path: Path, lines: int) -> int:
    """``lines`` answer lines (plus the header) of valid paper responses in 2026-Q3; returns the responses."""
    responses = lines // len(ANSWERS)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("response_id,submitted_at,service_point,question,value\n")
        for i in range(responses):
            moment = f"2026-{7 + i % 3:02d}-{1 + i % 28:02d}T{8 + i % 7:02d}:{i % 60:02d}:00+02:00"
            for code, value in ANSWERS:
                text = value.format(r=1 + i % 5, n=i % 11, i=i)
                out.write(f"P-{i},{moment},{COUNTERS[i % len(COUNTERS)]},{code},{text}\n")
    return responses


def run_import(csv_path: Path, database_url: str) -> tuple[float, int, str]:
    """``flask import-responses`` in its own process: (wall seconds, peak RSS in MB, its output)."""
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": database_url}
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "import-responses", str(csv_path), "--survey", "obsluga-klienta"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return elapsed, peak_mb, (process.stdout + process.stderr).strip()


def describe(name: str, result: LoadResult) -> str:
    latencies = result.post_latencies
    return (f"{name:<16} answers {result.accepted:>5}  failed {result.refused + result.errors:>3}  POST latency "
            f"p50 {1000 * percentile(latencies, 0.5):7.1f} ms  p99 {1000 * percentile(latencies, 0.99):7.1f} ms  "
            f"max {1000 * max(latencies, default=float('nan')):7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--baseline-seconds", type=float, default=5)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()

    database = prepare_database(args.backend)
    with tempfile.TemporaryDirectory(prefix="opinia-import-bench-") as folder:
        csv_path = Path(folder) / "paper.csv"
        responses = write_paper_csv(csv_path, args.lines)
        server = start_server(OPINIA_APP, database.url, ready_path=f"/s/{database.tokens[0]}")
        try:
            alone = drive_load("submit", server.base_url, database.tokens, args.clients, args.baseline_seconds, warmup=0.5)
            stop, during = threading.Event(), []
            load = threading.Thread(target=lambda: during.append(
                drive_load("submit", server.base_url, database.tokens, args.clients, 3600, warmup=0, stop=stop)))
            load.start()
            elapsed, peak_mb, output = run_import(csv_path, database.url)
            stop.set()
            load.join()
        finally:
            stop_server(server)
        stored = count_responses(database.url)
    database.cleanup()
    (with_import,) = during
    print(f"{args.backend}: import of {args.lines:,} lines ({responses:,} paper responses) took {elapsed:.1f} s, "
          f"peak memory {peak_mb} MB")
    print(f"  importer said: {output.splitlines()[-1] if output else '(nothing)'}")
    print("  " + describe("survey alone", alone))
    print("  " + describe("during import", with_import))
    expected = responses + alone.accepted + with_import.accepted
    print(f"  responses stored {stored:,}, expected {expected:,} (imported + every thanked answer): "
          f"{'none lost' if stored == expected else 'MISMATCH'}")
    return 0 if stored == expected and not (with_import.refused or with_import.errors) else 1


if __name__ == "__main__":
    raise SystemExit(main())
