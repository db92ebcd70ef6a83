"""Plotly's JavaScript: compressed for browsers that accept it, the same bytes once decompressed, cached for a year."""
from __future__ import annotations

import gzip

import brotli
import pytest

from dashboard.plotly_asset import PLOTLY_JS

ORIGINAL = PLOTLY_JS.read_bytes()


def script_url(client) -> str:
    page = client.get("/dashboard/department/KM?period=2026-Q3").get_data(as_text=True)
    return page.split('<script src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


@pytest.mark.parametrize(("accept", "encoding", "decompress"), [
    ("gzip, deflate, br, zstd", "br", brotli.decompress),
    ("gzip, deflate", "gzip", gzip.decompress),
    ("identity", None, lambda body: body),
])
def test_served_compressed_and_cached_for_a_year(head_client, office, accept, encoding, decompress):
    url = script_url(head_client)
    assert "v=" in url  # versioned address: a new plotly is a new URL
    response = head_client.get(url, headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert decompress(response.data) == ORIGINAL
    assert "Accept-Encoding" in response.headers["Vary"]
    cache = response.cache_control
    assert cache.public and cache.max_age == 365 * 24 * 3600 and cache.immutable
    # the staff session cookie changes on every request: on this file it would make browsers ask again
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers["Vary"]
    if encoding:
        assert len(response.data) <= 1_500_000

    again = head_client.get(url, headers={"Accept-Encoding": accept, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data
