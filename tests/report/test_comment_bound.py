"""The report shows a bounded selection of comments — the 10 lowest-rated per department in chapter 4 and, in
appendix A, the most frequent few per department and rating with how many more there are — while the CSV
export keeps every comment. Driven as a quality manager downloads the report."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone

import pytest

from tests.report.conftest import PERIOD, _store
from tests.report.test_report import squash

# KM-1, all rated 2: 14 different comments, the first one written three times -> 16 comments in 14 groups.
TEXTS = [f"Uwaga numer {i:02d}" for i in range(1, 15)]
KM_ANSWERS = [("KM-1", 2, 5, 0, text) for text in TEXTS + TEXTS[:1] * 2]


@pytest.fixture
def many_comments(report_office):
    _store(report_office, KM_ANSWERS, datetime(2026, 8, 3, 8, 0, tzinfo=timezone.utc))
    return report_office


def shown(document: str) -> list[str]:
    return sorted(set(re.findall(r"Uwaga numer \d\d", document)))


def test_the_report_shows_the_bound_and_how_many_more_the_export_has_all(quality_manager_client, many_comments, tmp_path):
    page = quality_manager_client.get(f"/reports/management-review.html?period={PERIOD}&department=KM")
    assert page.status_code == 200
    html = squash(page.get_data(as_text=True))
    # Chapter 4: the department's 10 first groups, the most frequent first; appendix A: the 3 most frequent of
    # rating 2 (01 ×3, 02, 03: 5 comments), and the other 11 of the 16 as a count.
    assert shown(html) == TEXTS[:10]
    assert "Wydział Komunikacji – 16 komentarzy" in html
    appendix = html[html.index("Załącznik A."):html.index("Załącznik B.")]
    assert re.findall(r"Uwaga numer \d\d", appendix) == TEXTS[:3]
    assert "KM-1 · ocena 2 · 3×</span> — <span class=\"comment\">Uwaga numer 01" in appendix
    assert "Ocena 2 – 16 komentarzy" in appendix
    assert "… i 11 kolejnych komentarzy z oceną 2 – pełna lista w eksporcie CSV/XLSX i na pulpicie wydziału." in appendix

    pdf = quality_manager_client.get(f"/reports/management-review.pdf?period={PERIOD}&department=KM")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    path = tmp_path / "km.pdf"
    path.write_bytes(pdf.data)
    from tests.report.test_report import pdf_text

    text = pdf_text(path)
    assert shown(text) == TEXTS[:10]
    assert "i 11 kolejnych komentarzy z oceną 2" in text

    export = quality_manager_client.get(f"/reports/responses.csv?period={PERIOD}&department=KM")
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    comments = [row["comment"] for row in rows if row["comment"].startswith("Uwaga numer")]
    assert sorted(comments) == sorted(TEXTS + TEXTS[:1] * 2)


def test_the_bound_is_configurable(app, quality_manager_client, many_comments):
    app.config["OPINIA_REPORT_COMMENTS_PER_RATING"] = 1
    html = squash(quality_manager_client.get(f"/reports/management-review.html?period={PERIOD}&department=KM")
                  .get_data(as_text=True))
    appendix = html[html.index("Załącznik A."):html.index("Załącznik B.")]
    assert re.findall(r"Uwaga numer \d\d", appendix) == TEXTS[:1]
    assert "… i 13 kolejnych komentarzy z oceną 2" in appendix
