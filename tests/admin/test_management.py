"""Managing departments, counters, objectives and users through the forms; bad input stores nothing."""
from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from survey.models import AuditLog, Department, QualityObjective, ServicePoint, User
from tests.admin.helpers import submit, text
from tests.conftest import TEST_PASSWORD, login


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def audit_rows(db, entity: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.entity == entity).order_by(AuditLog.id)))


def test_create_department_is_audited(admin_client, users, db):
    before = count(db, Department)
    result = submit(admin_client, "/admin/departments/new", {"code": "sp", "name": "Wydział Spraw Obywatelskich"})
    assert result.status_code == 303
    department = db.session.scalar(sa.select(Department).where(Department.code == "SP"))
    assert department.name == "Wydział Spraw Obywatelskich"
    assert count(db, Department) == before + 1
    row = audit_rows(db, "department")[-1]
    assert (row.action, row.entity_id, row.user_id) == ("create", department.id, users["admin"].id)
    assert row.details["changes"]["name"] == [None, "Wydział Spraw Obywatelskich"]


def test_department_bad_input_is_rejected_with_messages(admin_client, office, db):
    before = count(db, Department)
    empty = submit(admin_client, "/admin/departments/new", {"code": "", "name": ""})
    assert empty.status_code == 400
    # Each message at its field and once more in the summary on top, which links to the field.
    assert text(empty).count("To pole jest wymagane.") == 4
    assert 'href="#code"' in text(empty) and 'href="#name"' in text(empty)
    bad_code = submit(admin_client, "/admin/departments/new", {"code": "K M!", "name": "X"})
    assert bad_code.status_code == 400 and "Kod: litery, cyfry" in text(bad_code)
    duplicate = submit(admin_client, "/admin/departments/new", {"code": "km", "name": "Drugi KM"})
    assert duplicate.status_code == 400 and "Wydział o tym kodzie już istnieje." in text(duplicate)
    assert count(db, Department) == before
    assert audit_rows(db, "department") == []


def test_user_text_is_escaped(admin_client, office, db):
    submit(admin_client, "/admin/departments/new", {"code": "XSS", "name": "<script>alert(1)</script>"})
    page = text(admin_client.get("/admin/departments"))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_edit_and_deactivate_department_keeps_it(admin_client, office, db):
    department = office["KM-1"].department
    url = f"/admin/departments/{department.id}"
    assert submit(admin_client, f"{url}/edit", {"code": "KM", "name": "Wydział Komunikacji i Transportu"}).status_code == 303
    assert submit(admin_client, f"{url}/active", {"active": "0"}, page_url=url).status_code == 303
    db.session.refresh(department)
    assert department.name == "Wydział Komunikacji i Transportu" and department.active is False
    assert [r.action for r in audit_rows(db, "department")] == ["update", "deactivate"]
    assert submit(admin_client, f"{url}/active", {"active": "1"}, page_url=url).status_code == 303
    db.session.refresh(department)
    assert department.active


def test_create_service_point_with_survey_and_location(admin_client, office, db):
    department = office["AB-1"].department
    survey_id = office["AB-1"].survey_id
    result = submit(
        admin_client,
        "/admin/service-points/new",
        {"code": "AB-3", "name": "Stanowisko 3 – dzienniki budowy", "department_id": department.id,
         "location_note": "I piętro, pokój 106", "survey_id": survey_id},
    )
    assert result.status_code == 303
    point = db.session.scalar(sa.select(ServicePoint).where(ServicePoint.code == "AB-3"))
    assert (point.department_id, point.survey_id, point.location_note) == (department.id, survey_id, "I piętro, pokój 106")
    assert len(point.token) >= 20
    assert audit_rows(db, "service_point")[-1].action == "create"


def test_service_point_bad_input_stores_nothing(admin_client, office, db):
    before = count(db, ServicePoint)
    department_id = office["AB-1"].department_id
    cases = [
        ({"code": "", "name": "", "department_id": department_id, "survey_id": 0}, "To pole jest wymagane."),
        ({"code": "KM-1", "name": "Dubel", "department_id": department_id, "survey_id": 0}, "Stanowisko o tym kodzie już istnieje."),
        ({"code": "AB-9", "name": "X", "department_id": 9999, "survey_id": 0}, "Nieprawidłowy wybór"),
        ({"code": "AB-9", "name": "X" * 201, "department_id": department_id, "survey_id": 0}, "Najwyżej 200 znaków."),
    ]
    for data, message in cases:
        result = submit(admin_client, "/admin/service-points/new", data)
        assert result.status_code == 400, data
        assert message in text(result), message
    assert count(db, ServicePoint) == before


def test_deactivated_counter_stops_its_survey_but_keeps_responses(admin_client, app, counter, db):
    url = f"/admin/service-points/{counter.id}"
    assert submit(admin_client, f"{url}/active", {"active": "0"}, page_url=url).status_code == 303
    assert db.session.get(ServicePoint, counter.id) is not None
    resident = app.test_client()
    assert "Ten kod nie jest już aktywny" in text(resident.get(f"/s/{counter.token}"))


