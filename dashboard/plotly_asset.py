"""Plotly's JavaScript, served by the app: a partial bundle with only the trace types the dashboards draw,
compressed and cached for a year.

The dashboards draw only ``scatter``, ``bar`` and ``heatmap`` traces (``analytics/*charts*.py``,
``analytics/spc_figure.py``), so the page loads ``static/vendor/plotly-opinia.min.js``: plotly.js's core with
those three trace types, built from the plotly.js the Python package embeds (3.1.1) by
``scripts/plotly-bundle/build.sh`` (esbuild; both pinned in that directory's ``package-lock.json``) and committed,
so installing Opinia needs no JavaScript tooling. 0.97 MB instead of the 4.8 MB of every trace type that the
Python ``plotly`` package ships (``package_data/plotly.min.js``). It also leaves out what plotly.js's published
*cartesian* bundle holds besides: the world-calendars component, which no chart uses and which made most of the
0.3–0.47 s Chromium took to start that bundle on a 2-core machine (this one: 0.10–0.14 s; see
``bench/first_visit.py``). ``tests/browser/test_dashboard.py`` checks that the bundle and the Python package's
script define the same attributes for the app's trace types, the layout and the configuration (less the
calendars), and ``tests/dashboard/test_plotly_asset.py`` that the app builds no other trace type.

``OPINIA_PLOTLY_BUNDLE=full`` serves the Python package's full script instead (``bench/first_visit.py
--with-full-bundle`` measures it as the baseline).

Compressing takes a while (seconds for the full script), so it is done once per script and install: the
compressed copies are written next to the database in ``data/cache/`` (atomically: a temporary file, then a
rename, so workers starting together never read half a file) and held in memory by each worker after the first
request. A request then costs one dictionary lookup. The address carries a hash of the script (``?v=``), so the
browser may keep the file for a year without asking again (``immutable``); another script is another address.

Chromium, Firefox and Safari all accept brotli (``br``); gzip is the fallback, the plain file the last resort.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import os
import tempfile
import threading
from pathlib import Path

import brotli
import plotly
from flask import Response, request

from config import DATA_DIR, PROJECT_ROOT

FULL_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PARTIAL_JS = PROJECT_ROOT / "static" / "vendor" / "plotly-opinia.min.js"
# The trace types the partial bundle holds (scripts/plotly-bundle/entry.js): every figure must use only these.
PARTIAL_TRACE_TYPES = frozenset({"scatter", "bar", "heatmap"})
BUNDLE_VARIABLE = "OPINIA_PLOTLY_BUNDLE"  # "partial" (default) or "full"
MAX_AGE = 365 * 24 * 3600
BROTLI_QUALITY = 9  # 11 saves another 10 % but takes a minute on a small machine for the full script
GZIP_LEVEL = 9
ENCODINGS = ("br", "gzip")

_bodies: dict[tuple[str, str], bytes] = {}  # (version, encoding) -> bytes
_lock = threading.Lock()


def cache_dir() -> Path:
    return Path(os.environ.get("OPINIA_ASSET_CACHE_DIR", DATA_DIR / "cache"))


@functools.cache
def script_path() -> Path:
    """The script this process serves: the partial bundle, or the Python package's full one on request."""
    wanted = os.environ.get(BUNDLE_VARIABLE, "partial").strip().lower()
    if wanted not in ("partial", "full"):
        raise ValueError(f"{BUNDLE_VARIABLE} must be 'partial' or 'full', not {wanted!r}")
    return FULL_JS if wanted == "full" else PARTIAL_JS


@functools.cache
def version() -> str:
    """A short hash of the served script: part of its address and of the compressed copies' names."""
    return hashlib.sha256(script_path().read_bytes()).hexdigest()[:16]


def _compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY)
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def _stored_copy(encoding: str) -> bytes:
    """The compressed file of this script, made and written once if it is not on disk yet."""
    directory = cache_dir()
    path = directory / f"plotly-{version()}.min.js.{encoding}"
    if path.exists():
        return path.read_bytes()
    body = _compress(script_path().read_bytes(), encoding)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=directory, delete=False, prefix=".plotly-") as temporary:
        temporary.write(body)
    os.chmod(temporary.name, 0o644)
    os.replace(temporary.name, path)
    return body


def body(encoding: str) -> bytes:
    """The script's bytes in ``encoding`` (``br``, ``gzip`` or ``identity``), from memory after the first call."""
    key = (version(), encoding)
    with _lock:
        if key not in _bodies:
            _bodies[key] = script_path().read_bytes() if encoding == "identity" else _stored_copy(encoding)
        return _bodies[key]


def prepare() -> None:
    """Make the compressed copies now (gunicorn's master does it before forking), so no visitor waits for them."""
    for encoding in ENCODINGS:
        body(encoding)


def chosen_encoding() -> str:
    accepted = request.accept_encodings
    return next((encoding for encoding in ENCODINGS if accepted[encoding] > 0), "identity")


def response() -> Response:
    encoding = chosen_encoding()
    reply = Response(body(encoding), mimetype="text/javascript")
    if encoding != "identity":
        reply.headers["Content-Encoding"] = encoding
    reply.headers["Vary"] = "Accept-Encoding"
    reply.cache_control.public = True
    reply.cache_control.max_age = MAX_AGE
    reply.cache_control.immutable = True
    reply.set_etag(f"{version()}-{encoding}")
    return reply.make_conditional(request)
