"""``comment_facts`` (each comment's time, counter, rating and match in one row) against a recount from the raw
tables, ``comment_piece_counts`` (its rows counted per piece of local week and month by triggers) against a
recount of ``comment_facts``, and the themes summary built from them against one computed from every comment,
after each change that can move them: new answers, a manual tag, a codebook edit, a redaction, retention, a
deleted response and a comment committed after a later one was caught up."""
from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa

from analytics.service import as_period, resolve_scope
from analytics.themes import theme_statistics
from comments import queries
from comments.codebook import ThemeChange, active_themes, current_codebook, save_theme
from comments.models import CommentFact, CommentMatch, CommentPieceCount, CommentTag, Theme
from comments.services import compute_theme_summary, purge_comments, redact_stored_comments, set_tag
from comments.theme_counts import tagged
from extensions import db
from survey.models import Answer, Response
from tests.dashboard.conftest import IN_Q2, IN_Q3, add_response

SCOPES = (("KM", None), (None, None), ("KM", "KM-1"))


def kept() -> list[tuple]:
    rows = db.session.execute(sa.select(CommentFact.answer_id, CommentFact.service_point_id, CommentFact.submitted_at,
                                        CommentFact.rating, CommentFact.has_text, CommentFact.codebook,
                                        CommentFact.themes).order_by(CommentFact.answer_id)).all()
    return [(*row[:4], bool(row[4]), *row[5:]) for row in rows]


def recounted() -> list[tuple]:
    return [(*row[:4], bool(row[4]), *row[5:]) for row in queries.recounted_facts()]


def piece_cells() -> list[tuple]:
    rows = db.session.execute(sa.select(CommentPieceCount.piece, CommentPieceCount.service_point_id,
                                        CommentPieceCount.has_text, CommentPieceCount.rating, CommentPieceCount.codebook,
                                        CommentPieceCount.themes, CommentPieceCount.n)
                              .where(CommentPieceCount.n != 0)).all()
    return sorted((row[0], row[1], bool(row[2]), *row[3:]) for row in rows)


def recounted_piece_cells() -> list[tuple]:
    from analytics.chart_pieces import chart_boundaries

    tz = ZoneInfo("Europe/Warsaw")
    boundaries, _weeks, _months = chart_boundaries(date(2026, 1, 1), date(2026, 12, 31), tz)
    cells: dict[tuple, int] = {}
    for _answer_id, point, submitted_at, rating, has_text, codebook, themes in kept():
        piece = boundaries[bisect_right(boundaries, submitted_at) - 1]
        key = (piece, point, has_text, rating or 0, codebook or "", themes or "")
        cells[key] = cells.get(key, 0) + 1
    return sorted((*key, n) for key, n in cells.items())


def from_every_comment(period: str, department: str | None, point: str | None) -> dict:
    """The summary as it was computed before ``comment_facts``: every comment read with its rating and tags."""
    scope = resolve_scope(department, point)
    codebook = current_codebook()
    matched = dict(db.session.execute(sa.select(CommentMatch.answer_id, CommentMatch.themes)).all())
    marks: dict[int, list[str]] = {}
    for answer_id, code, added in db.session.execute(sa.select(CommentTag.answer_id, CommentTag.theme_code,
                                                               CommentTag.added)):
        marks.setdefault(answer_id, []).append(("+" if added else "-") + code)

    def frame(chosen):
        comments = queries.comment_frame(chosen.start, chosen.end, scope.service_point_ids)
        themes = [tagged(frozenset(matched[a].split()) if a in matched else codebook.match(text),
                         " ".join(marks[a]) if a in marks else None)
                  for a, text in zip(comments["answer_id"], comments["text"])]
        return comments.assign(themes=pd.Series(themes, index=comments.index, dtype=object))

    current, previous = frame(as_period(period)), frame(as_period(period).previous())
    return {"comments": len(current), "previous_comments": len(previous),
            "themes": theme_statistics(current, previous, active_themes(), "pl")}


def assert_exact() -> None:
    quarter = as_period("2026-Q3")
    assert queries._in_pieces(quarter.start, quarter.end)  # the summaries below read comment_piece_counts
    for department, point in SCOPES:
        summary = compute_theme_summary("2026-Q3", department, point).as_dict()
        assert {key: summary[key] for key in ("comments", "previous_comments", "themes")} == from_every_comment(
            "2026-Q3", department, point), (department, point)
    assert kept() == recounted()
    assert piece_cells() == recounted_piece_cells()


def comment_id(text: str) -> int:
    return db.session.scalar(sa.select(Answer.id).where(Answer.value_text == text))


def test_kept_rows_equal_a_recount_after_new_answers_and_tags(app, commented):
    assert_exact()
    assert len(kept()) == 7 and all(row[5] for row in kept())  # every comment, each with its match
    add_response(commented["KM-2"], IN_Q3, satisfaction=1, comment="Znowu długa kolejka.")
    add_response(commented["KM-2"], IN_Q3, satisfaction=4)  # no comment: no row
    add_response(commented["AB-1"], IN_Q2, comment="Bez oceny, za to czekałem.")
    db.session.commit()
    set_tag(comment_id("Okienko nr 3 nieczynne."), "waiting", True, None)
    set_tag(comment_id("Czekałam w kolejce dwie godziny."), "waiting", False, None)
    assert_exact()
    assert len(kept()) == 9


def test_kept_rows_follow_a_codebook_edit_a_redaction_and_retention(app, commented):
    assert_exact()
    words = db.session.scalar(sa.select(Theme.words).where(Theme.code == "waiting"))
    save_theme(ThemeChange("waiting", "Czekanie", "Waiting", [*words, "okienko"]), None)
    assert_exact()
    add_response(commented["KM-1"], IN_Q3, satisfaction=2, comment="Czekałam, proszę dzwonić 601 234 567")
    db.session.commit()
    assert_exact()
    redact_stored_comments()
    assert_exact()
    purge_comments(now=datetime(2026, 9, 1, tzinfo=timezone.utc), months=1)  # empties the Q2 comment
    assert_exact()
    assert [row[4] for row in kept()].count(False) == 1


def test_kept_rows_follow_a_deleted_response_and_a_late_commit(app, commented):
    assert_exact()
    parking = "Brak miejsc parkingowych."
    response_id = db.session.scalar(sa.select(Answer.response_id).where(Answer.value_text == parking))
    db.session.execute(sa.delete(Answer).where(Answer.response_id == response_id))
    db.session.execute(sa.delete(Response).where(Response.id == response_id))
    db.session.commit()
    assert_exact()
    # A comment committed after a later one was caught up (two writers on PostgreSQL): its row is missing
    # below the highest kept answer; the count tables tell, and the window is refilled.
    late = comment_id("Okienko nr 3 nieczynne.")
    db.session.execute(sa.delete(CommentFact).where(CommentFact.answer_id == late))
    db.session.commit()
    assert late not in [row[0] for row in kept()]
    assert_exact()
    assert late in [row[0] for row in kept()]
