"""Hostile input: at least 10,000 malformed submissions through the Flask test client, each a valid answer
with one or more real defects (wrong types, huge fields, unknown questions, missing or wrong tokens, invalid
UTF-8, duplicated fields, bad submission ids, odd content types). None may cause a 5xx; none may store anything.

Derandomized (a fixed seed), so CI sends the same 10,000 submissions every run (2,000 more on PostgreSQL).
"""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from survey.guards import ANSWERED_COOKIE
from tests.reliability.helpers import VALID_ANSWERS, count, open_form

pytestmark = pytest.mark.slow

SUBMISSIONS = 10_000
# Every defect is refused before the database is written, so PostgreSQL runs a smaller share (CI time).
POSTGRESQL_SUBMISSIONS = 2_000
# Submissions per Hypothesis example: the engine's own cost per example is paid once per batch.
BATCH = 10
QUESTIONS = {"satisfaction": range(1, 6), "recommend": range(0, 11), "settled": ("yes", "no"),
             "waiting_time": ("lt5", "5to15", "15to30", "gt30")}
UNKNOWN_NAMES = ["salary", "pesel", "satisfaction[]", "Satisfaction", "comment ", "__proto__", "", "q" * 300]


def _acceptable(code: str, value: str) -> bool:
    """Whether the form would take ``value`` for question ``code`` (WTForms coerces ratings with int())."""
    if code != "satisfaction" and not value.strip():
        return True  # an optional question left blank
    choices = QUESTIONS[code]
    if isinstance(choices, range):
        try:
            return int(value) in choices
        except ValueError:
            return False
    return value in choices


