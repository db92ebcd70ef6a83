"""Posting staff forms the way a browser does: fetch the page, take its CSRF token, submit."""
from __future__ import annotations

from tests.conftest import csrf_token_from


def submit(client, url: str, data: dict | None = None, page_url: str | None = None):
    page = client.get(page_url or url)
    assert page.status_code == 200, f"{page_url or url} answered {page.status_code}"
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def text(response) -> str:
    return response.get_data(as_text=True)
