"""The management-review report's CAF 6.2 section: its numbers (read back from the PDF with pdftotext) equal
the indicators JSON of the same period."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from analytics.report_words import decimal, integer, interval, pct
from analytics.service import compute_indicators
from tests.report.conftest import Q3_ANSWERS, _store
from tests.report.test_report import pdf_text, run_report, squash

PERIOD = "2026-Q3"


def quarter_of_queue_data() -> str:
    """Every Q3 2026 weekday 07–15 h at KM-1, KM-3 and AB-1; waits change from day to day (2, 12, 22, 32 min)."""
    lines = ["date,hour,service_point,served,average_wait_minutes"]
    day = date(2026, 7, 1)
    while day <= date(2026, 9, 30):
        if day.weekday() < 5:
            for hour in range(7, 16):
                for code, served in (("KM-1", 30), ("KM-3", 12), ("AB-1", 150)):
                    lines.append(f"{day},{hour},{code},{served},{(day.day % 4) * 10 + 2}")
        day += timedelta(days=1)
    return "\n".join(lines) + "\n"


@pytest.fixture
def queue_quarter(db, office, write_csv, import_served):
    _store(office, Q3_ANSWERS, datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc))
    result = import_served(write_csv("q3.csv", quarter_of_queue_data()), "hourly")
    assert result.exit_code == 0, result.stderr
    return office


def section(text: str) -> str:
    start = text.index("6. Wyniki działania: obsługa klientów według systemu kolejkowego (CAF 6.2)")
    return text[start:text.index("Załącznik A", start)]


def minutes(value: float) -> str:
    return decimal(value, 1) + " min"


def rate(value: float | None) -> str:
    return pct(value, 2)


def test_the_caf_section_of_the_pdf_equals_the_indicators(app, queue_quarter, tmp_path):
    out = tmp_path / "q3.pdf"
    assert run_report(app, out, "--period", PERIOD, "--format", "pdf").exit_code == 0
    text = section(pdf_text(out))
    data = compute_indicators(PERIOD)
    assert data["served"] > 0 and 0 < data["coverage"] < 1
    headline = (f"Cały zakres {integer(data['served'])} {minutes(data['average_wait_minutes'])} "
                f"{integer(data['queue']['responses_in_queue_hours'])} {rate(data['response_rate'])} {pct(data['coverage'])}")
    assert squash(headline) in text
    counters = {c["code"]: c for c in data["by_service_point"]}
    for code in ("KM-1", "KM-3", "AB-1"):
        c = counters[code]
        assert squash(f"{code} {integer(c['served'])} {minutes(c['average_wait_minutes'])} "
                      f"{integer(c['queue']['responses_in_queue_hours'])} {rate(c['response_rate'])} {pct(c['coverage'])}") in text
    assert "KM-2 — — 0 — —" in text  # no queue data: dashes, never 0 served
    # AB-1 served 150 an hour and got 4 answers: below the 2 % warning line.
    assert f"AB-1 ({rate(counters['AB-1']['response_rate'])})" in text
    labels = {"lt5": "poniżej 5 min", "5to15": "5–15 min", "15to30": "15–30 min", "gt30": "30 min i dłużej"}
    for band in data["queue"]["csat_by_wait_band"]:
        row = f"{labels[band['band']]} {integer(band['n'])} {pct(band['csat'])} {interval(band['csat_ci_low'], band['csat_ci_high'])}"
        assert squash(row) in text
    assert sum(b["n"] for b in data["queue"]["csat_by_wait_band"]) == data["queue"]["responses_in_queue_hours"] == 28
    assert squash(f"({integer(data['queue']['covered_hours'])} z {integer(data['queue']['opening_hours'])})") in text


def test_a_period_without_queue_data_says_so(app, db, office, tmp_path):
    out = tmp_path / "q3.html"
    assert run_report(app, out, "--period", PERIOD, "--format", "html").exit_code == 0
    assert "Brak danych z systemu kolejkowego w okresie 2026-Q3." in out.read_text(encoding="utf-8")
