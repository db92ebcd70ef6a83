"""What a resident's phone downloads for the survey, against the budget of one network round trip.

A new TCP connection can send about 10 segments (~14.6 kB) before waiting for the first acknowledgement
(RFC 6928); a page whose compressed HTML and CSS fit in that budget appears after one round trip even on
a slow mobile network. Prints the raw and gzip sizes of the survey page (Polish, English), the kiosk page,
the thank-you page, the CSS and the kiosk's script, the bytes of a first and of a repeat visit (CSS cached
for a year by its content-hash URL), each as a ratio of the round-trip budget, and the median time to render
the survey page against rendering the (template-only) thank-you page, both measured in this run.

Run: ``.venv/bin/python -m bench.page_weight``
"""
from __future__ import annotations

import gzip
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

ROUND_TRIP_BUDGET = 10 * 1460  # bytes: initial congestion window of 10 segments of 1460 bytes
RENDER_REPEAT = 200


def build_app(database: Path):
    from app import create_app
    from extensions import db
    from survey.definitions import import_definition, load_definition_file
    from survey.demo import DEMO_SURVEY_FILE, ensure_office_structure

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        counters = ensure_office_structure()
        version, _, _ = import_definition(load_definition_file(DEMO_SURVEY_FILE))
        for counter in counters.values():
            counter.survey_id = version.survey_id
        db.session.commit()
        token = counters["KM-1"].token
    return app, token


def sizes(body: bytes) -> tuple[int, int]:
    return len(body), len(gzip.compress(body, compresslevel=6))


def median_ms(client, path: str) -> float:
    timings = []
    for _ in range(RENDER_REPEAT):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app, token = build_app(Path(tmp) / "bench.db")
        client = app.test_client()
        pages = {
            "survey (pl)": client.get(f"/s/{token}?lang=pl").data,
            "survey (en)": client.get(f"/s/{token}?lang=en").data,
            "kiosk survey": client.get(f"/k/{token}?lang=pl").data,
            "thank-you": client.get(f"/s/{token}/dziekujemy?lang=pl").data,
        }
        css_url = re.search(rb'<link rel="stylesheet" href="([^"]+)"', pages["survey (pl)"]).group(1).decode()
        js_url = re.search(rb'<script src="([^"]+)"', pages["kiosk survey"]).group(1).decode()
        assets = {"CSS": client.get(css_url).data, "kiosk script": client.get(js_url).data}

        print(f"round-trip budget: {ROUND_TRIP_BUDGET} bytes (10 TCP segments)")
        print(f"{'resource':<16}{'raw B':>9}{'gzip B':>9}{'gzip/budget':>13}")
        for name, body in {**pages, **assets}.items():
            raw, packed = sizes(body)
            print(f"{name:<16}{raw:>9}{packed:>9}{packed / ROUND_TRIP_BUDGET:>13.2f}")
        first_visit = sizes(pages["survey (pl)"])[1] + sizes(assets["CSS"])[1]
        repeat_visit = sizes(pages["survey (pl)"])[1]
        print(f"first visit (HTML + CSS, 2 requests, gzip): {first_visit} B = {first_visit / ROUND_TRIP_BUDGET:.2f} x budget")
        print(f"repeat visit (HTML only, CSS cached, gzip): {repeat_visit} B = {repeat_visit / ROUND_TRIP_BUDGET:.2f} x budget")

        client.get(f"/s/{token}?lang=pl")  # warm up templates and catalogues
        survey_ms = median_ms(client, f"/s/{token}")
        baseline_ms = median_ms(client, f"/s/{token}/dziekujemy")
        print(f"render survey page: median {survey_ms:.2f} ms over {RENDER_REPEAT}")
        print(f"render thank-you page (baseline): median {baseline_ms:.2f} ms over {RENDER_REPEAT}")
        print(f"survey / baseline: {survey_ms / baseline_ms:.2f}x")


if __name__ == "__main__":
    main()
