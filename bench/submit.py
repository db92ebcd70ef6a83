"""Submission benchmark: Opinia's public survey under concurrent residents, against two baselines.

    .venv/bin/python bench/submit.py [--backend sqlite|postgresql|both] [--clients 50] [--seconds 12]
    .venv/bin/python bench/submit.py --mode open --rates 50,100 [--backend ...] [--seconds 12]

For each database it prepares a fresh Opinia database (migrations, the demo office and survey), then starts
gunicorn on loopback with ``gunicorn.conf.py`` three times, with the same settings and the same database:

1. ``hello``  — a hello-world route (``bench/baseline_app.py``): requests/s of gunicorn + Flask alone;
2. ``raw-SQL`` — the same survey loop in a minimal Flask app storing the response with raw SQL (no forms, no
   ORM, no CSRF; ``bench/baseline_app.py``);
3. ``opinia`` — the real app (``app:create_app()``).

Each of N concurrent clients (asyncio + aiohttp) repeats, for a fixed time: load the survey form of a counter,
read its CSRF token and one-time submission id, post a real, random, valid answer (no redirect following) —
as a *new device* every time (cookies cleared), so the per-device interval never refuses a simulated
resident. The per-address rate limit stays switched on but set far above the load (every client comes from
127.0.0.1), so its cost is measured without it refusing anything. After each run the number of responses in
the database must equal the number of posts answered with the thank-you redirect.

Open loop (``--mode open``): residents arrive at a fixed rate (``--rates``, e.g. 50 and 100 per second), each
a new device loading the form and posting at once, whether or not the server has answered the earlier ones —
how a busy office meets the server, unlike the closed loop, where a slow server slows its own clients down.
For each rate the raw-SQL baseline and Opinia run in turn; printed: the achieved arrival rate, POST and GET
p50/p99, accepted / stored / lost answers, errors, how late the load generator itself fell behind its schedule,
and the server CPU per request. Target: POST p99 under 100 ms with 0 lost.

Closed loop, printed: submissions/s (one submission = form GET + answer POST), requests/s, p50/p99 latency of the POST and
of the GET, the load generator's CPU share, gunicorn's CPU per request (master and workers, from /proc), and
the ratios against both baselines measured in the same run. Client and server share the machine's cores, so
when the cores are saturated the CPU per request decides the throughput.
"""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

OPINIA_APP = "app:create_app()"
BASELINE_APP = "bench.baseline_app:create_baseline_app()"
DEFAULT_PG_URL = os.environ.get("OPINIA_BENCH_PG_URL", "postgresql://postgres@127.0.0.1/test")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SUBMISSION_RE = re.compile(r'name="submission_id" type="hidden" value="([^"]+)"')
# Every simulated client posts from 127.0.0.1: limits far above the load keep the limiter's cost, not its 429s.
BENCH_ENV = {
    "SECRET_KEY": "bench-secret",
    "OPINIA_SUBMIT_RATE_LIMIT": "1000000 per minute",
    "OPINIA_PAGE_RATE_LIMIT": "1000000 per minute",
    "OPINIA_ACCESS_LOG": os.devnull,
}


# ---- databases -------------------------------------------------------------------------------------------


@dataclass
class BenchDatabase:
    url: str
    tokens: list[str]
    cleanup: Callable[[], None]


def _postgres_schema_url(base_url: str, schema: str) -> str:
    from config import normalise_database_url

    url = normalise_database_url(base_url)
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def prepare_database(backend: str, pg_url: str = DEFAULT_PG_URL) -> BenchDatabase:
    """A fresh database migrated to the newest schema with the demo office and survey, no responses."""
    import sqlalchemy as sa

    from config import normalise_database_url

    if backend == "sqlite":
        directory = tempfile.mkdtemp(prefix="opinia-submit-")
        url = f"sqlite:///{directory}/bench.db"

        def cleanup() -> None:
            shutil.rmtree(directory, ignore_errors=True)
    else:
        schema = f"opinia_submit_{os.getpid()}"
        admin = sa.create_engine(normalise_database_url(pg_url))
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        url = _postgres_schema_url(pg_url, schema)

        def cleanup() -> None:
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            admin.dispose()

    tokens = _migrate_and_seed_office(url)
    return BenchDatabase(url, tokens, cleanup)


