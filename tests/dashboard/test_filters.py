"""dashboard.filters: the URL's filters, parsed and written back."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from werkzeug.datastructures import MultiDict

from dashboard.filters import FilterError, parse_filters, period_choices

TZ = "Europe/Warsaw"


def parse(app, **args):
    with app.test_request_context():
        return parse_filters(MultiDict(args), TZ)


def test_defaults_are_the_current_quarter_compared_with_the_previous(app):
    filters = parse(app)
    now = datetime.now(timezone.utc)
    assert filters.period.kind == "quarter" and filters.period.contains(now)
    assert filters.compare and filters.sort == "name" and filters.page == 1
    assert filters.args() == {"period": filters.period.label}


@pytest.mark.parametrize("args", [
    {"period": "2026-07-01..2026-08-15"},
    {"period": "custom", "from": "2026-07-01", "to": "2026-08-15"},
    {"from": "2026-07-01", "to": "2026-08-15"},
])
def test_a_custom_range_in_any_spelling(app, args):
    filters = parse(app, **args)
    assert filters.is_custom and filters.period.label == "2026-07-01..2026-08-15"


def test_args_round_trip(app):
    filters = parse(app, period="2026-09", compare="none", sort="nps", dir="desc", q="kolejka", page="3")
    with app.test_request_context():
        again = parse_filters(MultiDict([*[(k, str(v)) for k, v in filters.args().items() if k != "rating"],
                                         ("rating", "1"), ("rating", "2")]), TZ)
    assert again.period == filters.period and not again.compare and again.sort == "nps" and again.descending
    assert again.query == "kolejka" and again.page == 3 and again.ratings == (1, 2)
    assert filters.period_args() == {"period": "2026-09", "compare": "none"}


def test_a_label_wins_over_stray_dates(app):
    assert parse(app, period="2026-Q2", **{"from": "2026-01-01", "to": "2026-01-31"}).period.label == "2026-Q2"


def test_bad_values_raise_a_filter_error(app):
    with pytest.raises(FilterError):
        parse(app, period="2026-Q5")


def test_period_choices_are_newest_first():
    now = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
    groups = dict(period_choices(TZ, now))
    assert [p.label for p in groups["month"][:2]] == ["2026-11", "2026-10"]
    assert [p.label for p in groups["quarter"][:2]] == ["2026-Q4", "2026-Q3"]
    assert [p.label for p in groups["year"]] == ["2026", "2025", "2024"]
