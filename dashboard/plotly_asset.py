"""Plotly's JavaScript, served by the app compressed and cached for a year.

``plotly.min.js`` from the installed ``plotly`` package is 4.8 MB; compressed with brotli it is about a
quarter of that, with gzip under a third. Compressing 4.8 MB takes seconds, so it is done once per plotly
version and install: the compressed copies are written next to the database in ``data/cache/`` (atomically:
a temporary file, then a rename, so workers starting together never read half a file) and held in memory by
each worker after the first request. A request then costs one dictionary lookup. The address carries the
plotly version (``?v=``), so the browser may keep the file for a year without asking again (``immutable``).

Chromium, Firefox and Safari all accept brotli (``br``); gzip is the fallback, the plain file the last resort.
"""
from __future__ import annotations

import gzip
import os
import tempfile
import threading
from pathlib import Path

import brotli
import plotly
from flask import Response, request

from config import DATA_DIR

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
MAX_AGE = 365 * 24 * 3600
BROTLI_QUALITY = 9  # 11 saves another 10 % but takes a minute on a small machine
GZIP_LEVEL = 9
ENCODINGS = ("br", "gzip")

_bodies: dict[str, bytes] = {}
_lock = threading.Lock()


def cache_dir() -> Path:
    return Path(os.environ.get("OPINIA_ASSET_CACHE_DIR", DATA_DIR / "cache"))


def _compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY)
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def _stored_copy(encoding: str) -> bytes:
    """The compressed file of this plotly version, made and written once if it is not on disk yet."""
    directory = cache_dir()
    path = directory / f"plotly-{plotly.__version__}.min.js.{encoding}"
    if path.exists():
        return path.read_bytes()
    body = _compress(PLOTLY_JS.read_bytes(), encoding)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=directory, delete=False, prefix=".plotly-") as temporary:
        temporary.write(body)
    os.chmod(temporary.name, 0o644)
    os.replace(temporary.name, path)
    return body


def body(encoding: str) -> bytes:
    """The script's bytes in ``encoding`` (``br``, ``gzip`` or ``identity``), from memory after the first call."""
    with _lock:
        if encoding not in _bodies:
            _bodies[encoding] = PLOTLY_JS.read_bytes() if encoding == "identity" else _stored_copy(encoding)
        return _bodies[encoding]


def prepare() -> None:
    """Make the compressed copies now (``flask prepare-assets``), so no visitor waits for them."""
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
    reply.set_etag(f"{plotly.__version__}-{encoding}")
    return reply.make_conditional(request)