def _migrate_and_seed_office(url: str) -> list[str]:
    from flask_migrate import upgrade

    from app import create_app
    from extensions import db
    from survey.definitions import import_definition, load_definition_file
    from survey.demo import DEMO_SURVEY_FILE, ensure_office_structure

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": BENCH_ENV["SECRET_KEY"]})
    with app.app_context():
        upgrade()
        counters = ensure_office_structure()
        version, _, _ = import_definition(load_definition_file(DEMO_SURVEY_FILE))
        for counter in counters.values():
            counter.survey_id = version.survey_id
        db.session.commit()
        tokens = [c.token for c in counters.values()]
        db.engine.dispose()
    return tokens


def count_responses(url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM responses")).scalar_one()
    finally:
        engine.dispose()


# ---- gunicorn ----------------------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    temporary_log: str | None = None  # removed after a clean stop


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(wsgi_app: str, database_url: str, *, ready_path: str, extra_env: dict | None = None,
                 gunicorn_args: list[str] | None = None, log_path: str | None = None) -> Server:
    """gunicorn with ``gunicorn.conf.py`` on a free loopback port, in its own process group."""
    port = free_port()
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": database_url, **(extra_env or {})}
    command = [sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"),
               "--bind", f"127.0.0.1:{port}", *(gunicorn_args or []), wsgi_app]
    temporary_log = None if log_path else tempfile.mkstemp(prefix="opinia-gunicorn-", suffix=".log")[1]
    log_path = log_path or temporary_log
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    server = Server(process, f"http://127.0.0.1:{port}", temporary_log)
    try:
        _wait_until_ready(server, ready_path)
    except RuntimeError as error:
        tail = Path(log_path).read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{error}; gunicorn log {log_path}:\n{tail}") from None
    return server


def _wait_until_ready(server: Server, path: str, timeout: float = 30) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}")
        try:
            with urllib.request.urlopen(server.base_url + path, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    kill_server(server)
    raise RuntimeError("gunicorn did not answer in time")


def stop_server(server: Server) -> None:
    """Graceful stop: SIGTERM to the master, which lets workers finish their request."""
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill_server(server)
    if server.temporary_log:
        Path(server.temporary_log).unlink(missing_ok=True)


def server_cpu_seconds(server: Server) -> float:
    """User + system CPU of gunicorn's whole process group so far (workers that exited count via the master)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == server.process.pid:  # the process group gunicorn was started in
            ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def kill_server(server: Server) -> None:
    """A crash: SIGKILL to the master and all its workers (the whole process group) at once."""
    try:
        os.killpg(server.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.process.wait(timeout=30)


# ---- clients -----------------------------------------------------------------------------------------------


def random_answers(rng: random.Random) -> dict[str, str]:
    """A valid answer to the demo survey: the required rating always, the others now and then."""
    answers = {"satisfaction": str(rng.randint(1, 5))}
    if rng.random() < 0.9:
        answers["recommend"] = str(rng.randint(0, 10))
    if rng.random() < 0.9:
        answers["settled"] = rng.choice(["yes", "no"])
    if rng.random() < 0.9:
        answers["waiting_time"] = rng.choice(["lt5", "5to15", "15to30", "gt30"])
    if rng.random() < 0.2:
        answers["comment"] = rng.choice(["Sprawnie i miło.", "Za długa kolejka.", "Dziękuję za pomoc!"])
    return answers


@dataclass
class LoadResult:
    seconds: float = 0.0
    cycles: int = 0  # submissions completed inside the measured window
    requests: int = 0  # requests completed inside the measured window
    post_latencies: list[float] = field(default_factory=list)
    get_latencies: list[float] = field(default_factory=list)
    accepted_ids: set[str] = field(default_factory=set)  # every post answered with the thank-you redirect
    refused: int = 0  # answered, but not with the thank-you redirect
    errors: int = 0  # no answer at all (connection refused or reset)
    client_cpu: float = 0.0
    completed: int = 0  # requests answered during the whole run, warm-up included
    server_cpu_seconds: float = 0.0  # CPU used by gunicorn (master and workers) during the whole run
    schedule_lag: float = 0.0  # open loop: how late the load generator sent its latest arrival (its own CPU)

    @property
    def accepted(self) -> int:
        return len(self.accepted_ids)


class _Window:
    def __init__(self, warmup: float, seconds: float, stop: threading.Event | None = None, by_start: bool = False):
        self.start = time.perf_counter() + warmup
        self.end = self.start + seconds
        self.stop = stop or threading.Event()
        self.by_start = by_start  # open loop: every arrival inside the window counts, however late its answer

    def open(self) -> bool:
        return time.perf_counter() < self.end and not self.stop.is_set()

    def counts(self, started: float, finished: float) -> bool:
        if self.by_start:
            return self.start <= started < self.end
        return started >= self.start and finished <= self.end


async def _submit_once(session, base_url: str, tokens: list[str], window: _Window, result: LoadResult,
                       rng: random.Random) -> None:
    """One resident: load a counter's form, post a random valid answer; latencies kept inside the window."""
    import aiohttp

    token = rng.choice(tokens)
    url = f"{base_url}/s/{token}"
    try:
        started = time.perf_counter()
        async with session.get(url) as page:
            html = await page.text()
        loaded = time.perf_counter()
        submission = SUBMISSION_RE.search(html)
        if page.status != 200 or submission is None:
            result.refused += 1
            return
        data = {"submission_id": submission.group(1), **random_answers(rng)}
        csrf = CSRF_RE.search(html)
        if csrf:
            data["csrf_token"] = csrf.group(1)
        async with session.post(url, data=data, allow_redirects=False) as answer:
            await answer.read()
        finished = time.perf_counter()
        result.completed += 2
    except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError):
        result.errors += 1
        await asyncio.sleep(0.05)
        return
    if answer.status == 303 and "/dziekujemy" in answer.headers.get("Location", ""):
        result.accepted_ids.add(data["submission_id"])
    else:
        result.refused += 1
    if window.counts(started, finished):
        result.cycles += 1
        result.requests += 2
        result.get_latencies.append(loaded - started)
        result.post_latencies.append(finished - loaded)


