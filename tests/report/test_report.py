"""The management-review report: its numbers equal the indicators, residents' text stays text, empty quarters
are reported as such, the charts are drawn (PDF pages rendered to PNG under test-output/report/)."""
from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from analytics.report import build_report, labelled_counts
from analytics.report_words import decimal, integer, interval, pct, points, signed
from analytics.service import compute_indicators
from tests.report.conftest import IMG_COMMENT, PERIOD, SCRIPT_COMMENT

# Colours only the charts use (analytics.charts): the dashed red target line and the light-blue 95 % band.
TARGET_RED = ((0xA5, 0x1D, 0x2D), 10)
BAND_BLUE = ((214, 226, 242), 6)  # rgba(26, 95, 180, 0.18) over white


def run_report(app, out: Path, *args: str):
    result = app.test_cli_runner().invoke(args=["report", "--out", str(out), *args])
    return result


def pdf_text(path: Path) -> str:
    """The PDF's text (poppler's pdftotext), with all runs of white space (also no-break spaces) as one space."""
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def first_rating(questions: list[dict]) -> dict:
    return next(q for q in questions if q["kind"] == "rating_5")


def test_polish_number_formats():
    assert pct(0.8432) == "84,3%"
    assert pct(0.5) == "50,0%"
    assert pct(None) == "—"
    assert points(0.021) == "+2,1 p.p." and points(-0.1) == "−10,0 p.p."
    assert signed(-0.1) == "−0,1" and signed(32) == "+32,0"
    assert decimal(3.456) == "3,46"
    assert integer(1234) == "1\xa0234"
    assert interval(0.697, 0.7461) == "69,7%–74,6%"


