"""``chart_counts`` (answers and successes per piece of local week and month, kept by the count triggers) against
the raw answers: after answers are added and deleted, in another time zone (one whose offset is not a whole
number of hours too), for answers outside the covered years, and when migration 0010 counts the answers already
stored. The control charts read them only when they were cut in the office's zone."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import sqlalchemy as sa

from extensions import db
from survey.models import Answer, Response
from tests.signals.conftest import add_week

COLUMNS = ["bucket", "service_point_id", "question_id", "n", "success"]


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[frame["n"] > 0][COLUMNS].astype("int64")
    return frame.sort_values(COLUMNS[:3]).reset_index(drop=True)


def _arguments(tz_name: str, first: datetime | None = None):
    from analytics import queries as analytics_queries
    from analytics.chart_pieces import chart_boundaries
    from signals import queries
    from signals.charts import INDICATOR_OF_KIND
    from survey.models import utcnow

    tz = ZoneInfo(tz_name)
    _questions, ids = analytics_queries.question_catalog()
    kinds = {qid: kind for qid, (_code, kind) in ids.items() if kind in INDICATOR_OF_KIND}
    first = first or queries.first_answer_hour()
    boundaries, _weeks, _months = chart_boundaries(first.astimezone(tz).date(), utcnow().astimezone(tz).date(), tz)
    return boundaries, kinds


def _pieces_and_answers(tz_name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    from signals import queries

    boundaries, kinds = _arguments(tz_name)
    assert queries.chart_counts_fit(tz_name, boundaries)
    return _tidy(queries.chart_count_rows(boundaries, kinds)), _tidy(queries._raw_proportion_counts(boundaries, kinds))


def _cut_in(tz_name: str) -> None:
    from analytics.chart_pieces import ensure_chart_boundaries

    with db.engine.begin() as connection:
        assert ensure_chart_boundaries(connection, tz_name)


def test_chart_counts_equal_the_answers(app, answers):
    pieces, raw = _pieces_and_answers("Europe/Warsaw")
    assert len(pieces) > 10 and pieces["n"].sum() == 14 * 30 + 4 * 11
    pd.testing.assert_frame_equal(pieces, raw)


def test_deleting_answers_and_responses_takes_them_out_of_chart_counts(app, answers):
    responses = list(db.session.scalars(sa.select(Response).order_by(Response.id)))
    db.session.execute(sa.delete(Answer).where(Answer.response_id == responses[3].id))
    for response in responses[10:40:3]:
        db.session.delete(response)
    db.session.commit()
    pieces, raw = _pieces_and_answers("Europe/Warsaw")
    assert pieces["n"].sum() == 14 * 30 + 4 * 11 - 11
    pd.testing.assert_frame_equal(pieces, raw)


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/New_York"])
def test_pieces_cut_in_another_zone_equal_the_answers_there(app, answers, zone):
    from signals import queries

    _cut_in(zone)
    boundaries, _kinds = _arguments("Europe/Warsaw")
    assert not queries.chart_counts_fit("Europe/Warsaw", boundaries)
    pieces, raw = _pieces_and_answers(zone)
    pd.testing.assert_frame_equal(pieces, raw)


def test_the_charts_read_chart_counts_only_when_cut_in_the_office_zone(app, answers):
    from signals.charts import office_counts
    from signals.counts import _cache
    from survey.models import utcnow

    now = utcnow()
    from_pieces = office_counts(now, "Europe/Warsaw").frame
    assert _cache().misses == 0  # not one chunk of the day and hour counts was read
    _cut_in("Asia/Kolkata")
    from_day_counts = office_counts(now, "Europe/Warsaw").frame
    assert _cache().misses > 0
    pd.testing.assert_frame_equal(from_pieces.sort_values(COLUMNS[:3]).reset_index(drop=True),
                                  from_day_counts.sort_values(COLUMNS[:3]).reset_index(drop=True), check_dtype=False)


def test_an_answer_outside_the_covered_years_is_stored_and_counted_from_the_answers(app, answers):
    from signals import queries

    point, early = answers["KM-3"], datetime(1999, 6, 15, 9, 0, tzinfo=timezone.utc)
    version = point.survey.current_version
    question = next(q for q in version.questions if q.code == "satisfaction")
    response = Response(service_point_id=point.id, survey_version_id=version.id, channel="paper", submitted_at=early)
    response.answers.append(Answer(question_id=question.id, value_int=5))
    db.session.add(response)
    db.session.commit()
    boundaries, kinds = _arguments("Europe/Warsaw", first=early)
    assert not queries.chart_counts_fit("Europe/Warsaw", boundaries)
    assert queries.chart_count_rows(boundaries, kinds)["n"].sum() == 14 * 30 + 4 * 11  # 1999 is not in a piece
    assert queries._raw_proportion_counts(boundaries, kinds)["n"].sum() == 14 * 30 + 4 * 11 + 1


def test_migration_counts_the_answers_already_stored(tmp_path):
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from survey.definitions import import_definition, load_definition_file
    from survey.demo import DEMO_SURVEY_FILE, ensure_office_structure
    from comments.models import CommentPieceCount
    from survey.models import ChartBoundaryZone, ChartCount
    from tests.conftest import test_config

    app = create_app(test_config(f"sqlite:///{tmp_path / 'migrated.db'}"))
    with app.app_context():
        upgrade(revision="0009_day_counts_question_index")
        counters = ensure_office_structure()
        version, _, _ = import_definition(load_definition_file(DEMO_SURVEY_FILE))
        for counter in counters.values():
            counter.survey_id = version.survey_id
        db.session.commit()
        add_week(counters["KM-1"], 3, good=20, total=30)
        add_week(counters["KM-2"], 0, good=7, total=11)
        upgrade()
        inspector = sa.inspect(db.engine)
        for model in (ChartCount, ChartBoundaryZone, CommentPieceCount):
            assert {c["name"] for c in inspector.get_columns(model.__tablename__)} == {c.name for c in model.__table__.columns}
        assert db.session.scalar(sa.select(ChartBoundaryZone.timezone)) == "Europe/Warsaw"
        pieces, raw = _pieces_and_answers("Europe/Warsaw")
        assert pieces["n"].sum() == 41 and pieces["success"].sum() == 27
        pd.testing.assert_frame_equal(pieces, raw)
        add_week(counters["KM-3"], 1, good=5, total=6)  # the triggers of 0010 count it
        pd.testing.assert_frame_equal(*_pieces_and_answers("Europe/Warsaw"))
        downgrade(revision="0009_day_counts_question_index")
        assert not {"chart_counts", "comment_piece_counts"} & set(sa.inspect(db.engine).get_table_names())
        add_week(counters["KM-3"], 2, good=5, total=6)  # the triggers of 0009 again
        db.engine.dispose()


def test_a_csat_trend_by_month_reads_the_pieces_and_equals_the_answers(app, answers):
    from analytics import queries
    from analytics.dashboard_data import trend_period
    from analytics.periods import period_containing_day
    from analytics.service import _boundaries, indicators_by_month
    from survey.models import utcnow

    today = utcnow().astimezone(ZoneInfo("Europe/Warsaw")).date()
    trend = trend_period(period_containing_day(today, "quarter", "Europe/Warsaw"), today)
    boundaries = _boundaries([trend])
    _questions, ids = queries.question_catalog()
    ratings = {qid: code_kind for qid, code_kind in ids.items() if code_kind[1] == "rating_5"}
    assert queries._pieces_fit(boundaries, ratings)
    assert not queries._pieces_fit(boundaries, ids)  # the indicators of every question: the day and hour counts
    assert not queries._pieces_fit(boundaries[:-1] + [boundaries[-1] + (boundaries[1] - boundaries[0]) / 7], ratings)
    for points in (None, [answers["KM-1"].id], [answers["KM-2"].id, answers["KM-3"].id]):
        from_pieces = sorted(queries.answer_count_rows(boundaries, points, ratings, "pieces"))
        assert from_pieces == sorted(queries.answer_count_rows(boundaries, points, ratings, "raw"))
    assert sum(row[-1] for row in from_pieces) == 4 * 11
    months = indicators_by_month(trend, "KM", kinds=["rating_5"])
    assert months == indicators_by_month(trend, "KM", kinds=["rating_5"], source="raw")
    assert sum(month["questions"][0]["n"] for month in months) == 14 * 30 + 4 * 11
