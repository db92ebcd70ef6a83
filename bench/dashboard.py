"""Benchmark: a department's dashboard page at 1,000,000 stored responses, warm and cold, same run baselines.

    .venv/bin/python bench/dashboard.py                       # 1,000,000 responses, SQLite (cached in /tmp)
    .venv/bin/python bench/dashboard.py --database-url postgresql://postgres@127.0.0.1/opinia_bench

The database is the shared benchmark office of ``bench.common`` (built once, reused by every benchmark).
Requests go through the whole app as a logged-in department head (Flask test client: routing, session,
permission checks, template rendering), for ``/dashboard/department/KM?period=2026-Q3``. Printed:

- ``baseline staff page``: ``/admin/`` for the same user (login, session, a small template) — the floor;
- ``compute_indicators``: the analytics call alone for the department and quarter (no page);
- ``dashboard cold``: the page right after the dashboard cache was emptied (every figure recomputed);
- ``dashboard warm``: the page again, nothing new in its window — the number the target applies to
  (every request still checks the database for new answers and set-up changes);
- the office overview (``/dashboard/`` as the quality manager), cold and warm;
- ratios against the baseline, and PASS/FAIL against the 0.5 s target.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import ensure_seeded, make_app, timed  # noqa: E402

TARGET_SECONDS = 0.5
PERIOD = "2026-Q3"
DEPARTMENT = "KM"
HEAD_EMAIL = "bench-head-km@starostwo.test"
MANAGER_EMAIL = "bench-quality@starostwo.test"
PASSWORD = "bench-password-123"


def ensure_users(app) -> None:
    import sqlalchemy as sa

    from extensions import db
    from survey.accounts import create_user
    from survey.models import User

    with app.app_context():
        for email, role, departments in ((HEAD_EMAIL, "department_head", (DEPARTMENT,)),
                                         (MANAGER_EMAIL, "quality_manager", ())):
            if db.session.scalar(sa.select(User).where(User.email == email)) is None:
                create_user(email, role, PASSWORD, departments)


def logged_in_client(app, email: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code in (302, 303), "bench login failed"
    return client


def get_ok(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cold-repeat", type=int, default=2)
    args = parser.parse_args()

    started = time.perf_counter()
    url = ensure_seeded(args.responses, args.database_url)
    print(f"database ready in {time.perf_counter() - started:.1f} s: {url} ({args.responses:,} responses)")
    app = make_app(url)
    app.config.update(OPINIA_DASHBOARD_MAX_AGE_SECONDS=0, RATELIMIT_ENABLED=False)
    ensure_users(app)
    client = logged_in_client(app, HEAD_EMAIL)
    page_url = f"/dashboard/department/{DEPARTMENT}?period={PERIOD}"

    from analytics.service import compute_indicators
    from dashboard.cache import app_cache

    get_ok(client, "/admin/")
    baseline, _ = timed(lambda: get_ok(client, "/admin/"), args.repeat)
    with app.app_context():
        compute_indicators(PERIOD, DEPARTMENT)
        indicators, _ = timed(lambda: compute_indicators(PERIOD, DEPARTMENT), args.cold_repeat)

    def cold(some_client, url) -> None:
        with app.app_context():
            app_cache().clear()
        get_ok(some_client, url)

    cold_time, cold_all = timed(lambda: cold(client, page_url), args.cold_repeat)
    size = get_ok(client, page_url)
    warm, warm_all = timed(lambda: get_ok(client, page_url), args.repeat)

    manager = logged_in_client(app, MANAGER_EMAIL)
    office_url = f"/dashboard/?period={PERIOD}"
    office_cold, _ = timed(lambda: cold(manager, office_url), args.cold_repeat)
    get_ok(manager, office_url)
    office_warm, _ = timed(lambda: get_ok(manager, office_url), args.repeat)

    print(f"page: {page_url} ({size / 1024:.0f} KiB of HTML)")
    print(f"baseline staff page (/admin/):  {baseline * 1000:8.1f} ms (median of {args.repeat})")
    print(f"compute_indicators KM {PERIOD}:  {indicators * 1000:8.1f} ms (median of {args.cold_repeat})")
    print(f"dashboard cold (cache emptied): {cold_time * 1000:8.1f} ms (median of {args.cold_repeat}: "
          + ", ".join(f"{t * 1000:.0f}" for t in cold_all) + ")")
    print(f"dashboard warm:                 {warm * 1000:8.1f} ms (median of {args.repeat}: "
          + ", ".join(f"{t * 1000:.0f}" for t in warm_all) + ")")
    print(f"office overview {office_url}: cold {office_cold * 1000:.1f} ms, warm {office_warm * 1000:.1f} ms (medians)")
    print(f"ratio warm / baseline page: {warm / baseline:.2f}x; cold / warm: {cold_time / warm:.0f}x")
    verdict = "PASS" if warm < TARGET_SECONDS else "FAIL"
    print(f"{verdict}: warm dashboard {warm:.3f} s against the {TARGET_SECONDS} s target")


if __name__ == "__main__":
    main()
