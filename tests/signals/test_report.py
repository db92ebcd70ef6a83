"""The quarterly report's section: each department's control chart and the signals of the quarter."""
from __future__ import annotations

import re

from analytics.periods import current_period
from report.services import management_report
from signals.services import refresh_signals
from tests.signals.conftest import add_week, steady_history


def test_the_report_shows_the_departments_chart_and_the_signals_of_the_quarter(app, office):
    steady_history(office["KM-1"])
    for weeks_ago in (3, 2, 1):
        add_week(office["KM-1"], weeks_ago, good=12)
    refresh_signals()
    quarter = current_period("quarter", app.config["OPINIA_TIMEZONE"])
    with app.test_request_context():
        html = management_report(quarter, "KM", "html").decode()
    section = html[html.index('id="sygnaly"'):html.index('id="komentarze"')]
    assert "Karty kontrolne i sygnały okresu" in section
    assert "Wydział Komunikacji: CSAT, karta kontrolna p′ Laneya (tygodnie)" in section
    assert section.count("<svg") == 1
    assert "Stanowisko 1 – rejestracja pojazdów: CSAT (odsetek ocen 4–5) – pogorszenie" in re.sub(r"\s+", " ", section)

    with app.test_request_context():
        old = management_report("2020-Q1", None, "html").decode()
    assert "W tym okresie nie było sygnałów" in old
