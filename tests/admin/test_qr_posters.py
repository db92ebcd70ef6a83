"""QR codes decode to the configured address; posters have a page per counter; rotating a token."""
from __future__ import annotations

import io

import sqlalchemy as sa
from PIL import Image
from pypdf import PdfReader
from pyzbar.pyzbar import ZBarSymbol, decode

from survey.models import AuditLog, Response, RetiredToken
from tests.admin.helpers import submit, text
from tests.conftest import csrf_token_from, hidden_value

PUBLIC_URL = "https://opinia.example.gov.pl"  # test_config's OPINIA_PUBLIC_URL


def decoded_image(image: Image.Image) -> list[str]:
    return [symbol.data.decode() for symbol in decode(image, symbols=[ZBarSymbol.QRCODE])]


def decoded(png: bytes) -> list[str]:
    return decoded_image(Image.open(io.BytesIO(png)))


def test_qr_png_decodes_to_the_configured_survey_address(admin_client, counter):
    response = admin_client.get(f"/admin/service-points/{counter.id}/qr.png")  # the request host is localhost
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert decoded(response.data) == [f"{PUBLIC_URL}/s/{counter.token}"]


def test_qr_survives_damage_to_a_fifth_of_its_modules(admin_client, counter):
    """Level H error correction: blank out a block covering ~20% of the code and it still scans."""
    image = Image.open(io.BytesIO(admin_client.get(f"/admin/service-points/{counter.id}/qr.png").data)).convert("L")
    width, height = image.size
    quiet = width // 10  # a rough guess of the border; the scratch stays inside the symbol
    scratch = Image.new("L", (int((width - 2 * quiet) * 0.45), int((height - 2 * quiet) * 0.45)), 255)
    image.paste(scratch, (width // 2 - scratch.width // 2, height // 2 - scratch.height // 2))
    assert decoded_image(image) == [f"{PUBLIC_URL}/s/{counter.token}"]


def test_qr_svg_is_a_vector_download(admin_client, counter):
    response = admin_client.get(f"/admin/service-points/{counter.id}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data and b"<path" in response.data
    assert f'qr-{counter.code}.svg' in response.headers["Content-Disposition"]


def pdf(response) -> PdfReader:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def normalised(page_text: str) -> str:
    return " ".join(page_text.split())


def test_department_poster_pdf_has_one_page_per_counter(admin_client, office):
    km = [office[code] for code in ("KM-1", "KM-2", "KM-3", "KM-4")]
    reader = pdf(admin_client.get(f"/admin/departments/{km[0].department_id}/posters-a4.pdf"))
    assert len(reader.pages) == len(km)
    for page, point in zip(reader.pages, km):
        content = normalised(page.extract_text())
        assert point.name in content
        assert "Wydział Komunikacji" in content
        assert "Zeskanuj kod i oceń naszą obsługę" in content
        assert f"opinia.example.gov.pl/o/{point.short_code}" in content.replace(" ", "")
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297


def test_department_posters_leave_out_inactive_counters(admin_client, office, db):
    office["KM-2"].active = False
    db.session.commit()
    reader = pdf(admin_client.get(f"/admin/departments/{office['KM-1'].department_id}/posters-a6.pdf"))
    assert len(reader.pages) == 3
    assert all(office["KM-2"].name not in normalised(p.extract_text()) for p in reader.pages)


def test_single_table_tent_is_a6(admin_client, counter):
    reader = pdf(admin_client.get(f"/admin/service-points/{counter.id}/poster-a6.pdf"))
    assert len(reader.pages) == 1
    assert counter.name in normalised(reader.pages[0].extract_text())
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert round(width / 72 * 25.4) == 105 and round(height / 72 * 25.4) == 148


def test_poster_qr_code_scans(admin_client, counter, tmp_path):
    """The QR on the printed poster (rasterised like a print) scans to the counter's address."""
    import shutil
    import subprocess

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "poppler-utils is installed by scripts/install-system-deps.sh"
    (tmp_path / "poster.pdf").write_bytes(admin_client.get(f"/admin/service-points/{counter.id}/poster-a4.pdf").data)
    subprocess.run([pdftoppm, "-r", "100", "-png", str(tmp_path / "poster.pdf"), str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.png"))
    assert decoded(page.read_bytes()) == [f"{PUBLIC_URL}/s/{counter.token}"]


def answer(client, token: str):
    page = client.get(f"/s/{token}")
    if page.status_code != 200:
        return page
    html = text(page)
    return client.post(
        f"/s/{token}",
        data={
            "csrf_token": csrf_token_from(html),
            "submission_id": hidden_value(html, "submission_id"),
            "lang": "pl",
            "satisfaction": "5",
        },
    )


def count_responses(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Response))


def test_rotating_a_token_retires_the_old_address(admin_client, app, counter, db):
    old_token = counter.token
    result = submit(admin_client, f"/admin/service-points/{counter.id}/rotate-token", page_url=f"/admin/service-points/{counter.id}")
    assert result.status_code == 303
    db.session.refresh(counter)
    new_token = counter.token
    assert new_token != old_token
    assert db.session.get(RetiredToken, old_token).service_point_id == counter.id
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "rotate_token")).entity_id == counter.id

    resident = app.test_client()
    old_page = resident.get(f"/s/{old_token}")
    assert old_page.status_code == 404
    assert "Ten kod nie jest już aktywny" in text(old_page)
    assert resident.post(f"/s/{old_token}", data={"satisfaction": "5"}).status_code in (400, 404)
    assert count_responses(db) == 0

    assert answer(resident, new_token).status_code == 303
    assert count_responses(db) == 1
    assert decoded(admin_client.get(f"/admin/service-points/{counter.id}/qr.png").data) == [f"{PUBLIC_URL}/s/{new_token}"]
