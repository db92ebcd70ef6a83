"""``per_request.once_per_request``: a set-up read is done once per page view (GET/HEAD), every time elsewhere,
and each caller gets a copy of its own."""
from __future__ import annotations

import pytest

from per_request import once_per_request


@pytest.fixture
def reads():
    calls = []

    @once_per_request
    def catalogue(kind: str) -> list[dict]:
        calls.append(kind)
        return [{"code": "KM", "kind": kind}]

    return catalogue, calls


def test_a_get_request_reads_once_and_each_caller_gets_its_own_copy(app, reads):
    catalogue, calls = reads
    with app.test_request_context("/dashboard/", method="GET"):
        first = catalogue("department")
        first[0]["code"] = "changed by one part of the page"
        assert catalogue("department") == [{"code": "KM", "kind": "department"}]
        catalogue("counter")
        assert calls == ["department", "counter"]
    with app.test_request_context("/dashboard/", method="GET"):
        catalogue("department")
    assert calls == ["department", "counter", "department"]  # the next page view reads again


@pytest.mark.parametrize("method", ["POST", None])
def test_posts_and_code_outside_requests_read_every_time(app, reads, method):
    catalogue, calls = reads
    if method is None:
        catalogue("department"), catalogue("department")
    else:
        with app.test_request_context("/admin/", method=method):
            catalogue("department"), catalogue("department")
    assert calls == ["department", "department"]