def test_objective_create_and_validation(admin_client, office, db):
    department_id = office["KM-1"].department_id
    before = count(db, QualityObjective)
    good = {"name": "CSAT Komunikacji", "scope": "department", "department_id": department_id, "service_point_id": 0,
            "indicator": "csat", "question_code": "satisfaction", "comparator": ">=", "target": "85",
            "min_sample": "30", "period_kind": "quarter"}
    missing_department = submit(admin_client, "/admin/objectives/new", {**good, "department_id": 0})
    assert missing_department.status_code == 400
    assert "Wybierz wydział" in text(missing_department)
    not_a_number = submit(admin_client, "/admin/objectives/new", {**good, "target": "dużo"})
    assert not_a_number.status_code == 400 and "Podaj liczbę" in text(not_a_number)
    zero_sample = submit(admin_client, "/admin/objectives/new", {**good, "min_sample": "0"})
    assert zero_sample.status_code == 400
    assert count(db, QualityObjective) == before

    assert submit(admin_client, "/admin/objectives/new", good).status_code == 303
    objective = db.session.scalar(sa.select(QualityObjective).where(QualityObjective.name == "CSAT Komunikacji"))
    assert (objective.target, objective.department_id, objective.scope) == (0.85, department_id, "department")
    edit_page = text(admin_client.get(f"/admin/objectives/{objective.id}/edit"))
    assert 'value="85"' in edit_page
    office_wide = {**good, "scope": "office", "target": "90 %"}
    assert submit(admin_client, f"/admin/objectives/{objective.id}/edit", office_wide).status_code == 303
    db.session.refresh(objective)
    assert (objective.scope, objective.department_id, objective.target) == ("office", None, 0.9)
    assert [r.action for r in audit_rows(db, "objective")] == ["create", "update"]


def test_admin_creates_department_head_who_can_log_in(admin_client, app, office, db):
    km = office["KM-1"].department
    data = {"email": "Nowa.Kierownik@Starostwo.test", "role": "department_head", "departments": [km.id],
            "password": "bardzo-tajne-haslo"}
    assert submit(admin_client, "/admin/users/new", data).status_code == 303
    user = db.session.scalar(sa.select(User).where(User.email == "nowa.kierownik@starostwo.test"))
    assert [d.code for d in user.departments] == ["KM"]
    assert user.password_hash != "bardzo-tajne-haslo" and check_password_hash(user.password_hash, "bardzo-tajne-haslo")
    assert audit_rows(db, "user")[-1].details["changes"]["departments"] == [[], ["KM"]]
    assert "bardzo-tajne-haslo" not in str(audit_rows(db, "user")[-1].details)


def test_user_form_rejects_bad_input(admin_client, users, db):
    before = count(db, User)
    cases = [
        ({"email": "nie-email", "role": "admin", "password": "dlugie-haslo-123"}, "Podaj poprawny adres e-mail."),
        ({"email": "a@b.pl", "role": "admin", "password": "krotkie"}, "Hasło musi mieć od 10 do 200 znaków."),
        ({"email": "a@b.pl", "role": "admin", "password": ""}, "Podaj hasło."),
        ({"email": "a@b.pl", "role": "department_head", "password": "dlugie-haslo-123"}, "co najmniej jeden wydział"),
        ({"email": users["admin"].email, "role": "admin", "password": "dlugie-haslo-123"}, "już istnieje"),
        ({"email": "a@b.pl", "role": "superuser", "password": "dlugie-haslo-123"}, "Nieprawidłowy wybór"),
    ]
    for data, message in cases:
        result = submit(admin_client, "/admin/users/new", data)
        assert result.status_code == 400, data
        assert message in text(result), message
    assert count(db, User) == before


def test_deactivated_user_is_logged_out_and_admin_cannot_lock_themselves_out(client, app, users, db):
    other = app.test_client()
    login(other, users["quality_manager"])
    assert other.get("/admin/departments").status_code == 200
    login(client, users["admin"])
    url = f"/admin/users/{users['quality_manager'].id}/active"
    assert submit(client, url, {"active": "0"}, page_url="/admin/users").status_code == 303
    assert other.get("/admin/departments").status_code == 302
    own = submit(client, f"/admin/users/{users['admin'].id}/active", {"active": "0"}, page_url="/admin/users")
    assert own.status_code == 400
    db.session.refresh(users["admin"])
    assert users["admin"].active


def test_password_change_lets_the_user_log_in_with_the_new_one(admin_client, app, users, db):
    head = users["head_ab"]
    data = {"email": head.email, "role": "department_head", "departments": [d.id for d in head.departments],
            "password": "nowe-haslo-kierownika"}
    assert submit(admin_client, f"/admin/users/{head.id}/edit", data).status_code == 303
    db.session.refresh(head)
    assert check_password_hash(head.password_hash, "nowe-haslo-kierownika")
    assert not check_password_hash(head.password_hash, TEST_PASSWORD)
    assert "set_password" in [r.action for r in audit_rows(db, "user")]


def test_audit_log_page_shows_who_did_what(admin_client, users, db):
    submit(admin_client, "/admin/departments/new", {"code": "AUD", "name": "Wydział Audytu"})
    page = text(admin_client.get("/admin/audit"))
    assert users["admin"].email in page and "department" in page and "Wydział Audytu" in page


def test_counter_showing_a_deactivated_survey_can_still_be_edited(admin_client, counter, db):
    counter.survey.active = False
    db.session.commit()
    data = {"code": counter.code, "name": "Stanowisko 3 – prawa jazdy i paszporty", "department_id": counter.department_id,
            "location_note": counter.location_note, "survey_id": counter.survey_id}
    assert submit(admin_client, f"/admin/service-points/{counter.id}/edit", data).status_code == 303
    db.session.refresh(counter)
    assert counter.name == "Stanowisko 3 – prawa jazdy i paszporty"
