"""Benchmark: how the indicators and the dashboards grow from 1,000,000 to 10,000,000 responses (PostgreSQL).

    .venv/bin/python -m bench.growth --small-url postgresql://postgres@127.0.0.1/opinia_bench_1m \\
        --large-url postgresql://postgres@127.0.0.1/opinia_bench_10m

The small database is seeded by ``bench.common`` (1,000,000 responses); the large one is grown from it
ten-fold by ``bench.grow`` (the same responses ten times, a second apart: the same counters, days and hours,
ten times the answers). Both are built when missing. For each database, as in ``bench/dashboard.py``: the
office-wide ``compute_indicators`` for 2026-Q3, the department KM's, and both dashboards cold (cache
emptied) and warm, best and median of ``--repeat`` runs; then the ratio 10M / 1M of each median. Since every
figure is read from count tables whose rows follow counters × days × values, the ratios should stay near
1x while the answers grow 10x; a ratio near 10x would mean the cost follows the answers.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import ensure_seeded, make_app  # noqa: E402
from bench.dashboard import DEPARTMENT, HEAD_EMAIL, MANAGER_EMAIL, PERIOD, ensure_users, measure  # noqa: E402
from bench.grow import grow  # noqa: E402

SMALL = 1_000_000
FACTOR = 10


def figures_of(url: str, repeat: int) -> dict[str, list[float]]:
    app = make_app(url)
    app.config.update(OPINIA_DASHBOARD_MAX_AGE_SECONDS=0, RATELIMIT_ENABLED=False)
    ensure_users(app)
    department = measure(app, HEAD_EMAIL, f"/dashboard/department/{DEPARTMENT}?period={PERIOD}", DEPARTMENT,
                         repeat, repeat)
    office = measure(app, MANAGER_EMAIL, f"/dashboard/?period={PERIOD}", None, repeat, repeat)
    return {
        "office-wide compute_indicators": office["indicators"],
        f"{DEPARTMENT} compute_indicators": department["indicators"],
        f"{DEPARTMENT} dashboard cold": department["cold"],
        f"{DEPARTMENT} dashboard warm": department["warm"],
        "office overview cold": office["cold"],
        "office overview warm": office["warm"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small-url", required=True, help="PostgreSQL database with 1,000,000 responses (seeded if not)")
    parser.add_argument("--large-url", required=True, help="PostgreSQL database grown ten-fold from it (built if not)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    small_url = ensure_seeded(SMALL, args.small_url)
    large_url = grow(small_url, args.large_url, SMALL, FACTOR)
    small, large = figures_of(small_url, args.repeat), figures_of(large_url, args.repeat)
    print(f"PostgreSQL, {PERIOD}; {SMALL:,} responses against {SMALL * FACTOR:,} (best / median of {args.repeat}; "
          f"the machine may be shared)")
    print(f"{'':34} {'1M best':>9} {'1M median':>10} {'10M best':>9} {'10M median':>11} {'10M/1M':>7}")
    for name, timings in small.items():
        ratio = statistics.median(large[name]) / statistics.median(timings)
        print(f"{name:34} {min(timings) * 1000:7.1f}ms {statistics.median(timings) * 1000:8.1f}ms "
              f"{min(large[name]) * 1000:7.1f}ms {statistics.median(large[name]) * 1000:9.1f}ms {ratio:6.2f}x")


if __name__ == "__main__":
    main()
