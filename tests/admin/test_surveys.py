"""Editing surveys in the staff pages: a change makes a new version, old responses keep what they answered."""
from __future__ import annotations

import sqlalchemy as sa

from admin.survey_editor import options_to_text
from survey.models import AuditLog, Response, Survey, SurveyVersion
from tests.admin.helpers import submit, text
from tests.admin.test_qr_posters import answer


def editor_data(version: SurveyVersion) -> dict:
    """What the edit form posts when nothing is changed (the spare row left empty)."""
    data = {"code": version.survey.code, "title_pl": version.title_pl, "title_en": version.title_en,
            "intro_pl": version.intro_pl, "intro_en": version.intro_en}
    for i, q in enumerate(version.questions):
        data.update({f"questions-{i}-code": q.code, f"questions-{i}-kind": q.kind, f"questions-{i}-text_pl": q.text_pl,
                     f"questions-{i}-text_en": q.text_en, f"questions-{i}-options": options_to_text(q.options or []),
                     f"questions-{i}-max_length": q.max_length or ""})
        if q.required:
            data[f"questions-{i}-required"] = "y"
    spare = len(version.questions)
    data.update({f"questions-{spare}-code": "", f"questions-{spare}-kind": "rating_5"})
    return data


def versions(db, survey_id: int) -> list[SurveyVersion]:
    return list(db.session.scalars(sa.select(SurveyVersion).where(SurveyVersion.survey_id == survey_id).order_by(SurveyVersion.number)))


def test_edit_form_shows_current_questions_in_both_languages(admin_client, counter):
    page = text(admin_client.get(f"/admin/surveys/{counter.survey_id}/edit"))
    assert "Jak oceniasz dzisiejszą obsługę przy tym stanowisku?" in page
    assert "How satisfied are you with the service at this counter today?" in page
    assert "lt5 | krócej niż 5 minut | less than 5 minutes" in page


def test_saving_unchanged_survey_makes_no_new_version(admin_client, counter, db):
    version = counter.survey.current_version
    result = submit(admin_client, f"/admin/surveys/{counter.survey_id}/edit", editor_data(version))
    assert result.status_code == 303
    assert len(versions(db, counter.survey_id)) == 1


def test_editing_after_responses_keeps_old_answers_intact(admin_client, app, counter, db):
    resident = app.test_client()
    assert answer(resident, counter.token).status_code == 303
    old_version = counter.survey.current_version
    old_response = db.session.scalar(sa.select(Response))
    old_answer = old_response.answers[0]
    old_question_id, old_text = old_answer.question_id, old_answer.question.text_pl

    data = editor_data(old_version)
    data["questions-0-text_pl"] = "Jak oceniasz obsługę?"
    data["questions-1-remove"] = "y"  # drop the NPS question
    spare = len(old_version.questions)
    data.update({f"questions-{spare}-code": "clarity", f"questions-{spare}-kind": "yes_no",
                 f"questions-{spare}-text_pl": "Czy wszystko było jasne?", f"questions-{spare}-text_en": "Was everything clear?"})
    result = submit(admin_client, f"/admin/surveys/{counter.survey_id}/edit", data)
    assert result.status_code == 303

    db.session.expire_all()
    all_versions = versions(db, counter.survey_id)
    assert [v.number for v in all_versions] == [1, 2]
    new = all_versions[1]
    assert [q.code for q in new.questions] == ["satisfaction", "settled", "waiting_time", "comment", "clarity"]
    assert new.questions[0].text_pl == "Jak oceniasz obsługę?"

    response = db.session.get(Response, old_response.id)
    assert response.survey_version_id == old_version.id
    assert response.answers[0].question_id == old_question_id
    assert response.answers[0].question.text_pl == old_text
    assert response.answers[0].value_int == 5
    assert [q.code for q in db.session.get(SurveyVersion, old_version.id).questions][:2] == ["satisfaction", "recommend"]

    next_resident = app.test_client()
    survey_page = text(next_resident.get(f"/s/{counter.token}"))
    assert "Jak oceniasz obsługę?" in survey_page and "Czy wszystko było jasne?" in survey_page
    assert answer(next_resident, counter.token).status_code == 303
    newest = db.session.scalar(sa.select(Response).order_by(Response.id.desc()))
    assert newest.survey_version_id == new.id
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "new_version"))
    assert audit.entity_id == counter.survey_id and audit.details == {"version": 2}


