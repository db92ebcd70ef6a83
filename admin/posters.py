"""Printable counter posters (WeasyPrint): an A4 poster or an A6 table tent, one page per counter."""
from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app, render_template
from weasyprint import HTML

from admin.qr import qr_svg
from admin.services import short_survey_url, survey_url
from survey.models import ServicePoint

POSTER_SIZES = {"a4": "A4", "a6": "A6"}


@dataclass(frozen=True)
class PosterPage:
    office: str
    department: str
    counter: str
    qr_data_uri: str
    short_address: str


def poster_page(point: ServicePoint) -> PosterPage:
    svg = base64.b64encode(qr_svg(survey_url(point))).decode("ascii")
    return PosterPage(
        office=current_app.config["OPINIA_OFFICE_NAME"],
        department=point.department.name,
        counter=point.name,
        qr_data_uri=f"data:image/svg+xml;base64,{svg}",
        short_address=short_survey_url(point),
    )


def posters_pdf(points: Iterable[ServicePoint], size: str) -> bytes:
    """One PDF with a page per counter, in the given size ("a4" poster or "a6" table tent)."""
    pages = [poster_page(point) for point in points]
    html = render_template("posters/poster.html", pages=pages, size=size, page_size=POSTER_SIZES[size])
    return HTML(string=html, base_url=current_app.root_path).write_pdf()
