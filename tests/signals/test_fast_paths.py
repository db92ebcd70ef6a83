"""The signals' fast paths against straightforward references kept here: the same charts, series and counts.

- ``spc.spc_columns`` (arrays, no DataFrame per chart) against a pandas p′ chart written out step by step;
- ``spc.run_start`` against a loop walking back from the last point;
- ``signals.charts.scope_series`` (one ``bincount`` per level) against a pandas ``groupby`` per level;
- ``signals.queries.proportion_counts`` (count tables, summed into pieces of time by a bisecting ``CASE``)
  against the same counts from the raw answers, and ``bisected_bucket_expression`` against ``bucket_expression``.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import spc
from analytics.count_queries import bisected_bucket_expression, bucket_expression
from signals.charts import OfficeCounts, scope_series

MONDAY = date(2025, 1, 6)


def reference_marks(values, center, lower, upper, lower_2, upper_2, improvement: int = 1) -> pd.DataFrame:
    """The Making Data Count rules point by point, the first that holds winning (beyond a limit, trend of 7,
    2 of 3 beyond two sigma on one side, run of 7 on one side)."""
    values, center = list(values), list(center)
    size = len(values)
    side = [(v > c) - (v < c) for v, c in zip(values, center)]

    def runs(items, length):
        marked, start = [False] * len(items), 0
        for index in range(1, len(items) + 1):
            if index == len(items) or items[index] != items[start]:
                if items[start] != 0 and index - start >= length:
                    marked[start:index] = [True] * (index - start)
                start = index
        return marked

    steps = [(b > a) - (b < a) for a, b in zip(values, values[1:])]
    trend, trend_way = [False] * size, [0] * size
    for index, held in enumerate(runs(steps, spc.TREND_LENGTH - 1)):
        if held:
            trend[index] = trend[index + 1] = True
            trend_way[index] = trend_way[index + 1] = steps[index]
    beyond_two = [v > u or v < lo for v, lo, u in zip(values, lower_2, upper_2)]
    two = [False] * size
    for first in range(size - 2):
        window = range(first, first + 3)
        if sum(beyond_two[i] for i in window) >= 2 and abs(sum(side[i] for i in window)) == 3:
            for i in window:
                two[i] = two[i] or beyond_two[i]
    outside = [v > u or v < lo for v, lo, u in zip(values, lower, upper)]
    shift = runs(side, spc.RUN_LENGTH)
    rules, marks = [], []
    for i in range(size):
        found = next(((name, way[i]) for name, holds, way in ((spc.BEYOND_LIMIT, outside, side), (spc.TREND, trend, trend_way),
                      (spc.TWO_OF_THREE, two, side), (spc.SHIFT, shift, side)) if holds[i]), (None, 0))
        rules.append(found[0])
        marks.append(spc.COMMON if found[0] is None else spc.IMPROVEMENT if found[1] * improvement > 0 else spc.CONCERN)
    return pd.DataFrame({"rule": rules, "mark": marks})


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.sampled_from([0.1, 0.25, 0.3, 0.35, 0.45, 0.5, 0.55, 0.65, 0.7, 0.75, 0.9]), max_size=30),
       improvement=st.sampled_from([1, -1]))
def test_rules_match_the_point_by_point_reference(values, improvement):
    size = len(values)
    limits = ([0.5] * size, [0.2] * size, [0.8] * size, [0.3] * size, [0.7] * size)
    got = spc.mark_points(values, *limits, improvement)
    expected = reference_marks(values, *limits, improvement)
    assert list(got["rule"]) == list(expected["rule"]) and list(got["mark"]) == list(expected["mark"])


def reference_chart(frame: pd.DataFrame, rebase_dates=(), baseline_points: int = spc.MIN_BASELINE_POINTS) -> pd.DataFrame:
    """A p′ chart the plain way: per segment, p̄ and σz from its first points, limits per point, the rules."""
    data = frame[frame["n"] > 0].sort_values("start").reset_index(drop=True)
    if data.empty:
        return pd.DataFrame(columns=spc.CHART_COLUMNS)
    data["segment"] = [sum(start >= when for when in set(rebase_dates)) for start in data["start"]]
    parts = []
    for segment, rows in data.groupby("segment", sort=True):
        rows = rows.reset_index(drop=True)
        base = rows.iloc[:baseline_points]
        center = base["count"].sum() / base["n"].sum()
        if center * (1 - center) == 0 or len(base) < 2:
            sigma_z = 1.0
        else:
            z = (base["count"] / base["n"] - center) / np.sqrt(center * (1 - center) / base["n"])
            sigma_z = z.diff().abs().iloc[1:].mean() / 1.128
        sigma_p = np.sqrt(center * (1 - center) / rows["n"])
        part = pd.DataFrame({"start": rows["start"], "n": rows["n"].astype(int), "count": rows["count"].astype(int),
                             "value": rows["count"] / rows["n"], "center": center,
                             "lower": (center - 3 * sigma_z * sigma_p).clip(0, 1),
                             "upper": (center + 3 * sigma_z * sigma_p).clip(0, 1),
                             "lower_2": (center - 2 * sigma_z * sigma_p).clip(0, 1),
                             "upper_2": (center + 2 * sigma_z * sigma_p).clip(0, 1),
                             "sigma_z": sigma_z, "segment": segment, "baseline": rows.index < baseline_points,
                             # as spc.laney_limits: trial below 12 baseline points, whatever baseline_points
                             "trial": len(base) < spc.MIN_BASELINE_POINTS})
        marked = reference_marks(part["value"], part["center"], part["lower"], part["upper"], part["lower_2"],
                                 part["upper_2"])
        parts.append(pd.concat([part, marked], axis=1))
    return pd.concat(parts, ignore_index=True)[spc.CHART_COLUMNS]


series_points = st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(points=series_points, rebase_weeks=st.lists(st.integers(0, 45), max_size=2), baseline=st.sampled_from([3, 12]),
       shuffle_seed=st.integers(0, 1000))
def test_spc_columns_match_the_pandas_reference(points, rebase_weeks, baseline, shuffle_seed):
    frame = pd.DataFrame({"start": [MONDAY + timedelta(weeks=i) for i in range(len(points))],
                          "n": [max(n, s) for n, s in points], "count": [min(n, s) for n, s in points]})
    frame = frame.sample(frac=1, random_state=shuffle_seed)  # the input order must not matter
    rebases = [MONDAY + timedelta(weeks=w) for w in rebase_weeks]
    expected = reference_chart(frame, rebases, baseline)
    got = spc.spc_chart(frame, rebases, baseline_points=baseline)
    if expected.empty:
        assert got.empty
        return
    float_columns = ["value", "center", "lower", "upper", "lower_2", "upper_2", "sigma_z"]
    pd.testing.assert_frame_equal(got[float_columns], expected[float_columns], check_dtype=False, rtol=1e-9, atol=1e-12)
    for column in ("start", "n", "count", "segment", "baseline", "trial", "rule", "mark"):
        assert list(got[column]) == list(expected[column]), column


def reference_run_start(chart: pd.DataFrame) -> int | None:
    if chart.empty or chart["mark"].iloc[-1] == spc.COMMON:
        return None
    last, first = chart.iloc[-1], len(chart) - 1
    while first > 0 and all(chart.iloc[first - 1][c] == last[c] for c in ("rule", "mark", "segment")):
        first -= 1
    return first


@settings(max_examples=100, deadline=None)
@given(points=series_points, rebase_weeks=st.lists(st.integers(0, 45), max_size=2))
def test_run_start_matches_a_walk_back_from_the_last_point(points, rebase_weeks):
    frame = pd.DataFrame({"start": [MONDAY + timedelta(weeks=i) for i in range(len(points))],
                          "n": [max(n, s) for n, s in points], "count": [min(n, s) for n, s in points]})
    chart = spc.spc_chart(frame, [MONDAY + timedelta(weeks=w) for w in rebase_weeks])
    columns = {c: chart[c].to_numpy() for c in chart.columns}
    assert spc.run_start(columns["rule"], columns["mark"], columns["segment"]) == reference_run_start(chart)


@pytest.mark.parametrize("last_week", [-1, 0, 5, 12, 13, 19, 30])
def test_a_chart_until_a_period_is_the_chart_of_the_points_up_to_it(last_week):
    from types import SimpleNamespace

    from signals.charts import ChartSeries
    from signals.services import chart_until

    counts = [40, 41, 39, 42, 38, 40, 41, 39, 40, 42, 41, 40, 30, 29, 31, 28, 30, 29, 27, 28]
    frame = pd.DataFrame({"start": [MONDAY + timedelta(weeks=i) for i in range(20)], "n": [50] * 20, "count": counts})
    rebase = MONDAY + timedelta(weeks=13)
    chart = ChartSeries("office", None, "Office", None, "q1", "csat", "week",
                        spc.spc_columns(list(frame["start"]), frame["count"], frame["n"], [rebase]))
    period = SimpleNamespace(last_day=MONDAY + timedelta(weeks=last_week, days=6))
    shown = chart_until(chart, period).points
    kept = frame[frame["start"] <= period.last_day]
    expected = reference_chart(kept, [rebase] if len(kept) > 13 else [])
    assert len(shown) == len(kept)
    if len(kept):
        assert list(shown["rule"]) == list(expected["rule"]) and list(shown["segment"]) == list(expected["segment"])
        assert shown["upper"].to_numpy() == pytest.approx(expected["upper"].to_numpy())


CATALOG = pd.DataFrame({"id": [1, 2, 3, 4], "code": ["A-1", "A-2", "B-1", "C-1"], "name": ["a1", "a2", "b1", "c1"],
                        "department_code": ["A", "A", "B", "C"], "department_name": ["dA", "dA", "dB", "dC"]})


def reference_scope_series(frame: pd.DataFrame) -> list[tuple]:
    """``(kind, code, question, weekly rows, monthly rows)`` with a pandas ``groupby`` per level and grain."""
    codes = dict(zip(CATALOG["id"], CATALOG["code"]))
    found = []
    for kind, column in (("office", None), ("department", "department_code"), ("service_point", "service_point_id")):
        keys = ([column] if column else []) + ["question"]
        per = {grain: {k if isinstance(k, tuple) else (k,): rows.groupby(grain)[["n", "success"]].sum()
                       for k, rows in frame.groupby(keys, sort=True)} for grain in ("week", "month")}
        for key, weekly in per["week"].items():
            code = codes.get(int(key[0])) if kind == "service_point" else (key[0] if column else None)
            monthly = per["month"][key]
            found.append((kind, code, key[-1], [(s, int(r.n), int(r.success)) for s, r in weekly.iterrows()],
                          [(s, int(r.n), int(r.success)) for s, r in monthly.iterrows()]))
    return found


count_rows = st.lists(st.tuples(st.integers(0, 30), st.sampled_from([1, 2, 3, 4, 99]), st.sampled_from(["q1", "q2"]),
                                st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=60)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=count_rows)
def test_scope_series_match_a_groupby_per_level(rows):
    days = [MONDAY + timedelta(days=3 * day) for day, *_ in rows]
    frame = pd.DataFrame({"service_point_id": [r[1] for r in rows], "question": [r[2] for r in rows],
                          "n": [max(r[3], r[4]) for r in rows], "success": [min(r[3], r[4]) for r in rows]})
    frame["week"] = [d - timedelta(days=d.weekday()) for d in days]
    frame["month"] = [d.replace(day=1) for d in days]
    # counter 99 is not in the catalog: it counts for the office but has no department
    frame = frame.merge(CATALOG[["id", "department_code"]], left_on="service_point_id", right_on="id", how="left")
    counts = OfficeCounts(frame, CATALOG, {"q1": "rating_5", "q2": "yes_no"}, "Europe/Warsaw", pd.Timestamp.now())
    got = [(s.kind, s.code, s.question, [(a, int(n), int(c)) for a, n, c in zip(s.weekly.start, s.weekly.n, s.weekly.count)],
            [(a, int(n), int(c)) for a, n, c in zip(s.monthly.start, s.monthly.n, s.monthly.count)])
           for s in scope_series(counts, "Office")]
    assert got == reference_scope_series(frame)


def test_proportion_counts_from_the_count_tables_equal_those_from_the_answers(app, answers):
    from flask import current_app

    from analytics import queries as analytics_queries
    from signals import queries
    from analytics.chart_pieces import chart_boundaries
    from signals.charts import INDICATOR_OF_KIND
    from survey.models import utcnow

    tz_name = current_app.config["OPINIA_TIMEZONE"]
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(tz_name)
    _questions, ids = analytics_queries.question_catalog()
    kinds = {qid: kind for qid, (_code, kind) in ids.items() if kind in INDICATOR_OF_KIND}
    first = queries.first_answer_hour()
    boundaries, _weeks, _months = chart_boundaries(first.astimezone(tz).date(), utcnow().astimezone(tz).date(), tz)
    assert analytics_queries.hourly_counts_cover(boundaries)
    columns = ["bucket", "service_point_id", "question_id", "n", "success"]

    def tidy(frame):
        frame = frame[frame["n"] > 0][columns].astype("int64")
        return frame.sort_values(columns[:3]).reset_index(drop=True)

    from_counts = tidy(queries.proportion_counts(boundaries, kinds))
    from_answers = tidy(queries._raw_proportion_counts(boundaries, kinds))
    assert len(from_counts) > 10 and from_counts["n"].sum() == 14 * 30 + 4 * 11
    pd.testing.assert_frame_equal(from_counts, from_answers)


def test_bisected_buckets_equal_the_linear_case(app, answers):
    from extensions import db
    from survey.models import Response

    times = sorted(db.session.scalars(sa.select(Response.submitted_at)).all())
    step = (times[-1] - times[0]) / 9
    boundaries = [times[0] + step * i for i in range(10)]
    boundaries[-1] = times[-1] + timedelta(seconds=1)
    for size in range(2, len(boundaries) + 1):
        edges = boundaries[:size]
        inside = sa.and_(Response.submitted_at >= edges[0], Response.submitted_at < edges[-1])
        statement = (sa.select(Response.id, bucket_expression(Response.submitted_at, edges),
                               bisected_bucket_expression(Response.submitted_at, edges))
                     .where(inside).order_by(Response.id))
        rows = db.session.execute(statement).all()
        assert rows and all(linear == bisected for _id, linear, bisected in rows)