def test_bad_survey_input_is_rejected_and_stores_nothing(admin_client, counter, db):
    version = counter.survey.current_version
    url = f"/admin/surveys/{counter.survey_id}/edit"
    no_text = {**editor_data(version), "questions-0-text_pl": ""}
    one_option = {**editor_data(version), "questions-3-options": "lt5 | krócej niż 5 minut"}
    duplicate = {**editor_data(version), "questions-1-code": "satisfaction"}
    bad_code = {**editor_data(version), "questions-1-code": "Polecenie!"}
    no_title = {**editor_data(version), "title_pl": ""}
    everything_removed = {**editor_data(version), **{f"questions-{i}-remove": "y" for i in range(len(version.questions))}}
    cases = [
        (no_text, "Podaj treść pytania po polsku."),
        (one_option, "Podaj co najmniej dwie odpowiedzi"),
        (duplicate, "Kody pytań muszą być różne."),
        (bad_code, "Kod: małe litery"),
        (no_title, "To pole jest wymagane."),
        (everything_removed, "Ankieta musi mieć co najmniej jedno pytanie."),
    ]
    for data, message in cases:
        result = submit(admin_client, url, data)
        assert result.status_code == 400, message
        assert message in text(result), message
    assert len(versions(db, counter.survey_id)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.entity == "survey")) == 0


def test_survey_code_cannot_be_changed(admin_client, counter, db):
    data = {**editor_data(counter.survey.current_version), "code": "inna-ankieta"}
    result = submit(admin_client, f"/admin/surveys/{counter.survey_id}/edit", data)
    assert result.status_code == 400 and "Kodu ankiety nie można zmienić." in text(result)
    assert db.session.scalar(sa.select(Survey).where(Survey.code == "inna-ankieta")) is None


def test_create_new_survey_and_assign_it_to_a_counter(admin_client, app, counter, db):
    data = {"code": "kasa", "title_pl": "Ankieta kasy", "title_en": "Cash desk survey",
            "questions-0-code": "speed", "questions-0-kind": "rating_5", "questions-0-text_pl": "Czy było szybko?",
            "questions-0-text_en": "Was it quick?", "questions-0-required": "y"}
    assert submit(admin_client, "/admin/surveys/new", data).status_code == 303
    survey = db.session.scalar(sa.select(Survey).where(Survey.code == "kasa"))
    assert survey.current_version.questions[0].text_en == "Was it quick?"
    duplicate = submit(admin_client, "/admin/surveys/new", data)
    assert duplicate.status_code == 400 and "Ankieta o tym kodzie już istnieje." in text(duplicate)

    point_data = {"code": counter.code, "name": counter.name, "department_id": counter.department_id,
                  "location_note": counter.location_note, "survey_id": survey.id}
    assert submit(admin_client, f"/admin/service-points/{counter.id}/edit", point_data).status_code == 303
    page = text(app.test_client().get(f"/s/{counter.token}"))
    assert "Ankieta kasy" in page and "Czy było szybko?" in page


def test_deactivated_survey_keeps_its_versions(admin_client, app, counter, db):
    url = f"/admin/surveys/{counter.survey_id}"
    assert submit(admin_client, f"{url}/active", {"active": "0"}, page_url=url).status_code == 303
    db.session.expire_all()
    assert db.session.get(Survey, counter.survey_id).active is False
    assert len(versions(db, counter.survey_id)) == 1
    assert app.test_client().get(f"/s/{counter.token}").status_code == 404


def test_questions_can_be_reordered(admin_client, counter, db):
    version = counter.survey.current_version
    data = editor_data(version)
    data.update({f"questions-{i}-position": str(i + 1) for i in range(len(version.questions))})
    data["questions-0-position"] = "9"  # satisfaction moves last
    assert submit(admin_client, f"/admin/surveys/{counter.survey_id}/edit", data).status_code == 303
    db.session.expire_all()
    newest = versions(db, counter.survey_id)[-1]
    assert [q.code for q in newest.questions] == ["recommend", "settled", "waiting_time", "comment", "satisfaction"]
    assert [q.position for q in newest.questions] == [0, 1, 2, 3, 4]