async def _submit_forever(session, base_url: str, tokens: list[str], window: _Window, result: LoadResult,
                          rng: random.Random) -> None:
    while window.open():
        session.cookie_jar.clear()  # a new resident's phone every time
        await _submit_once(session, base_url, tokens, window, result, rng)


async def _arrivals(base_url: str, tokens: list[str], rate: float, window: _Window, result: LoadResult,
                    seed: int) -> None:
    """Open loop: a new resident (own cookies) every ``1 / rate`` seconds, whether or not earlier ones are done."""
    import aiohttp

    rng = random.Random(seed)
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=30)
    residents: set[asyncio.Task] = set()

    async def resident() -> None:
        async with aiohttp.ClientSession(connector=connector, connector_owner=False, timeout=timeout,
                                         cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            await _submit_once(session, base_url, tokens, window, result, rng)

    started = time.perf_counter()
    arrival = 0
    try:
        while window.open():
            delay = started + arrival / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                result.schedule_lag = max(result.schedule_lag, -delay)
            task = asyncio.create_task(resident())
            residents.add(task)
            task.add_done_callback(residents.discard)
            arrival += 1
        await asyncio.gather(*residents)
    finally:
        await connector.close()


async def _hello_forever(session, base_url: str, window: _Window, result: LoadResult) -> None:
    import aiohttp

    while window.open():
        try:
            started = time.perf_counter()
            async with session.get(f"{base_url}/hello") as page:
                await page.read()
            finished = time.perf_counter()
            result.completed += 1
        except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError):
            result.errors += 1
            await asyncio.sleep(0.05)
            continue
        if page.status != 200:
            result.refused += 1
        elif window.counts(started, finished):
            result.cycles += 1
            result.requests += 1
            result.get_latencies.append(finished - started)


async def _drive(kind: str, base_url: str, tokens: list[str], clients: int, seconds: float, warmup: float,
                 seed: int, stop: threading.Event | None) -> LoadResult:
    import aiohttp

    result = LoadResult(seconds=seconds)
    window = _Window(warmup, seconds, stop, by_start=kind.startswith("open:"))
    timeout = aiohttp.ClientTimeout(total=30)
    sessions = [
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=timeout,
                              connector=aiohttp.TCPConnector(limit=1))
        for _ in range(0 if kind.startswith("open:") else clients)
    ]
    try:
        if kind.startswith("open:"):
            tasks = [_arrivals(base_url, tokens, float(kind[5:]), window, result, seed)]
        elif kind == "hello":
            tasks = [_hello_forever(s, base_url, window, result) for s in sessions]
        else:
            tasks = [
                _submit_forever(s, base_url, tokens, window, result, random.Random(seed * 1000 + i))
                for i, s in enumerate(sessions)
            ]
        await asyncio.gather(*tasks)
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
    return result


