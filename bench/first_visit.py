"""Benchmark: a department head's first visit to their dashboard in a real browser, at 1,000,000 responses.

    .venv/bin/python -m bench.first_visit [--database-url URL] [--repeat 3] [--with-full-bundle]

For each run a fresh gunicorn (``gunicorn.conf.py``, 2 workers, ``OPINIA_DASHBOARD_MAX_AGE_SECONDS=0``) serves
the shared benchmark office of ``bench.common``; its workers first render two other departments' dashboards
(as a server that has been running), so department KM's dashboard is still uncached on the server. A fresh
headless Chromium context (``/usr/bin/chromium`` through Playwright; empty browser cache) logs in and opens
``/dashboard/department/KM?period=2026-Q3`` over loopback. Printed per run and as best / median:

- ``last chart drawn``: from the start of the navigation to the moment every chart on the page has been drawn
  by Plotly (``data-drawn`` set by ``static/js/charts.js``), against the 1 s target;
- ``DOMContentLoaded``, the HTML's server time (``responseStart - requestStart``);
- bytes over the wire, as the server sent them (gunicorn's access log, response body bytes): Plotly's
  JavaScript (against the 1.5 MB target; its uncompressed size from Resource Timing) and the whole page;
  then the same for a second visit in the same browser (Plotly's JavaScript must not be asked for at all:
  served from the browser's cache). Chromium's own ``transferSize`` is not used: headless Chromium reports
  a flat 300 bytes for every resource.

Baselines in the same run: the same browser opening the small staff page ``/admin/`` (no charts), and
running Plotly's script alone (from its cache) on that page — the floor any page with Plotly pays. With
``--with-full-bundle`` every round also measures the same visits with the Python package's full 4.8 MB script
(``OPINIA_PLOTLY_BUNDLE=full``) instead of the partial bundle, for the ratio in the same run.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import ensure_seeded, make_app  # noqa: E402
from bench.dashboard import DEPARTMENT, HEAD_EMAIL, MANAGER_EMAIL, PASSWORD, PERIOD, ensure_users  # noqa: E402
from bench.submit import start_server, stop_server  # noqa: E402

PLOTLY_PATH = "/dashboard/plotly.min.js"
OTHER_DEPARTMENTS = ("AB", "GK")
WARM_REQUESTS = 4
ACCESS_LINE = re.compile(r'"GET (?P<path>\S+) [^"]*" \d+ (?P<bytes>\d+|-) ')
TARGET_SECONDS = 1.0
TARGET_PLOTLY_BYTES = 1_500_000
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ALL_DRAWN = """() => {
  const blocks = document.querySelectorAll('script[type="application/json"][data-chart-for]');
  return blocks.length > 0 && Array.from(blocks).every(
    b => document.getElementById(b.dataset.chartFor)?.getAttribute('data-drawn') === 'true');
}"""
TIMINGS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const plotly = resources.find(r => r.name.includes('plotly.min.js'));
  return {
    plotly_url: plotly ? plotly.name : null,
    now: performance.now(), dom: nav.domContentLoadedEventEnd, server: nav.responseStart - nav.requestStart,
    plotly_decoded: plotly ? plotly.decodedBodySize : null,
    plotly_done: plotly ? plotly.responseEnd : null,
    charts_start: performance.getEntriesByName('opinia-charts-start')[0]?.startTime ?? null,
    charts_drawn: performance.getEntriesByName('opinia-charts-drawn')[0]?.startTime ?? null,
    charts: document.querySelectorAll('script[type="application/json"][data-chart-for]').length,
  };
}"""


def _log_in(context, base_url: str, email: str = HEAD_EMAIL) -> None:
    """Log in through the context's own HTTP client (same cookies, no page): nothing lands in the browser cache."""
    form = context.request.get(f"{base_url}/login").text()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    answer = context.request.post(f"{base_url}/login", max_redirects=0,
                                  form={"email": email, "password": PASSWORD, "csrf_token": token})
    assert answer.status in (302, 303), answer.status


