"""Benchmark: "print all posters of a department" — one PDF with a page per counter, made in one request.

    .venv/bin/python bench/posters.py                 # departments of 1, 10 and 40 counters, A4 and A6

Counters are plain ``ServicePoint`` objects in memory (the PDF needs no stored data beyond them). Printed for
each size: the median wall time of ``--repeat`` runs and the time per page. Baselines measured in the same
run: WeasyPrint rendering a one-page PDF of plain text (the fixed cost of any PDF), and the QR codes alone
(``qrcode`` SVGs for the same counters); the ratios show what the posters add on top.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.common import timed  # noqa: E402


def counters(n: int):
    from survey.models import Department, ServicePoint, new_public_token

    department = Department(code="KM", name="Wydział Komunikacji")
    return [
        ServicePoint(code=f"KM-{i}", name=f"Stanowisko {i} – rejestracja pojazdów", department=department,
                     token=new_public_token())
        for i in range(1, n + 1)
    ]


def run(sizes: list[int], repeat: int) -> None:
    from weasyprint import HTML

    from admin.posters import posters_pdf
    from admin.qr import qr_svg
    from admin.services import survey_url
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "OPINIA_PUBLIC_URL": "https://opinia.example.gov.pl",
                      "SECRET_KEY": "bench"})
    with app.test_request_context():
        posters_pdf(counters(1), "a4")  # warm-up: fonts, templates
        plain, _ = timed(lambda: HTML(string="<p>Zeskanuj kod</p>").write_pdf(), repeat)
        print(f"baseline  one-page plain-text PDF (WeasyPrint)         {plain * 1000:8.1f} ms")
        for n in sizes:
            points = counters(n)
            qr_only, _ = timed(lambda: [qr_svg(survey_url(p)) for p in points], repeat)
            print(f"baseline  {n:3d} QR codes (SVG) alone                      {qr_only * 1000:8.1f} ms")
            for size in ("a4", "a6"):
                median, _ = timed(lambda: posters_pdf(points, size), repeat)
                print(
                    f"posters   {n:3d} counters {size.upper()} -> one PDF              {median * 1000:8.1f} ms"
                    f"  ({median / n * 1000:6.1f} ms/page; x{median / plain:5.1f} plain PDF,"
                    f" x{median / qr_only:6.1f} QR alone)"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 40])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run(args.sizes, args.repeat)


if __name__ == "__main__":
    main()