def drive_load(kind: str, base_url: str, tokens: list[str], clients: int, seconds: float, warmup: float = 2.0,
               seed: int = 1, stop: threading.Event | None = None) -> LoadResult:
    """Run ``clients`` concurrent clients for ``warmup + seconds`` (or until ``stop`` is set); only the last
    ``seconds`` are measured."""
    cpu_before = time.process_time()
    # The event loop gets a thread of its own: a caller (a test process with a browser open) may already run one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        load = executor.submit(asyncio.run, _drive(kind, base_url, tokens, clients, seconds, warmup, seed, stop))
        result = load.result()
    result.client_cpu = (time.process_time() - cpu_before) / (warmup + seconds)
    return result


# ---- the benchmark -----------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Measurement:
    name: str
    result: LoadResult
    stored: int | None  # responses added to the database during the run (None for hello)

    @property
    def per_second(self) -> float:
        return self.result.cycles / self.result.seconds

    @property
    def requests_per_second(self) -> float:
        return self.result.requests / self.result.seconds

    @property
    def server_cpu_ms_per_request(self) -> float:
        return self.result.server_cpu_seconds * 1000 / max(1, self.result.completed)

    @property
    def lost(self) -> int:
        return 0 if self.stored is None else self.result.accepted - self.stored


def measure(name: str, wsgi_app: str, kind: str, database: BenchDatabase, args) -> Measurement:
    gunicorn_args = ["--workers", str(args.workers), "--worker-class", args.worker_class, "--threads", str(args.threads)]
    before = count_responses(database.url) if kind != "hello" else None
    ready_path = "/hello" if wsgi_app == BASELINE_APP else f"/s/{database.tokens[0]}"
    server = start_server(wsgi_app, database.url, ready_path=ready_path, gunicorn_args=gunicorn_args)
    try:
        cpu_before = server_cpu_seconds(server)
        result = drive_load(kind, server.base_url, database.tokens, args.clients, args.seconds, args.warmup)
        result.server_cpu_seconds = server_cpu_seconds(server) - cpu_before
    finally:
        stop_server(server)
    stored = count_responses(database.url) - before if kind != "hello" else None
    return Measurement(name, result, stored)


def report(backend: str, measurements: dict[str, Measurement], args) -> None:
    print(f"\n== {backend}: {args.clients} clients, {args.seconds:.0f} s measured after {args.warmup:.0f} s warm-up, "
          f"gunicorn {args.workers} x {args.worker_class} worker(s), {args.threads} thread(s), {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at the end (the machine is shared) ==")
    print(f"{'':9} {'subm/s':>8} {'req/s':>8} {'POST p50':>9} {'POST p99':>9} {'GET p50':>8} {'GET p99':>8} "
          f"{'accepted':>8} {'stored':>7} {'lost':>5} {'refused':>7} {'errors':>6} {'client CPU':>10} {'server CPU/req':>14}")
    for m in measurements.values():
        r = m.result
        post50, post99 = (f"{percentile(r.post_latencies, q) * 1000:.1f}ms" for q in (0.5, 0.99))
        get50, get99 = (f"{percentile(r.get_latencies, q) * 1000:.1f}ms" for q in (0.5, 0.99))
        subm = f"{m.per_second:.0f}" if m.stored is not None else "-"
        if m.stored is None:
            post50 = post99 = "-"
        print(f"{m.name:9} {subm:>8} {m.requests_per_second:>8.0f} {post50:>9} {post99:>9} {get50:>8} {get99:>8} "
              f"{r.accepted if m.stored is not None else '-':>8} {m.stored if m.stored is not None else '-':>7} "
              f"{m.lost if m.stored is not None else '-':>5} {r.refused:>7} {r.errors:>6} {r.client_cpu:>9.0%} {m.server_cpu_ms_per_request:>12.2f}ms")
    opinia, raw, hello = measurements["opinia"], measurements["raw-SQL"], measurements["hello"]
    p99 = percentile(opinia.result.post_latencies, 0.99) * 1000
    print(f"opinia / raw-SQL submissions/s:        {opinia.per_second / raw.per_second:.2f}  (target >= 0.80)")
    print(f"opinia submissions/s / hello req/s:    {opinia.per_second / hello.requests_per_second:.2f}  (stretch >= 0.50)")
    print(f"opinia req/s / hello req/s:            {opinia.requests_per_second / hello.requests_per_second:.2f}")
    print(f"raw-SQL submissions/s / hello req/s:   {raw.per_second / hello.requests_per_second:.2f}")
    print(f"server CPU per request, opinia / raw-SQL: "
          f"{opinia.server_cpu_ms_per_request / raw.server_cpu_ms_per_request:.2f}")
    print(f"opinia POST p99: {p99:.1f} ms (target < 100 ms); lost answers: opinia {opinia.lost}, raw-SQL {raw.lost}")


