"""Production settings for gunicorn: ``.venv/bin/gunicorn -c gunicorn.conf.py``.

Every value can be overridden from the environment (``OPINIA_BIND``, ``OPINIA_WORKERS`` ...) or on the command
line. The access log deliberately leaves out the client address (``%(h)s``), the user agent and the referer:
nothing that identifies a resident is written next to the time and address of their answer.
"""
import gc
import multiprocessing
import os

wsgi_app = "app:create_app()"
bind = os.environ.get("OPINIA_BIND", "127.0.0.1:8000")
cores = multiprocessing.cpu_count()
# Rate limits (survey posts and page loads, failed logins) are counted in RATELIMIT_STORAGE_URI. Redis is
# shared by every process; the embedded default memory:// is per process, so without Redis the server runs
# ONE worker process with threads: then the limits count every request, as configured.
SHARED_LIMIT_STORAGE = not os.environ.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://")
if SHARED_LIMIT_STORAGE:
    # Sync workers: one request per process at a time, no GIL sharing; each process keeps its own DB pool.
    workers = int(os.environ.get("OPINIA_WORKERS", cores * 2 + 1))
    worker_class = os.environ.get("OPINIA_WORKER_CLASS", "sync")
    threads = int(os.environ.get("OPINIA_THREADS", 1))
else:
    workers = 1
    worker_class = "gthread"
    threads = int(os.environ.get("OPINIA_THREADS", cores * 4 + 2))
backlog = int(os.environ.get("OPINIA_BACKLOG", 2048))
# Import the app once in the master and fork: workers start in milliseconds and share its memory.
preload_app = os.environ.get("OPINIA_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}
timeout = int(os.environ.get("OPINIA_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound; the single process of the
# embedded set-up is not recycled by default, since its memory holds the rate-limit counts.
max_requests = int(os.environ.get("OPINIA_MAX_REQUESTS", 20000 if SHARED_LIMIT_STORAGE else 0))
max_requests_jitter = max_requests // 10

# Only a reverse proxy on this host may set X-Forwarded-*; the app trusts OPINIA_PROXY_COUNT hops of them.
forwarded_allow_ips = os.environ.get("OPINIA_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("OPINIA_ACCESS_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = os.environ.get("OPINIA_ERROR_LOG", "-")
loglevel = os.environ.get("OPINIA_LOG_LEVEL", "info")


def on_starting(server):
    """Several processes counting rate limits each in their own memory would multiply every limit."""
    if not SHARED_LIMIT_STORAGE and server.cfg.workers > 1:
        server.log.warning(
            "%d worker processes without RATELIMIT_STORAGE_URI: every rate limit is counted per process "
            "(%d times the configured limit); set RATELIMIT_STORAGE_URI=redis://... or run one worker",
            server.cfg.workers, server.cfg.workers)


def post_fork(server, worker):
    """A forked worker must never reuse a database connection the master may have opened."""
    from extensions import db

    app = server.app.wsgi()
    if "sqlalchemy" in getattr(app, "extensions", {}):  # not the benchmark's raw-SQL baseline app
        with app.app_context():
            db.engine.dispose(close=False)


def when_ready(server):
    """Compress Plotly's JavaScript once in the master (first start with a new script only), before the
    workers are forked, so they share the compressed bytes and no visitor waits for them. The same for the
    public pages' templates; then freeze what the master holds (see ``freeze_preloaded_objects``)."""
    from dashboard.plotly_asset import prepare

    prepare()
    app = server.app.wsgi() if preload_app else None
    if "public" in getattr(app, "blueprints", {}):  # not the benchmark's raw-SQL baseline app
        from survey.public import compile_public_templates

        compile_public_templates(app)
    freeze_preloaded_objects()


def freeze_preloaded_objects():
    """Keep the preloaded application (some 260,000 objects: pandas, the lemmatiser, SQLAlchemy's models) out of
    the workers' garbage collections.

    A full collection walks every object: some 300 ms of CPU in a worker whenever one comes, in the middle of a
    resident's request, and by writing to every object's header it copies the memory pages each worker shares
    with the master. Frozen, the objects loaded before the fork are never collected (they live as long as the
    process anyway); everything a request creates is collected as before.
    """
    if preload_app:
        gc.collect()
        gc.freeze()
