"""Benchmark: a department's dashboard and the office overview at 1,000,000 stored responses, cold and warm.

    .venv/bin/python bench/dashboard.py                       # 1,000,000 responses, SQLite (cached in /tmp)
    .venv/bin/python bench/dashboard.py --database-url postgresql://postgres@127.0.0.1/opinia_bench

The database is the shared benchmark office of ``bench.common`` (built once, reused by every benchmark).
Requests go through the whole app (Flask test client: routing, session, permission checks, template
rendering) with ``OPINIA_DASHBOARD_MAX_AGE_SECONDS=0``, for ``/dashboard/department/KM?period=2026-Q3`` as
its department head and ``/dashboard/?period=2026-Q3`` as the quality manager. Printed, each as the best and
the median of its runs (the machine may be shared: the best is the least disturbed):

On PostgreSQL the tables the first page fills (``comment_facts``) are vacuumed and analysed before measuring
(``bench.common.settle``: what autovacuum does on a server; the test machine runs with it off).

- ``baseline staff page``: ``/admin/`` for the same user (login, session, a small template) — the floor;
- ``compute_indicators``: the analytics call alone for the same scope and quarter (no page) — the baseline
  of the 5x target, measured in turns with ``cold`` (one call, one cold page, ...) so that a shared machine's
  slow moments fall on both; the ratio is printed as median / median, best / best and the median of the
  turns' own ratios;
- ``cold``: the page right after every dashboard cache was emptied (every figure, table, chart, the first
  comments page and the signals' control charts recomputed) — the number the 0.3 s target applies to;
- ``cold, signals' charts kept``: the same with only the dashboards' cache emptied — the signals section's
  office-wide control charts (their own cache) stay built: how much of ``cold`` they are;
- ``after a new answer``: a resident's answer stored now (at a counter of the department), then the page — what
  a department head gets in a busy office with ``OPINIA_DASHBOARD_MAX_AGE_SECONDS=0``: whatever the new answer
  falls into is recomputed (for 2026-Q3: the signals' running week and the stored signals' check), the rest
  comes from caches whose time window it does not touch; the answers are deleted again at the end;
- ``after an answer dated in 2026-Q3``: the same with the answer inside the page's period (a form typed in
  late): the period's figures, comments and themes are recomputed too — close to ``cold``;
- ``warm``: the page again with nothing new in its window (every request still checks the database for new
  answers and set-up changes);
- the ratios cold / ``compute_indicators`` and warm / baseline page, and PASS/FAIL against the targets.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import ensure_seeded, make_app, settle, timed  # noqa: E402

TARGET_SECONDS = 0.3
TARGET_RATIO = 5.0
PERIOD = "2026-Q3"
IN_PERIOD = datetime(2026, 9, 15, 8, 30, tzinfo=timezone.utc)  # a late paper form, say: inside the period
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


def _figures(timings: list[float]) -> str:
    return f"best {min(timings) * 1000:7.1f} ms, median {statistics.median(timings) * 1000:7.1f} ms"


def empty_every_cache() -> None:
    """The dashboards' cache and any other built on it (the signals' control charts): all rebuilt, as after a
    new answer with ``OPINIA_DASHBOARD_MAX_AGE_SECONDS=0``."""
    from flask import current_app

    from dashboard.cache import DashboardCache, app_cache

    app_cache().clear()
    for extension in current_app.extensions.values():
        if isinstance(extension, DashboardCache):
            extension.clear()


def add_answer(app, submitted_at=None) -> int:
    """One web response at a KM counter, submitted now or at ``submitted_at`` (the count triggers keep the count
    tables in step)."""
    import sqlalchemy as sa

    from extensions import db
    from survey.models import Answer, Question, Response, ServicePoint, utcnow

    with app.app_context():
        point = db.session.scalar(sa.select(ServicePoint).where(ServicePoint.code == f"{DEPARTMENT}-1"))
        version = point.survey.current_version
        question = db.session.scalar(sa.select(Question).where(Question.version_id == version.id,
                                                               Question.code == "satisfaction"))
        response = Response(service_point_id=point.id, survey_version_id=version.id, channel="web",
                            submitted_at=submitted_at or utcnow())
        response.answers.append(Answer(question_id=question.id, value_int=4))
        db.session.add(response)
        db.session.commit()
        return response.id


def delete_answers(app, response_ids: list[int]) -> None:
    import sqlalchemy as sa

    from extensions import db
    from survey.models import Answer, Response

    with app.app_context():
        db.session.execute(sa.delete(Answer).where(Answer.response_id.in_(response_ids)))
        db.session.execute(sa.delete(Response).where(Response.id.in_(response_ids)))
        db.session.commit()


def measure(app, email: str, page_url: str, department: str | None, repeat: int, cold_repeat: int) -> dict:
    from analytics.service import compute_indicators
    from dashboard.cache import app_cache

    client = logged_in_client(app, email)

    def cold() -> None:
        with app.app_context():
            empty_every_cache()
        get_ok(client, page_url)

    def cold_but_signals() -> None:
        with app.app_context():
            app_cache().clear()
        get_ok(client, page_url)

    def indicators_alone() -> None:
        with app.app_context():
            compute_indicators(PERIOD, department)

    indicators_alone()
    cold()
    settle(app)  # the first page filled comment_facts: autovacuum's part, off on the test machine
    indicators, cold_all = [], []
    for _ in range(cold_repeat):  # in turns, so that both see the same moments of a shared machine
        _, (seconds,) = timed(indicators_alone, 1)
        indicators.append(seconds)
        _, (seconds,) = timed(cold, 1)
        cold_all.append(seconds)
    _, cold_but_signals_all = timed(cold_but_signals, cold_repeat)
    size = get_ok(client, page_url)
    added: list[int] = []
    after_answer_all, in_period_all = [], []
    for timings, moment in ((after_answer_all, None), (in_period_all, IN_PERIOD)):
        for _ in range(cold_repeat):
            added.append(add_answer(app, moment))
            _, (seconds,) = timed(lambda: get_ok(client, page_url), 1)
            timings.append(seconds)
    delete_answers(app, added)
    get_ok(client, page_url)
    _, warm_all = timed(lambda: get_ok(client, page_url), repeat)
    return {"indicators": indicators, "cold": cold_all, "cold_but_signals": cold_but_signals_all, "warm": warm_all,
            "after_answer": after_answer_all, "in_period": in_period_all, "size": size}


def report(name: str, page_url: str, figures: dict, baseline: float) -> bool:
    cold, indicators = statistics.median(figures["cold"]), statistics.median(figures["indicators"])
    ratio = cold / indicators
    best_ratio = min(figures["cold"]) / min(figures["indicators"])
    turn_ratio = statistics.median(page / alone for page, alone in zip(figures["cold"], figures["indicators"]))
    print(f"{name}: {page_url} ({figures['size'] / 1024:.0f} KiB of HTML)")
    print(f"  compute_indicators alone:       {_figures(figures['indicators'])}")
    print(f"  dashboard cold (cache emptied): {_figures(figures['cold'])}")
    print(f"  cold, signals' charts kept:     {_figures(figures['cold_but_signals'])}   (the office's control charts "
          f"of the signals section are an own cache)")
    after = statistics.median(figures["after_answer"])
    print(f"  after a new answer (max age 0): {_figures(figures['after_answer'])}   ({after / indicators:.1f}x "
          f"compute_indicators; {'under' if after < TARGET_SECONDS else 'over'} {TARGET_SECONDS} s)")
    in_period = statistics.median(figures["in_period"])
    print(f"  after an answer dated in {PERIOD}: {_figures(figures['in_period'])}   ({in_period / indicators:.1f}x "
          f"compute_indicators; {'under' if in_period < TARGET_SECONDS else 'over'} {TARGET_SECONDS} s)")
    print(f"  dashboard warm:                 {_figures(figures['warm'])}")
    print(f"  cold / compute_indicators: {ratio:.1f}x (best/best {best_ratio:.1f}x; median of the turns' ratios "
          f"{turn_ratio:.1f}x; target <= {TARGET_RATIO:.0f}x); "
          f"warm / baseline page {statistics.median(figures['warm']) / baseline:.1f}x")
    met = cold < TARGET_SECONDS and ratio <= TARGET_RATIO
    print(f"  {'PASS' if met else 'FAIL'}: cold median {cold:.3f} s (best {min(figures['cold']):.3f} s) against "
          f"{TARGET_SECONDS} s and {ratio:.1f}x against {TARGET_RATIO:.0f}x")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cold-repeat", type=int, default=11)
    args = parser.parse_args()

    started = time.perf_counter()
    url = ensure_seeded(args.responses, args.database_url)
    print(f"database ready in {time.perf_counter() - started:.1f} s: {url} ({args.responses:,} responses)")
    app = make_app(url)
    app.config.update(OPINIA_DASHBOARD_MAX_AGE_SECONDS=0, RATELIMIT_ENABLED=False)
    ensure_users(app)
    head = logged_in_client(app, HEAD_EMAIL)
    get_ok(head, "/admin/")
    _, baseline_all = timed(lambda: get_ok(head, "/admin/"), args.repeat)
    baseline = statistics.median(baseline_all)
    department = measure(app, HEAD_EMAIL, f"/dashboard/department/{DEPARTMENT}?period={PERIOD}", DEPARTMENT,
                         args.repeat, args.cold_repeat)
    office = measure(app, MANAGER_EMAIL, f"/dashboard/?period={PERIOD}", None, args.repeat, args.cold_repeat)
    print(f"baseline staff page (/admin/):   {_figures(baseline_all)}")
    report(f"department {DEPARTMENT} dashboard", f"/dashboard/department/{DEPARTMENT}?period={PERIOD}", department, baseline)
    report("office overview", f"/dashboard/?period={PERIOD}", office, baseline)


if __name__ == "__main__":
    main()
