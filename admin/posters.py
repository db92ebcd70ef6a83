"""Printable counter posters (WeasyPrint): an A4 poster or an A6 table tent, one page per counter.

A poster carries the office's name and optional logo (``OPINIA_OFFICE_LOGO``), the counter, the five faces
of the survey, a Polish and an English line, the QR code and the short address to type (``/o/<code>``).
The PDF is tagged (PDF/UA-1 variant, document language Polish) so screen readers can read it.
"""
from __future__ import annotations

import base64
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template
from weasyprint import HTML

from admin.qr import qr_svg
from admin.services import short_survey_url, survey_url
from survey.models import ServicePoint

POSTER_SIZES = {"a4": "A4", "a6": "A6"}
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False}


@dataclass(frozen=True)
class PosterPage:
    office: str
    department: str
    counter: str
    qr_data_uri: str
    short_address: str


def data_uri(content: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"


def office_logo_uri() -> str | None:
    """The configured logo as a data URI, or None when none is set or the file cannot be read (logged)."""
    path = current_app.config.get("OPINIA_OFFICE_LOGO")
    if not path:
        return None
    media_type = mimetypes.guess_type(path)[0]
    try:
        content = Path(path).read_bytes()
    except OSError:
        current_app.logger.warning("OPINIA_OFFICE_LOGO %s cannot be read; posters are printed without a logo", path)
        return None
    return data_uri(content, media_type or "image/png")


def poster_page(point: ServicePoint) -> PosterPage:
    return PosterPage(
        office=current_app.config["OPINIA_OFFICE_NAME"],
        department=point.department.name,
        counter=point.name,
        qr_data_uri=data_uri(qr_svg(survey_url(point)), "image/svg+xml"),
        short_address=short_survey_url(point),
    )


def posters_html(points: Iterable[ServicePoint], size: str) -> str:
    pages = [poster_page(point) for point in points]
    faces = data_uri(render_template("posters/faces.svg").encode("utf-8"), "image/svg+xml")
    return render_template(
        "posters/poster.html", pages=pages, size=size, page_size=POSTER_SIZES[size], logo=office_logo_uri(),
        faces_uri=faces,
    )


def posters_pdf(points: Iterable[ServicePoint], size: str) -> bytes:
    """One tagged PDF with a page per counter, in the given size ("a4" poster or "a6" table tent)."""
    html = posters_html(points, size)
    return HTML(string=html, base_url=current_app.root_path).write_pdf(**PDF_OPTIONS)
