"""Benchmark: the office-wide quarterly management-review PDF at 1,000,000 stored responses (target < 10 s).

    .venv/bin/python bench/report.py                       # 1,000,000 responses, SQLite (cached in /tmp)
    .venv/bin/python bench/report.py --database-url postgresql://postgres@127.0.0.1/test

The database is seeded (or reused) by ``bench.common`` in a child process. Figures printed:
- ``report PDF, cold``: the first report of the process, including kaleido's start of its bundled Chromium;
- ``report PDF, warm``: median of ``--repeat`` further runs, and each step of the last run (indicators,
  quarterly trend, comments, charts, HTML, PDF). Besides wall time, the CPU time of this process (SQLite
  and WeasyPrint run in it; kaleido's browser does not) — on a shared machine it shows the work itself;
- baselines measured in the same run: ``compute_indicators`` alone (the numbers any report needs), and
  the PDF of a quarter with no answers (the fixed cost of charts-free rendering); the ratios against both.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import make_app, timed  # noqa: E402
from bench.indicators import seed_in_child  # noqa: E402

TARGET_SECONDS = 10.0
EMPTY_QUARTER = "2024-Q1"


class StepTimer:
    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []

    def __call__(self, step: str) -> None:
        self.marks.append((step, time.perf_counter()))

    def durations(self, end: float) -> list[tuple[str, float]]:
        times = [t for _, t in self.marks] + [end]
        return [(step, times[i + 1] - times[i]) for i, (step, _) in enumerate(self.marks)]


def run(n_responses: int, database_url: str | None, period: str, repeat: int) -> None:
    app = make_app(seed_in_child(n_responses, database_url))
    with app.app_context():
        from analytics.service import compute_indicators
        from report.services import management_report

        def pdf(period_text: str = period, progress=lambda step: None) -> bytes:
            return management_report(period_text, None, "pdf", progress)

        started, started_cpu = time.perf_counter(), time.process_time()
        content = pdf()
        cold, cold_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        started_cpu = time.process_time()
        warm, timings = timed(pdf, repeat)
        warm_cpu = (time.process_time() - started_cpu) / repeat
        steps = StepTimer()
        pdf(progress=steps)
        breakdown = steps.durations(time.perf_counter())

        compute_indicators(period)
        indicators_time, _ = timed(lambda: compute_indicators(period), repeat)
        empty_time, _ = timed(lambda: pdf(EMPTY_QUARTER), repeat)

    print(f"responses stored:            {n_responses:,} ({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")
    print(f"report PDF {period}, cold:   {cold:.2f} s wall, {cold_cpu:.2f} s CPU of this process ({len(content) // 1024} KiB)")
    print(f"report PDF {period}, warm:   {warm:.2f} s wall median of {repeat} ({', '.join(f'{t:.2f}' for t in timings)}),"
          f" {warm_cpu:.2f} s CPU mean")
    print("  steps of one warm run:     " + ", ".join(f"{step} {seconds:.2f} s" for step, seconds in breakdown))
    print(f"baseline compute_indicators: {indicators_time:.2f} s   -> report / indicators = {warm / indicators_time:.1f}x")
    print(f"baseline empty-quarter PDF:  {empty_time:.2f} s   -> report / empty report = {warm / empty_time:.1f}x")
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{load:.1f}" for load in os.getloadavg())
          + f" on {os.cpu_count()} CPUs")
    verdict = "OK" if max(cold, warm) < TARGET_SECONDS else "TOO SLOW"
    print(f"target < {TARGET_SECONDS:.0f} s: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="default: a cached SQLite file under /tmp/opinia-bench")
    parser.add_argument("--period", default="2026-Q3")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run(args.responses, args.database_url, args.period, args.repeat)


if __name__ == "__main__":
    main()
