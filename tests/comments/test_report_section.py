"""The quarterly report's "Co piszą mieszkańcy": top themes with change and quotes, lowest ratings first."""
from __future__ import annotations

from analytics.report import build_report
from report.render import render_html


def test_report_lists_top_themes_with_quotes_lowest_rating_first(app, commented):
    report = build_report("2026-Q3", "KM")
    rows = {row["name"]: row for row in report.themes["rows"]}
    waiting = rows["Czekanie i kolejki"]
    assert (waiting["comments"], waiting["share"], waiting["change"]) == ("2", "40,0%", "−60,0 p.p.")
    assert [q["rating"] for q in waiting["quotes"]] == ["1", "2"]
    html = render_html(report, {})
    assert "Co piszą mieszkańcy" in html and "„Czekałam w kolejce dwie godziny.”" in html


def test_report_without_comments_says_so(app, office):
    assert "Brak komentarzy z rozpoznanym tematem" in render_html(build_report("2026-Q3"), {})
