"""Plotly's JavaScript: the partial bundle (scatter, bar, heatmap), compressed for browsers that accept it, the
same bytes once decompressed, cached for a year; the full script of the Python package only on request."""
from __future__ import annotations

import ast
import gzip

import brotli
import pytest
from plotly.offline import get_plotlyjs_version

from config import PROJECT_ROOT
from dashboard import plotly_asset

WIRE_LIMIT = 1_500_000


def script_url(client) -> str:
    page = client.get("/dashboard/department/KM?period=2026-Q3").get_data(as_text=True)
    return page.split('<script src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


@pytest.fixture
def own_asset_cache(tmp_path, monkeypatch):
    """The compressed copies in a temporary directory, and the served script chosen afresh (and afterwards)."""
    monkeypatch.setenv("OPINIA_ASSET_CACHE_DIR", str(tmp_path))
    plotly_asset.script_path.cache_clear()
    plotly_asset.version.cache_clear()
    yield tmp_path
    plotly_asset.script_path.cache_clear()
    plotly_asset.version.cache_clear()


def test_the_partial_bundle_is_served_and_built_from_the_python_packages_plotly_js():
    assert plotly_asset.script_path() == plotly_asset.PARTIAL_JS
    banner = plotly_asset.PARTIAL_JS.read_bytes()[:200].decode()
    # the figures' JSON is made by the Python package for its own plotly.js: the bundle is built from the same one
    assert banner.startswith(f"/* plotly.js {get_plotlyjs_version()} (MIT License) for Opinia: only the scatter, "
                             "bar and heatmap traces")


@pytest.mark.parametrize(("accept", "encoding", "decompress"), [
    ("gzip, deflate, br, zstd", "br", brotli.decompress),
    ("gzip, deflate", "gzip", gzip.decompress),
    ("identity", None, lambda body: body),
])
def test_served_compressed_and_cached_for_a_year(head_client, office, accept, encoding, decompress):
    url = script_url(head_client)
    assert f"v={plotly_asset.version()}" in url  # versioned address: another script is another URL
    response = head_client.get(url, headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert decompress(response.data) == plotly_asset.PARTIAL_JS.read_bytes()
    assert "Accept-Encoding" in response.headers["Vary"]
    cache = response.cache_control
    assert cache.public and cache.max_age == 365 * 24 * 3600 and cache.immutable
    # the staff session cookie changes on every request: on this file it would make browsers ask again
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers["Vary"]
    if encoding:
        assert len(response.data) <= WIRE_LIMIT

    again = head_client.get(url, headers={"Accept-Encoding": accept, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_the_full_script_on_request_and_a_wrong_choice_refused(own_asset_cache, monkeypatch):
    monkeypatch.setenv(plotly_asset.BUNDLE_VARIABLE, "full")
    assert plotly_asset.script_path() == plotly_asset.FULL_JS
    full_version = plotly_asset.version()
    plotly_asset.script_path.cache_clear()
    plotly_asset.version.cache_clear()
    monkeypatch.setenv(plotly_asset.BUNDLE_VARIABLE, "partial")
    assert plotly_asset.version() != full_version
    plotly_asset.script_path.cache_clear()
    monkeypatch.setenv(plotly_asset.BUNDLE_VARIABLE, "everything")
    with pytest.raises(ValueError, match=plotly_asset.BUNDLE_VARIABLE):
        plotly_asset.script_path()


def _trace_types_built() -> dict[str, set[str]]:
    """Every ``go.<Trace>`` the application's code names, by file (tests and benchmarks left out): called
    directly or wrapped, as ``analytics.charts`` wraps them to build figures without validation."""
    found: dict[str, set[str]] = {}
    skipped = {".venv", "node_modules", "tests", "bench", "migrations"}
    for path in PROJECT_ROOT.rglob("*.py"):
        if skipped & set(path.relative_to(PROJECT_ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "go"
                    and node.attr[:1].isupper() and node.attr not in ("Figure", "Layout")):
                found.setdefault(node.attr.lower(), set()).add(str(path.relative_to(PROJECT_ROOT)))
    return found


def test_every_trace_type_the_app_draws_is_in_the_partial_bundle():
    built = _trace_types_built()
    assert {"scatter", "bar", "heatmap"} <= set(built)  # the scan finds the charts' traces
    missing = {kind: files for kind, files in built.items() if kind not in plotly_asset.PARTIAL_TRACE_TYPES}
    assert not missing, f"trace types outside Plotly's partial bundle (add them to scripts/plotly-bundle/entry.js): {missing}"
