"""Benchmark: the themes of a quarter with 20,000 comments, cold and warm, against the plain comments query.

    .venv/bin/python bench/themes.py [--comments 20000] [--database-url URL]

The database (SQLite in ``$OPINIA_BENCH_DIR``, default ``/tmp/opinia-bench``, built once) holds the demo office
and ``--comments`` responses with a rating and a comment in 2026-Q3, and as many in 2026-Q2 (the previous period,
which the themes compare against). Comments are sentences of the hand-tagged fixture combined with varied
details, so nearly every text is different, as residents' are. Printed, all office-wide for 2026-Q3:

- ``comments page``: the dashboards' plain comments query (newest 20 with their ratings and the total) — baseline;
- ``all comments``: the SQL that fetches every comment of both quarters with its rating (the themes' input);
- ``themes first build``: ``compute_theme_summary`` with a freshly compiled codebook, empty word and text memories
  and no theme remembered in ``comment_matches`` (every comment lemmatised, as after a codebook edit);
- ``themes cold``: the same with the themes remembered in ``comment_matches`` (as after a restart: the usual
  cold dashboard, since comments are matched when stored);
- ``themes warm``: the same again (words and texts remembered by the process);
- ``themes cached``: ``theme_summary`` as a dashboard gets it, from the dashboards' cache;
- ratios against the comments page.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import BENCH_DIR, make_app, timed  # noqa: E402

PERIOD = "2026-Q3"
QUARTERS = {"2026-Q3": datetime(2026, 7, 1, 6, tzinfo=timezone.utc), "2026-Q2": datetime(2026, 4, 1, 6, tzinfo=timezone.utc)}
FIXTURE = PROJECT_ROOT / "tests" / "comments" / "fixtures" / "tagged_comments.yaml"
DETAILS = ["", " Numerek {n}.", " Byłem o {h}:{m:02d}.", " Okienko {o}.", " Sprawa z {d} dnia.", " Już {n} raz.", " Pozdrawiam."]


def comment_texts(count: int, rng: random.Random) -> list[str]:
    sentences = [c["text"] for c in yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["comments"]]
    texts = []
    for _ in range(count):
        parts = rng.sample(sentences, rng.choice((1, 1, 2)))
        detail = rng.choice(DETAILS).format(n=rng.randint(1, 400), h=rng.randint(7, 17), m=rng.randint(0, 59),
                                            o=rng.randint(1, 12), d=rng.randint(1, 28))
        texts.append(" ".join(parts) + detail)
    return texts


def seed(app, comments: int) -> None:
    import sqlalchemy as sa

    from extensions import db
    from survey.definitions import import_definition, load_definition_file
    from survey.demo import DEMO_SURVEY_FILE, ensure_office_structure
    from survey.models import Answer, Response

    with app.app_context():
        db.create_all()
        if db.session.scalar(sa.select(sa.func.count()).select_from(Response)):
            return
        counters = list(ensure_office_structure().values())
        version, _, _ = import_definition(load_definition_file(DEMO_SURVEY_FILE))
        for counter in counters:
            counter.survey_id = version.survey_id
        db.session.commit()
        questions = {q.code: q.id for q in version.questions}
        rng = random.Random(15)
        response_id = 0
        for start in QUARTERS.values():
            responses, answers = [], []
            for text in comment_texts(comments, rng):
                response_id += 1
                rating = rng.choices((1, 2, 3, 4, 5), weights=(8, 10, 12, 30, 40))[0]
                moment = start + timedelta(days=rng.randint(0, 88), hours=rng.randint(0, 9), minutes=rng.randint(0, 59))
                responses.append({"id": response_id, "service_point_id": rng.choice(counters).id,
                                  "survey_version_id": version.id, "submitted_at": moment, "language": "pl",
                                  "channel": "web"})
                answers.append({"response_id": response_id, "question_id": questions["satisfaction"], "value_int": rating})
                answers.append({"response_id": response_id, "question_id": questions["comment"], "value_text": text})
            db.session.execute(sa.insert(Response), responses)
            db.session.execute(sa.insert(Answer), [a | {"value_int": a.get("value_int"), "value_text": a.get("value_text")}
                                                   for a in answers])
            db.session.commit()


def forget_everything(app, remembered_themes: bool) -> None:
    """A codebook compiled afresh, and no lemma or text remembered (as after a restart, dictionary loaded);
    without ``remembered_themes``, no comment's themes remembered in the database either."""
    import sqlalchemy as sa

    from analytics.lemmas import fold, lemmatizer
    from comments.codebook import EXTENSION_KEY
    from comments.models import CommentMatch
    from dashboard.cache import app_cache
    from extensions import db

    if not remembered_themes:
        db.session.execute(sa.delete(CommentMatch))
        db.session.commit()

    app.extensions.pop(EXTENSION_KEY, None)
    fold.cache_clear()
    lemmatizer().analyse.cache_clear()
    lemmatizer().forms.cache_clear()
    app_cache().clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{BENCH_DIR / f'opinia-bench-themes-{args.comments}.db'}"
    app = make_app(url)
    started = time.perf_counter()
    seed(app, args.comments)
    print(f"database ready in {time.perf_counter() - started:.1f} s: {url}")

    from analytics.lemmas import lemmatizer
    from analytics.queries import comments
    from analytics.service import as_period
    from comments import queries
    from comments.services import compute_theme_summary, theme_summary

    with app.test_request_context():
        lemmatizer()  # loading Morfeusz' dictionary happens once per process, before any request
        period = as_period(PERIOD)
        previous = period.previous()
        page = lambda: comments(period.start, period.end, None)  # noqa: E731
        page()
        baseline, _ = timed(page, args.repeat)
        fetch = lambda: (queries.comment_frame(period.start, period.end, None),  # noqa: E731
                         queries.comment_frame(previous.start, previous.end, None))
        fetch()
        fetched, _ = timed(fetch, args.repeat)
        first_runs, cold_runs = [], []
        for _ in range(args.repeat):
            for remembered_themes, runs in ((False, first_runs), (True, cold_runs)):
                forget_everything(app, remembered_themes)
                started = time.perf_counter()
                summary = compute_theme_summary(PERIOD)
                runs.append(time.perf_counter() - started)
        first = sorted(first_runs)[len(first_runs) // 2]
        cold = sorted(cold_runs)[len(cold_runs) // 2]
        warm, _ = timed(lambda: compute_theme_summary(PERIOD), args.repeat)
        theme_summary(PERIOD)
        cached, _ = timed(lambda: theme_summary(PERIOD), args.repeat)

    print(f"\n{summary.comments} comments in {PERIOD}, {summary.previous_comments} in {summary.previous.label}; "
          f"top themes: " + ", ".join(f"{t['code']} {t['comments']}" for t in summary.themes[:4]))
    rows = [("comments page (baseline)", baseline), ("all comments of both quarters", fetched),
            ("themes first build", first), ("themes cold (remembered)", cold), ("themes warm", warm), ("themes cached (dashboard)", cached)]
    print(f"\n{'measurement':<32} {'median':>10} {'× baseline':>11}")
    for name, seconds in rows:
        print(f"{name:<32} {seconds * 1000:>8.1f} ms {seconds / baseline:>10.1f}×")


if __name__ == "__main__":
    main()