def report_open_loop(backend: str, measurements: dict[str, Measurement], args) -> None:
    print(f"\n== {backend}, open loop: residents arrive at a fixed rate whatever the server does; "
          f"{args.seconds:.0f} s measured after {args.warmup:.0f} s warm-up, gunicorn {args.workers} x "
          f"{args.worker_class} worker(s), rate limits on (set above the load), {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at the end (the machine is shared) ==")
    print(f"{'':17} {'arrivals/s':>10} {'POST p50':>9} {'POST p99':>9} {'GET p50':>8} {'GET p99':>8} {'accepted':>8} "
          f"{'stored':>7} {'lost':>5} {'refused':>7} {'errors':>6} {'gen. lag':>8} {'server CPU/req':>14}")
    for m in measurements.values():
        r = m.result
        post50, post99, get50, get99 = (f"{percentile(values, q) * 1000:.1f}ms" for values, q in (
            (r.post_latencies, 0.5), (r.post_latencies, 0.99), (r.get_latencies, 0.5), (r.get_latencies, 0.99)))
        print(f"{m.name:17} {m.per_second:>10.1f} {post50:>9} {post99:>9} {get50:>8} {get99:>8} {r.accepted:>8} "
              f"{m.stored:>7} {m.lost:>5} {r.refused:>7} {r.errors:>6} {r.schedule_lag * 1000:>6.0f}ms "
              f"{m.server_cpu_ms_per_request:>12.2f}ms")
    for rate in args.rates:
        opinia = measurements[f"opinia @{rate:g}/s"]
        p99 = percentile(opinia.result.post_latencies, 0.99) * 1000
        raw99 = percentile(measurements[f"raw-SQL @{rate:g}/s"].result.post_latencies, 0.99) * 1000
        verdict = "met" if p99 < 100 and opinia.lost == 0 and not opinia.result.errors else "NOT met"
        print(f"{rate:g}/s: opinia POST p99 {p99:.1f} ms (raw-SQL baseline {raw99:.1f} ms), lost {opinia.lost}, "
              f"errors {opinia.result.errors}: target p99 < 100 ms and 0 lost {verdict}")


def run_open_loop(backend: str, args) -> dict[str, Measurement]:
    database = prepare_database(backend, args.pg_url)
    measurements = {}
    try:
        for rate in args.rates:
            measurements[f"raw-SQL @{rate:g}/s"] = measure(f"raw-SQL @{rate:g}/s", BASELINE_APP, f"open:{rate}",
                                                            database, args)
            measurements[f"opinia @{rate:g}/s"] = measure(f"opinia @{rate:g}/s", OPINIA_APP, f"open:{rate}",
                                                           database, args)
    finally:
        database.cleanup()
    report_open_loop(backend, measurements, args)
    return measurements


def run_backend(backend: str, args) -> dict[str, Measurement]:
    database = prepare_database(backend, args.pg_url)
    try:
        measurements = {
            "hello": measure("hello", BASELINE_APP, "hello", database, args),
            "raw-SQL": measure("raw-SQL", BASELINE_APP, "submit", database, args),
            "opinia": measure("opinia", OPINIA_APP, "submit", database, args),
        }
    finally:
        database.cleanup()
    report(backend, measurements, args)
    return measurements


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--mode", choices=["closed", "open"], default="closed",
                        help="closed: --clients residents one after another; open: residents arrive at --rates")
    parser.add_argument("--rates", default="50,100", help="open loop: arrivals per second, comma-separated")
    args = parser.parse_args()
    args.rates = [float(rate) for rate in args.rates.split(",")]
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    lost = 0
    for backend in backends:
        if args.mode == "open":
            lost += sum(m.lost for m in run_open_loop(backend, args).values())
        else:
            measurements = run_backend(backend, args)
            lost += measurements["opinia"].lost + measurements["raw-SQL"].lost
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
