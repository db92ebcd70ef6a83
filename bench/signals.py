"""Benchmark: the signals of the whole office at 1,000,000 stored responses, against ``compute_indicators``.

    .venv/bin/python bench/signals.py                        # 1,000,000 responses, SQLite (cached in /tmp)
    .venv/bin/python bench/signals.py --responses 200000     # a smaller office
    .venv/bin/python bench/signals.py --database-url postgresql://postgres@127.0.0.1/opinia_bench

The office is the shared benchmark database of ``bench.common`` (a year of answers, 2025-10-01 to
2026-09-30); on SQLite the benchmark works on a private copy of it, because it adds the signals' tables.
"Now" is set to the last afternoon of the data, so bursts scan two real days of raw answers. Printed:

- ``compute_indicators``: the whole office for the quarter 2026-Q3 (the baseline, measured in this run);
- ``signals of the office``: every control chart (office, departments, counters × CSAT and "yes" share,
  from the first answer on), the rules, assurance, objectives at risk, bursts and suspicious bursts;
- ``refresh``: the same plus bringing the stored signals in step (what ``send-alerts`` does each run);
- the ratio signals / compute_indicators (target: within 3×);
- a department's dashboard cold (every cache emptied, signals recomputed) and warm, with the new section,
  against the same page's cold time without the signals' work (the office state already computed).
"""
from __future__ import annotations

import argparse
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import BENCH_DIR, ensure_seeded, make_app, timed  # noqa: E402
from bench.dashboard import HEAD_EMAIL, ensure_users, logged_in_client  # noqa: E402

NOW = datetime(2026, 9, 30, 14, 0, tzinfo=timezone.utc)
PERIOD = "2026-Q3"
TARGET_RATIO = 3.0


def private_copy(url: str, n_responses: int) -> str:
    """A copy of the shared SQLite benchmark file (this benchmark adds tables); PostgreSQL URLs as they are."""
    if not url.startswith("sqlite:///"):
        return url
    source = Path(url.removeprefix("sqlite:///"))
    target = BENCH_DIR / f"signals-work-{n_responses}.db"
    if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
        shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def prepare(app) -> None:
    import sqlalchemy as sa

    from extensions import db
    from signals.models import Signal, SignalNotification

    with app.app_context():
        db.create_all()  # only the signals' tables are missing
        db.session.execute(sa.delete(SignalNotification))
        db.session.execute(sa.delete(Signal))
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    url = private_copy(ensure_seeded(args.responses, args.database_url), args.responses)
    app = make_app(url)
    app.config.update(OPINIA_DASHBOARD_MAX_AGE_SECONDS=0)
    prepare(app)
    ensure_users(app)

    from analytics.service import compute_indicators
    from signals.services import compute_office_state, forget_computed_signals, refresh_signals

    with app.test_request_context():
        compute_indicators(PERIOD)
        indicators, indicator_runs = timed(lambda: compute_indicators(PERIOD), args.repeat)
        state = compute_office_state(NOW)
        signals, signal_runs = timed(lambda: compute_office_state(NOW), args.repeat)
        refresh, _ = timed(lambda: refresh_signals(NOW), args.repeat)
        points = sum(len(chart.points) for chart in state.charts)

    client = logged_in_client(app, HEAD_EMAIL)
    page = f"/dashboard/department/KM?period={PERIOD}"

    def cold_page() -> None:
        with app.app_context():
            forget_computed_signals()
        assert client.get(page).status_code == 200

    def cold_dashboard_only() -> None:
        with app.app_context():
            from dashboard.cache import app_cache

            app_cache().clear()
        assert client.get(page).status_code == 200

    client.get(page)
    cold, cold_runs = timed(cold_page, args.repeat)
    without_signals, _ = timed(cold_dashboard_only, args.repeat)
    warm, _ = timed(lambda: client.get(page), args.repeat)

    ms = lambda seconds: f"{seconds * 1000:8.1f} ms"  # noqa: E731
    print(f"database: {url} ({args.responses:,} responses); 'now' = {NOW.isoformat()}")
    print(f"compute_indicators office {PERIOD}:  {ms(indicators)} (median of {args.repeat}: "
          + ", ".join(f"{t * 1000:.0f}" for t in indicator_runs) + ")")
    print(f"signals of the office:           {ms(signals)} (median of {args.repeat}: "
          + ", ".join(f"{t * 1000:.0f}" for t in signal_runs) + f"); {len(state.charts)} charts, {points} points, "
          f"{len(state.findings)} findings")
    print(f"refresh (signals + stored):      {ms(refresh)}")
    ratio = signals / indicators
    print(f"ratio signals / compute_indicators: {ratio:.2f}x "
          + ("PASS" if ratio <= TARGET_RATIO else "FAIL") + f" (target within {TARGET_RATIO:.0f}x)")
    print(f"dashboard {page}: cold with signals {ms(cold)} (" + ", ".join(f"{t * 1000:.0f}" for t in cold_runs)
          + f"), cold with the office's charts already computed {ms(without_signals)}, warm {ms(warm)}")


if __name__ == "__main__":
    main()