def wrong_value(code: str) -> st.SearchStrategy[str]:
    candidates = st.one_of(
        st.sampled_from(["", "0", "6", "11", "-1", "4.5", "1e3", "99999999999999999999999", "yes", "tak", "null",
                         "true", "[]", "{}", "5to15", "4; DROP TABLE responses", "<script>alert(1)</script>"]),
        st.integers(-10**30, 10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.text(max_size=40),
    )
    return candidates.filter(lambda value: not _acceptable(code, value))


@st.composite
def malformed_submission(draw) -> dict:
    """A valid answer plus 1–3 defects; returns the pieces from which the request is built."""
    fields: list[tuple[str, str]] = [(name, value) for name, value in VALID_ANSWERS.items()]
    defects = draw(st.lists(st.sampled_from(DEFECTS), min_size=1, max_size=3, unique=True))
    submission = {"fields": fields, "token": "valid", "submission_id": "valid", "encoding": "urlencoded",
                  "defects": [d.__name__ for d in defects]}
    for defect in defects:
        defect(draw, submission)
    if submission["encoding"] == "urlencoded":  # both encodings a browser may use for a form
        submission["encoding"] = draw(st.sampled_from(["urlencoded", "multipart"]))
    return submission


def wrong_type(draw, s):
    code = draw(st.sampled_from(sorted(QUESTIONS)))
    s["fields"] = [(n, v) for n, v in s["fields"] if n != code] + [(code, draw(wrong_value(code)))]


def huge_field(draw, s):
    name = draw(st.sampled_from(["comment", "satisfaction", "submission_id", "lang", "csrf_token", "unknown"]))
    size = draw(st.sampled_from([1001, 5_000, 65_000, 70_000, 300_000]))
    if name == "lang" and size < 65_536:
        size = 70_000  # the language field is only ever compared with "pl"/"en": huge only past the body limit
    s["fields"] = [(n, v) for n, v in s["fields"] if n != name] + [(name, draw(st.sampled_from("xż9<"))* size)]


def unknown_question(draw, s):
    name = draw(st.one_of(st.sampled_from(UNKNOWN_NAMES), st.text(min_size=1, max_size=20)).filter(
        lambda n: n not in QUESTIONS and n not in {"comment", "csrf_token", "submission_id", "lang"}))
    s["fields"].append((name, draw(st.text(max_size=20))))


def missing_token(draw, s):
    s["token"] = "missing"


def wrong_token(draw, s):
    s["token"] = draw(st.sampled_from(["forged", "empty", "other_session"]))


def invalid_utf8(draw, s):
    s["raw_tail"] = draw(st.sampled_from([b"&comment=%FF%FE", b"&comment=abc%C3%28", b"&comment=\xff\xfe",
                                           b"&%FF=1", b"&satisfaction=%E2%82", b"&lang=%C0%AF"]))
    s["encoding"] = "raw"
    s["fields"] = [(n, v) for n, v in s["fields"] if n != "comment"]


def duplicated_field(draw, s):
    name, _ = draw(st.sampled_from(s["fields"] or [("satisfaction", "4")]))
    s["fields"].append((name, draw(st.sampled_from(["1", "5", "yes", "lt5", "again"]))))
    if draw(st.booleans()):
        s["duplicate_hidden"] = draw(st.sampled_from(["csrf_token", "submission_id"]))


def bad_submission_id(draw, s):
    s["submission_id"] = draw(st.sampled_from(["short", "x" * 65, "spacje w środku xxxxx", "../../etc/passwd_xxxx",
                                              "'; DROP TABLE responses; --", "ąęćżźńółśąęćżźńół"]))


def missing_required(draw, s):
    s["fields"] = [(n, v) for n, v in s["fields"] if n != "satisfaction"]


def odd_content_type(draw, s):
    s["encoding"] = draw(st.sampled_from(["json", "text", "xml", "empty"]))


DEFECTS = [wrong_type, huge_field, unknown_question, missing_token, wrong_token, invalid_utf8, duplicated_field,
           bad_submission_id, missing_required, odd_content_type]


def build_request(submission: dict, hidden: dict[str, str], other_token: str) -> dict:
    """Keyword arguments for the test client's ``post``."""
    fields = list(submission["fields"])
    tokens = {"valid": hidden["csrf_token"], "forged": "IjAwMCI.forged.signature", "empty": "",
              "other_session": other_token}
    if submission["token"] != "missing":
        fields.append(("csrf_token", tokens[submission["token"]]))
    if submission["submission_id"] == "valid":
        fields.append(("submission_id", hidden["submission_id"]))
    else:
        fields.append(("submission_id", submission["submission_id"]))
    if "duplicate_hidden" in submission:
        fields.append((submission["duplicate_hidden"], "A" * 20))
    encoding = submission["encoding"]
    if encoding == "raw":
        body = urlencode(fields).encode() + submission["raw_tail"]
        return {"data": body, "content_type": "application/x-www-form-urlencoded"}
    if encoding == "multipart":
        data: dict[str, list[str]] = {}
        for name, value in fields:
            data.setdefault(name, []).append(value)
        return {"data": data, "content_type": "multipart/form-data"}
    if encoding == "json":
        return {"json": dict(fields)}
    if encoding == "text":
        return {"data": urlencode(fields), "content_type": "text/plain"}
    if encoding == "xml":
        return {"data": "<answer satisfaction='4'/>", "content_type": "application/xml"}
    if encoding == "empty":
        return {"data": b""}
    return {"data": urlencode(fields).encode(), "content_type": "application/x-www-form-urlencoded"}


@pytest.fixture
def form_session(app, client, counter):
    """The hidden fields of one opened form, and a CSRF token of another browser's session."""
    hidden = open_form(client, counter)
    other = app.test_client()
    other_token = open_form(other, counter)["csrf_token"]
    return hidden, other_token


def test_malformed_submissions_never_fail_the_server_nor_store_anything(client, db, counter, form_session, backend):
    hidden, other_token = form_session
    batches = SUBMISSIONS // BATCH if backend == "sqlite" else POSTGRESQL_SUBMISSIONS // BATCH
    sent = 0

    @settings(max_examples=batches, derandomize=True, database=None, deadline=None, print_blob=True,
              phases=[Phase.explicit, Phase.generate, Phase.shrink],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(batch=st.lists(malformed_submission(), min_size=BATCH, max_size=BATCH))
    def post_malformed(batch):
        nonlocal sent
        for submission in batch:
            client.delete_cookie(ANSWERED_COOKIE)  # each from a fresh device: the interval hides no defect
            result = client.post(f"/s/{counter.token}", **build_request(submission, hidden, other_token))
            sent += 1
            assert result.status_code in (400, 404, 413), (submission["defects"], result.status_code)
            assert "Traceback" not in result.get_data(as_text=True)
        assert count(db) == 0, [submission["defects"] for submission in batch]

    post_malformed()
    assert sent >= batches * BATCH
