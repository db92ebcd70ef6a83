"""Posters an office can hang (faces, Polish and English, a short typeable address, tagged PDF), the short
address and its retirement, and dangerous actions that first ask on a page of their own."""
from __future__ import annotations

import shutil
import subprocess

import pytest
import sqlalchemy as sa

from survey.models import SHORT_CODE_ALPHABET, RetiredToken, ServicePoint, new_short_code
from tests.admin.helpers import submit, text
from tests.admin.test_qr_posters import normalised

LOOK_ALIKES = set("0O1IL2Z5S8BUV")


def test_short_codes_have_no_look_alikes():
    assert not LOOK_ALIKES & set(SHORT_CODE_ALPHABET)
    codes = {new_short_code() for _ in range(200)}
    assert all(len(code) >= 8 and set(code) <= set(SHORT_CODE_ALPHABET) for code in codes)
    assert len(codes) == 200


def test_poster_has_faces_both_languages_short_address_and_is_tagged(admin_client, counter, tmp_path):
    body = admin_client.get(f"/admin/service-points/{counter.id}/poster-a4.pdf").data
    content = normalised(pdf_text(body))
    assert "Jak oceniasz naszą obsługę?" in content
    assert "How did we do?" in content
    assert "Starostwo Powiatowe" in content
    assert f"opinia.example.gov.pl/o/{counter.short_code}" in content.replace(" ", "")
    (tmp_path / "poster.pdf").write_bytes(body)
    assert "Tagged:          yes" in pdfinfo(tmp_path / "poster.pdf")
    assert pdfua_findings(tmp_path / "poster.pdf") == []


def pdf_text(body: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages)


def pdfinfo(path) -> str:
    assert shutil.which("pdfinfo"), "poppler-utils is installed by scripts/install-system-deps.sh"
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout


def pdfua_findings(path) -> list[str]:
    """What the ``pdfua`` checker (PyPI, built on pikepdf; the machine-checkable subset of PDF/UA-1) finds."""
    from pdfua import validate

    return [f"{f.rule_id}: {f.message}" for f in validate(str(path)).findings]


def test_posters_carry_the_office_logo_when_configured(app, admin_client, counter, tmp_path):
    logo = tmp_path / "herb.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>')
    app.config["OPINIA_OFFICE_LOGO"] = str(logo)
    with_logo = admin_client.get(f"/admin/service-points/{counter.id}/poster-a6.pdf")
    app.config["OPINIA_OFFICE_LOGO"] = str(tmp_path / "missing.png")
    without = admin_client.get(f"/admin/service-points/{counter.id}/poster-a6.pdf")
    assert with_logo.status_code == without.status_code == 200
    assert len(with_logo.data) > len(without.data)


def test_short_address_leads_to_the_survey_in_any_case(app, counter):
    resident = app.test_client()
    typed = counter.short_code.lower()
    answer = resident.get(f"/o/{typed[:4]}-{typed[4:]}")
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/s/{counter.token}")
    unknown = resident.get("/o/AAAAAAAA")
    assert unknown.status_code == 404 and "Nie znaleźliśmy takiej ankiety" in text(unknown)


def test_new_code_needs_a_confirmation_page_and_retires_the_short_address(app, admin_client, counter, db):
    page = admin_client.get(f"/admin/service-points/{counter.id}")
    assert f'href="/admin/service-points/{counter.id}/rotate-token"' in text(page)
    assert "button-danger" in text(page)
    confirm = admin_client.get(f"/admin/service-points/{counter.id}/rotate-token")
    assert confirm.status_code == 200
    assert "przestaną działać" in text(confirm) and "Tak, nadaj nowy kod" in text(confirm)
    old_token, old_short = counter.token, counter.short_code
    assert submit(admin_client, f"/admin/service-points/{counter.id}/rotate-token").status_code == 303
    db.session.refresh(counter)
    assert (counter.token, counter.short_code) != (old_token, old_short)
    assert db.session.get(RetiredToken, old_short).service_point_id == counter.id
    retired = app.test_client().get(f"/o/{old_short}")
    assert retired.status_code == 404 and "Ten kod nie jest już aktywny" in text(retired)


@pytest.mark.parametrize(
    ("page", "action"),
    [
        ("/admin/service-points/{point}/deactivate", "/admin/service-points/{point}/active"),
        ("/admin/departments/{department}/deactivate", "/admin/departments/{department}/active"),
        ("/admin/surveys/{survey}/deactivate", "/admin/surveys/{survey}/active"),
    ],
)
def test_deactivation_asks_first_and_says_what_happens(admin_client, counter, page, action):
    ids = {"point": counter.id, "department": counter.department_id, "survey": counter.survey_id}
    confirm = admin_client.get(page.format(**ids))
    assert confirm.status_code == 200
    html = text(confirm)
    assert "Co się stanie" in html and "Tak, dezaktywuj" in html
    assert f'action="{action.format(**ids)}"' in html and 'name="active" type="hidden" value="0"' in html


def test_department_heads_get_no_confirmation_pages(client, users, counter):
    from tests.conftest import login

    login(client, users["head_km"])
    assert client.get(f"/admin/service-points/{counter.id}/rotate-token").status_code == 403


def test_printing_all_posters_of_a_department_without_counters_explains(admin_client, db, office):
    from survey.models import Department

    empty = Department(code="PUSTY", name="Wydział bez stanowisk")
    db.session.add(empty)
    db.session.commit()
    page = admin_client.get(f"/admin/departments/{empty.id}")
    assert "posters-a4.pdf" not in text(page)
    result = admin_client.get(f"/admin/departments/{empty.id}/posters-a4.pdf", follow_redirects=True)
    assert result.status_code == 200 and "nie ma czego drukować" in text(result)


def test_service_points_get_distinct_short_codes(db, office):
    codes = db.session.scalars(sa.select(ServicePoint.short_code)).all()
    assert len(codes) == len(set(codes)) == len(office)