def test_pdf_numbers_equal_the_indicators_and_markup_is_text(app, report_office, tmp_path, test_output):
    out = tmp_path / "q3.pdf"
    result = run_report(app, out, "--period", PERIOD, "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert "[1/6] wskaźniki okresu" in result.output and "[6/6] PDF" in result.output
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    indicators = compute_indicators(PERIOD)

    # The summary: responses, CSAT with its interval, NPS, the change against 2026-Q2 with its test.
    rating = first_rating(indicators["questions"])
    nps = next(q for q in indicators["questions"] if q["kind"] == "nps")
    assert f"wypełnili {integer(indicators['responses'])} ankiet" in text
    assert (f"było {pct(rating['csat'])} odpowiadających (CSAT, n = {integer(rating['n'])}; 95% przedział ufności "
            f"{interval(rating['csat_ci_low'], rating['csat_ci_high'])})") in text
    assert f"Średnia ocena wyniosła {decimal(rating['mean'])}" in text
    assert f"NPS wyniósł {signed(nps['nps'])}" in text
    change = rating["change"]["csat"]
    assert f"W porównaniu z okresem 2026-Q2 (CSAT {pct(change['previous'])})" in text
    assert ("istotna statystycznie" in text) and (points(change["difference"]).lstrip("+−") in text)

    # Every department's and counter's responses and CSAT, as in the indicators.
    for entry in indicators["by_department"] + indicators["by_service_point"]:
        if entry["responses"]:
            q = first_rating(entry["questions"])
            assert (f"{integer(entry['responses'])} {pct(q['csat'])} {interval(q['csat_ci_low'], q['csat_ci_high'])}"
                    f" {integer(q['n'])} {decimal(q['mean'])}") in text, entry["code"]

    # Objectives: value, n, status; the one with too few answers says why.
    for objective in indicators["objectives"]:
        assert objective["status"] in ("met", "not_met", "insufficient_data")
    ab = next(o for o in indicators["objectives"] if o["scope_code"] == "AB")
    assert ab["status"] == "insufficient_data" and ab["n"] == 4
    assert "za mało danych za mała próba: n = 4, wymagane co najmniej 30 odpowiedzi" in text

    # Hand-computed: AB gave ratings 5, 4, 2, 1 -> CSAT 2/4.
    assert "Wydział Architektury i Budownictwa 4 50,0%" in text

    # Residents' markup is printed as the characters they typed.
    assert SCRIPT_COMMENT in text
    assert IMG_COMMENT in text
    assert "Brak danych: w okresie 2026-Q3 wydział nie otrzymał żadnej odpowiedzi" in text  # GK, KO, OS

    # The charts are vector drawings: no raster image in the PDF, and their axis titles are real text.
    assert all(not page.images for page in PdfReader(out).pages)
    assert "kwartał" in text and "stanowisko" in text

    pages = render_pages(out, test_output / "report-2026-Q3", last=4)
    assert chart_pixels(pages[0], *TARGET_RED) == 0, "the cover has no chart"
    assert chart_pixels(pages[1], *BAND_BLUE) > 1000, "the office CSAT trend's confidence band is not drawn on page 2"
    assert chart_pixels(pages[1], *TARGET_RED) > 100, "the office target line is not drawn on page 2"
    assert max(chart_pixels(page, *TARGET_RED) for page in pages[2:]) > 300, "no department chart on pages 3-4"


def render_pages(pdf: Path, prefix: Path, last: int) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", str(last), str(pdf), str(prefix)], check=True)
    return sorted(prefix.parent.glob(prefix.name + "-*.png"))


def chart_pixels(png: Path, colour: tuple[int, int, int], tolerance: int) -> int:
    """How many pixels of the rendered page have (nearly) ``colour``."""
    image = Image.open(png).convert("RGB")
    return sum(
        count for count, pixel in image.getcolors(maxcolors=1 << 20)
        if all(abs(channel - wanted) < tolerance for channel, wanted in zip(pixel, colour))
    )


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_is_one_offline_file_and_escapes_comments(app, report_office, tmp_path):
    out = tmp_path / "q3.html"
    result = run_report(app, out, "--period", PERIOD, "--format", "html")
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    parser = Elements()
    parser.feed(html)
    tags = [tag for tag, _ in parser.tags]
    assert "script" not in tags and "img" not in tags and "link" not in tags
    assert not any(name.startswith("on") for _, attrs in parser.tags for name in attrs)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert tags.count("svg") >= 3 and "style" in tags
    # Each comment twice: among its department's lowest-rated comments and in appendix A; the one about the
    # queue a third time, as a quote of its theme in "Co piszą mieszkańcy".
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt; kolejka") == 3
    assert html.count("&lt;img src=x onerror=&#34;alert(2)&#34;&gt; brak ławek") == 2
    assert "AB-1 · ocena 1 · 1×</span> — <span class=\"comment\">&lt;script&gt;" in html


def test_department_report_has_only_that_department(app, report_office, tmp_path):
    out = tmp_path / "km.html"
    assert run_report(app, out, "--period", PERIOD, "--format", "html", "--department", "KM").exit_code == 0
    html = squash(out.read_text("utf-8"))
    assert "Wydział Komunikacji" in html and "Wydział Architektury" not in html
    assert "kolejka" not in html  # AB's comments stay out


def test_quarter_without_answers_says_so(app, report_office, tmp_path):
    out = tmp_path / "empty.pdf"
    result = run_report(app, out, "--period", "2025-Q1", "--format", "pdf")
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    assert "Brak danych: w okresie 2025-Q1 nie zebrano żadnej odpowiedzi" in text
    assert "za mało danych brak odpowiedzi w tym okresie" in text
    assert "Brak komentarzy w tym okresie" in text


@pytest.mark.parametrize("args, message", [
    (["--period", "2026-Q5"], "unknown period"),
    (["--period", PERIOD, "--department", "XX"], "unknown department"),
    (["--period", PERIOD, "--format", "docx"], "docx"),
])
def test_bad_period_department_or_format_writes_nothing(app, office, tmp_path, args, message):
    out = tmp_path / "r.pdf"
    result = run_report(app, out, *args)
    assert result.exit_code == 2 and message in result.output
    assert not out.exists()


def test_report_content_follows_the_rules(app, report_office):
    report = build_report(PERIOD)
    assert [d.code for d in report.departments] == ["AB", "GK", "KM", "KO", "OS"]
    ab = report.departments[0]
    assert [c["rating"] for c in ab.comments] == [1, 2, 4, 5]  # lowest ratings first
    assert ab.comments_total == 4 and [len(g.rows) for g in ab.comment_groups] == [1, 1, 1, 1]
    km = report.departments[2]
    indicators = compute_indicators(PERIOD, "KM")
    assert km.trend[-1]["quarter"] == PERIOD
    assert first_rating(km.trend[-1]["questions"]) == {k: v for k, v in first_rating(indicators["questions"]).items() if k != "change"}
    assert km.csat_target == 0.8 and report.office_csat_target == 0.85
    assert report.channels == {"web": 40}


def test_answer_counts_of_the_data_appendix_are_labelled_in_polish():
    assert labelled_counts({"kind": "yes_no", "yes": 3, "no": 1}, {}) == [("tak", 3), ("nie", 1)]
    choice = {"kind": "single_choice", "counts": {"lt5": 2, "gt30": 0}}
    assert labelled_counts(choice, {"options": {"lt5": "krócej niż 5 minut"}}) == [("krócej niż 5 minut", 2), ("gt30", 0)]
    rating = {"kind": "rating_5", "distribution": {"1": 0, "5": 4}}
    assert labelled_counts(rating, {}) == [("1", 0), ("5", 4)]