def _served(access_log: Path, already: int) -> tuple[dict[str, int], int]:
    """Bytes per path the server sent since line ``already`` of its access log, and the new line count."""
    lines = access_log.read_text().splitlines()
    sent: dict[str, int] = {}
    for line in lines[already:]:
        match = ACCESS_LINE.search(line)
        if match:
            sent[match["path"]] = sent.get(match["path"], 0) + (0 if match["bytes"] == "-" else int(match["bytes"]))
    return sent, len(lines)


def _visit(context, url: str, charts: bool, access_log: Path) -> dict:
    _sent, already = _served(access_log, 0)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    if charts:
        page.wait_for_function(ALL_DRAWN, polling="raf", timeout=30_000)
    else:
        page.wait_for_load_state("load")
    figures = page.evaluate(TIMINGS)
    page.close()
    sent, _lines = _served(access_log, already)
    figures["page_bytes"] = sum(sent.values())
    figures["plotly_bytes"] = sent.get(PLOTLY_PATH, 0)
    figures["plotly_requests"] = PLOTLY_PATH in sent
    return figures


def _warm_workers(browser, base_url: str) -> None:
    """Every worker renders other departments' dashboards first, for the quality manager (templates compiled,
    Plotly's Python figure classes imported), as in a server that has been running for a while; department
    KM's dashboard stays uncached, and the measured browser context stays empty."""
    context = browser.new_context()
    _log_in(context, base_url, MANAGER_EMAIL)
    for _ in range(WARM_REQUESTS):
        for code in OTHER_DEPARTMENTS:
            answer = context.request.get(f"{base_url}/dashboard/department/{code}?period={PERIOD}")
            assert answer.status == 200, answer.status
    context.close()


def _plotly_alone(context, base_url: str, plotly_url: str) -> float:
    """Seconds the browser needs to run Plotly's script (from its cache) on a small page: the client's floor."""
    page = context.new_page()
    page.goto(f"{base_url}/admin/")
    started = page.evaluate("() => performance.now()")
    page.add_script_tag(url=plotly_url)
    page.wait_for_function("() => window.Plotly !== undefined")
    finished = page.evaluate("() => performance.now()")
    page.close()
    return (finished - started) / 1000


def one_run(playwright, database_url: str, bundle: str = "partial") -> dict:
    """A fresh server and a fresh browser: first visit, second visit, and the baseline page."""
    access_log = Path(tempfile.mkstemp(prefix="opinia-first-visit-", suffix=".log")[1])
    server = start_server("app:create_app()", database_url, ready_path="/login",
                          extra_env={"OPINIA_DASHBOARD_MAX_AGE_SECONDS": "0", "OPINIA_WORKERS": "2",
                                     "OPINIA_ACCESS_LOG": str(access_log), "OPINIA_PLOTLY_BUNDLE": bundle})
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        dashboard_url = f"{server.base_url}/dashboard/department/{DEPARTMENT}?period={PERIOD}"
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        _warm_workers(browser, server.base_url)
        _log_in(context, server.base_url)
        first = _visit(context, dashboard_url, charts=True, access_log=access_log)
        second = _visit(context, dashboard_url, charts=True, access_log=access_log)
        baseline_context = browser.new_context(viewport={"width": 1280, "height": 900})
        _log_in(baseline_context, server.base_url)
        baseline = _visit(baseline_context, f"{server.base_url}/admin/", charts=False, access_log=access_log)
        return {"first": first, "second": second, "baseline": baseline,
                "plotly_alone": _plotly_alone(context, server.base_url, first["plotly_url"])}
    finally:
        browser.close()
        stop_server(server)
        access_log.unlink(missing_ok=True)


def _best_median(values: list[float]) -> str:
    return f"best {min(values) * 1000:.0f} ms, median {statistics.median(values) * 1000:.0f} ms"


