"""The themes of each comment are remembered: found when a comment is stored, or the first time a dashboard
needs them; found again after a codebook edit or a change of the text; never lemmatised again otherwise."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from analytics.themes import Codebook
from comments.codebook import (ThemeChange, codebook_version, current_codebook, ensure_codebook,
                               save_theme)
from comments.models import CommentMatch, Theme
from comments.services import compute_theme_summary, redact_stored_comments, set_tag
from extensions import db
from survey.models import Answer
from tests.conftest import csrf_token_from, hidden_value
from tests.dashboard.conftest import IN_Q3, add_response


def remembered(text: str) -> tuple[str, str] | None:
    row = db.session.execute(sa.select(CommentMatch.codebook, CommentMatch.themes)
                             .join(Answer, Answer.id == CommentMatch.answer_id)
                             .where(Answer.value_text == text)).one_or_none()
    return None if row is None else tuple(row)


def answer_id(text: str) -> int:
    return db.session.scalar(sa.select(Answer.id).where(Answer.value_text == text))


def refuse_matching(monkeypatch) -> None:
    """From now on, lemmatising a comment fails the test: every theme must come from what is remembered."""
    monkeypatch.setattr(Codebook, "match", lambda self, text: pytest.fail(f"matched again: {text}"))


@pytest.fixture
def codebook(db):
    """The codebook as the first dashboard seeds it (storing a comment never seeds it)."""
    ensure_codebook()


def waiting(summary) -> int:
    return next(t["comments"] for t in summary.themes if t["code"] == "waiting")


def test_a_second_cold_build_reads_the_remembered_themes_and_gets_the_same_figures(app, commented, monkeypatch):
    first = compute_theme_summary("2026-Q3", "KM")
    assert remembered("Czekałam w kolejce dwie godziny.") == (codebook_version(), "waiting")
    assert remembered("Okienko nr 3 nieczynne.") == (codebook_version(), "")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommentMatch)) == 6  # KM's, both quarters
    refuse_matching(monkeypatch)
    again = compute_theme_summary("2026-Q3", "KM")
    assert again.as_dict() == first.as_dict()
    assert again.answer_themes.equals(first.answer_themes)


def test_manual_tags_apply_on_top_of_remembered_themes(app, commented, monkeypatch):
    before = compute_theme_summary("2026-Q3", "KM")
    assert waiting(before) == 2
    praise = dict(zip(before.answer_themes["text"], before.answer_themes["themes"]))["Pani bardzo miła, dziękuję."]
    refuse_matching(monkeypatch)
    set_tag(answer_id("Pani bardzo miła, dziękuję."), "waiting", True, None)
    set_tag(answer_id("Czekałam w kolejce dwie godziny."), "waiting", False, None)
    set_tag(answer_id("czekalem w kolejce bardzo dlugo"), "waiting", False, None)
    summary = compute_theme_summary("2026-Q3", "KM")
    assert waiting(summary) == 1
    themes = dict(zip(summary.answer_themes["text"], summary.answer_themes["themes"]))
    assert "waiting" not in praise and themes["Pani bardzo miła, dziękuję."] == praise | {"waiting"}
    assert themes["Czekałam w kolejce dwie godziny."] == frozenset()


def test_a_codebook_edit_matches_every_comment_again(app, commented):
    assert waiting(compute_theme_summary("2026-Q3", "KM")) == 2
    before = codebook_version()
    words = db.session.scalar(sa.select(Theme.words).where(Theme.code == "waiting"))
    save_theme(ThemeChange("waiting", "Czekanie i kolejki", "Waiting", [*words, "okienko"]), None)
    assert codebook_version() != before
    assert waiting(compute_theme_summary("2026-Q3", "KM")) == 3
    assert remembered("Okienko nr 3 nieczynne.") == (codebook_version(), "waiting")


def test_a_resident_s_comment_is_remembered_with_its_themes_when_stored(client, db, counter, codebook):
    page = client.get(f"/s/{counter.token}").get_data(as_text=True)
    form = {"csrf_token": csrf_token_from(page), "submission_id": hidden_value(page, "submission_id"),
            "satisfaction": "2", "comment": "Czekałem w kolejce godzinę, pani niemiła."}
    assert client.post(f"/s/{counter.token}", data=form).status_code == 303
    with client.application.app_context():
        assert remembered("Czekałem w kolejce godzinę, pani niemiła.") == (codebook_version(), "courtesy waiting")


def test_a_resident_s_comment_reads_the_codebook_once(client, db, counter, codebook):
    """Matching a comment reads the codebook's rows once, not once for its size, its compiled form and its
    version: the answer is stored in as few round trips as the themes allow."""
    page = client.get(f"/s/{counter.token}").get_data(as_text=True)
    form = {"csrf_token": csrf_token_from(page), "submission_id": hidden_value(page, "submission_id"),
            "satisfaction": "2", "comment": "Czekałem w kolejce godzinę."}
    reads = []

    def count_theme_reads(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "FROM comment_themes" in statement:
            reads.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count_theme_reads)
    try:
        assert client.post(f"/s/{counter.token}", data=form).status_code == 303
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count_theme_reads)
    assert len(reads) == 1
    with client.application.app_context():
        assert remembered("Czekałem w kolejce godzinę.") == (codebook_version(), "waiting")


def test_a_paper_import_remembers_the_themes_of_its_comments(app, db, counter, codebook):
    from survey.importers import import_responses

    csv_text = ("response_id,submitted_at,service_point,question,value\n"
                "p1,2026-08-03T09:00:00+02:00,KM-3,satisfaction,2\n"
                "p1,2026-08-03T09:00:00+02:00,KM-3,comment,Długo czekałam w kolejce\n"
                "p2,2026-08-03T10:00:00+02:00,KM-3,satisfaction,5\n")
    import_responses(csv_text.encode(), "obsluga-klienta", source_name="paper.csv")
    assert remembered("Długo czekałam w kolejce") == (codebook_version(), "waiting")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommentMatch)) == 1


def test_a_comment_whose_text_changes_is_matched_again(app, office):
    add_response(office["KM-1"], IN_Q3, satisfaction=1, comment="Czekałam, proszę dzwonić 601 234 567")
    db.session.commit()
    compute_theme_summary("2026-Q3", "KM")
    assert remembered("Czekałam, proszę dzwonić 601 234 567") is not None
    redact_stored_comments()
    assert remembered("Czekałam, proszę dzwonić [TELEFON]") is None
    compute_theme_summary("2026-Q3", "KM")
    assert remembered("Czekałam, proszę dzwonić [TELEFON]") == (
        codebook_version(), " ".join(sorted(current_codebook().match("Czekałam, proszę dzwonić [TELEFON]"))))