def _report(name: str, runs: list[dict]) -> None:
    first_drawn = [r["first"]["now"] / 1000 for r in runs]
    second_drawn = [r["second"]["now"] / 1000 for r in runs]
    baseline = [r["baseline"]["now"] / 1000 for r in runs]
    plotly = runs[-1]["first"]
    print(f"== {name} ==")
    print(f"first visit (empty browser and server caches), last chart drawn: {_best_median(first_drawn)} "
          f"(target < {TARGET_SECONDS:.1f} s: {'met' if statistics.median(first_drawn) < TARGET_SECONDS else 'NOT met'})")
    print(f"  of which the HTML's server time: {_best_median([r['first']['server'] / 1000 for r in runs])}; "
          f"after the HTML arrived: {_best_median([(r['first']['now'] - r['first']['server']) / 1000 for r in runs])}")
    drawing = [(r["first"]["charts_drawn"] - r["first"]["charts_start"]) / 1000 for r in runs
               if r["first"]["charts_drawn"] is not None and r["first"]["charts_start"] is not None]
    if drawing:
        print(f"  Plotly's script received: {_best_median([r['first']['plotly_done'] / 1000 for r in runs])}; "
              f"charts.js started drawing: {_best_median([r['first']['charts_start'] / 1000 for r in runs])}; "
              f"drawing the charts took {_best_median(drawing)}")
    print(f"second visit, last chart drawn: {_best_median(second_drawn)}")
    plotly_alone = [r["plotly_alone"] for r in runs]
    print(f"Plotly's script alone (from the browser cache, small page): {_best_median(plotly_alone)}")
    print(f"baseline /admin/ page loaded: {_best_median(baseline)}; first visit / baseline "
          f"{statistics.median(first_drawn) / statistics.median(baseline):.1f}x")
    print(f"Plotly JS over the wire, first visit: {plotly['plotly_bytes'] / 1e6:.2f} MB "
          f"(uncompressed {plotly['plotly_decoded'] / 1e6:.2f} MB; target <= {TARGET_PLOTLY_BYTES / 1e6:.1f} MB: "
          f"{'met' if plotly['plotly_bytes'] <= TARGET_PLOTLY_BYTES else 'NOT met'})")
    second_plotly = [r["second"]["plotly_bytes"] for r in runs]
    asked = any(r["second"]["plotly_requests"] for r in runs)
    print(f"Plotly JS over the wire, second visit: {max(second_plotly)} bytes, "
          f"{'asked for' if asked else 'not even asked for'} "
          f"({'met' if max(second_plotly) == 0 else 'NOT met'}: served from the browser cache)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--with-full-bundle", action="store_true",
                        help="also measure every round with the Python package's full Plotly script (baseline)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    url = ensure_seeded(args.responses, args.database_url)
    ensure_users(make_app(url))
    bundles = ("partial", "full") if args.with_full_bundle else ("partial",)
    runs: dict[str, list[dict]] = {bundle: [] for bundle in bundles}
    with sync_playwright() as playwright:
        for index in range(args.repeat):
            for bundle in bundles:
                run = one_run(playwright, url, bundle)
                first, second = run["first"], run["second"]
                print(f"run {index + 1} ({bundle} bundle): first visit: last chart drawn {first['now']:.0f} ms "
                      f"({first['charts']} charts), DOMContentLoaded {first['dom']:.0f} ms, HTML server time "
                      f"{first['server']:.0f} ms, {first['page_bytes'] / 1024:.0f} KiB over the wire; second visit: "
                      f"last chart {second['now']:.0f} ms, {second['page_bytes'] / 1024:.0f} KiB; /admin/ baseline "
                      f"loaded in {run['baseline']['now']:.0f} ms; Plotly alone {run['plotly_alone'] * 1000:.0f} ms",
                      flush=True)
                runs[bundle].append(run)
    print(f"database: {url} ({args.responses:,} responses); page /dashboard/department/{DEPARTMENT}?period={PERIOD}")
    for bundle in bundles:
        _report(f"{bundle} Plotly bundle", runs[bundle])
    if args.with_full_bundle:
        ratio = (statistics.median([r["first"]["now"] for r in runs["partial"]])
                 / statistics.median([r["first"]["now"] for r in runs["full"]]))
        after_html = [statistics.median([(r["first"]["now"] - r["first"]["server"]) for r in runs[bundle]])
                      for bundle in ("partial", "full")]
        print(f"first visit, partial / full bundle (medians): {ratio:.2f}; after the HTML arrived (the part the "
              f"bundle changes; the server's cold build varies from run to run): {after_html[0] / after_html[1]:.2f}")


if __name__ == "__main__":
    main()
