"""The survey editor: questions changed one at a time in a draft, choices as rows, a preview in both
languages, publishing refused while a translation is missing; a published change is a new version and old
responses keep what they answered."""
from __future__ import annotations

import re

import sqlalchemy as sa

from admin.drafts import SurveyDraft
from survey.models import AuditLog, Response, Survey, SurveyVersion
from tests.admin.helpers import submit, text
from tests.admin.test_qr_posters import answer


def versions(db, survey_id: int) -> list[SurveyVersion]:
    return list(db.session.scalars(sa.select(SurveyVersion).where(SurveyVersion.survey_id == survey_id).order_by(SurveyVersion.number)))


def open_editor(admin_client, survey_id: int) -> str:
    """Follows "Edytuj pytania" to the draft's editor; returns the editor's URL."""
    result = admin_client.get(f"/admin/surveys/{survey_id}/edit")
    assert result.status_code == 303
    return result.headers["Location"]


def question_data(**changes) -> dict:
    data = {"kind": "yes_no", "text_pl": "Czy wszystko było jasne?", "text_en": "Was everything clear?", "position": "3"}
    return {**data, **changes}


def publish(admin_client, editor: str):
    return submit(admin_client, f"{editor}/publish", page_url=editor)


def test_editor_lists_questions_with_their_texts_and_no_codes(admin_client, counter):
    editor = open_editor(admin_client, counter.survey_id)
    page = text(admin_client.get(editor))
    assert "Jak oceniasz dzisiejszą obsługę przy tym stanowisku?" in page
    assert "How satisfied are you with the service at this counter today?" in page
    assert "waiting_time" not in re.sub(r"<[^>]+>", " ", page)
    edit = text(admin_client.get(f"{editor}/questions/3"))
    assert 'value="krócej niż 5 minut"' in edit and 'value="less than 5 minutes"' in edit


def test_publishing_an_unchanged_draft_makes_no_new_version(admin_client, counter, db):
    editor = open_editor(admin_client, counter.survey_id)
    assert publish(admin_client, editor).status_code == 303
    assert len(versions(db, counter.survey_id)) == 1
    assert db.session.scalar(sa.select(SurveyDraft)) is None


def test_add_move_translate_and_publish_keeps_old_answers(admin_client, app, counter, db):
    resident = app.test_client()
    assert answer(resident, counter.token).status_code == 303
    old_version = counter.survey.current_version
    old_response = db.session.scalar(sa.select(Response))
    editor = open_editor(admin_client, counter.survey_id)

    new_page = text(admin_client.get(f"{editor}/questions/new"))
    assert "na końcu, przed komentarzem" in new_page
    assert submit(admin_client, f"{editor}/questions/new", question_data(text_en="", position="4")).status_code == 303
    warned = text(admin_client.get(editor))
    assert "Brakuje tłumaczeń na angielski" in warned
    refused = publish(admin_client, editor)
    assert refused.status_code == 400 and "Pytanie 5 nie ma tłumaczenia na angielski." in text(refused)
    assert len(versions(db, counter.survey_id)) == 1

    assert submit(admin_client, f"{editor}/questions/4", question_data(position="4")).status_code == 303
    assert submit(admin_client, f"{editor}/questions/4/move", {"direction": "up"}, page_url=editor).status_code == 303
    assert submit(admin_client, f"{editor}/questions/1/remove", page_url=editor).status_code == 303
    assert publish(admin_client, editor).status_code == 303

    db.session.expire_all()
    new = versions(db, counter.survey_id)[-1]
    assert new.number == 2
    assert [q.code for q in new.questions] == ["satisfaction", "settled", "czy_wszystko_bylo_jasne", "waiting_time", "comment"]
    assert new.questions[2].text_en == "Was everything clear?"
    response = db.session.get(Response, old_response.id)
    assert response.survey_version_id == old_version.id
    page = text(app.test_client().get(f"/s/{counter.token}?lang=en"))
    assert "Was everything clear?" in page
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "new_version"))
    assert audit.entity_id == counter.survey_id and audit.details == {"version": 2}


def test_choices_are_rows_and_need_two(admin_client, counter, db):
    editor = open_editor(admin_client, counter.survey_id)
    one = question_data(kind="single_choice", **{"choices-0-pl": "Tak", "choices-0-en": "Yes"})
    result = submit(admin_client, f"{editor}/questions/new", one)
    assert result.status_code == 400
    html = text(result)
    assert "Podaj co najmniej dwie odpowiedzi do wyboru." in html and 'class="error-summary"' in html
    assert html.index('class="error-summary"') < html.index('name="text_pl"')
    two = {**one, "choices-1-pl": "Nie wiem", "choices-1-en": "Not sure", "text_pl": "Czy przyjdziesz znowu?"}
    assert submit(admin_client, f"{editor}/questions/new", two).status_code == 303
    added = db.session.scalar(sa.select(SurveyDraft)).questions[3]
    assert [(o["value"], o["pl"], o["en"]) for o in added["options"]] == [("tak", "Tak", "Yes"), ("nie_wiem", "Nie wiem", "Not sure")]


def test_empty_question_text_is_refused_with_a_summary(admin_client, counter):
    editor = open_editor(admin_client, counter.survey_id)
    result = submit(admin_client, f"{editor}/questions/new", question_data(text_pl=""))
    assert result.status_code == 400 and 'href="#text_pl"' in text(result)


def test_preview_in_both_languages(admin_client, counter):
    editor = open_editor(admin_client, counter.survey_id)
    polish = text(admin_client.get(f"{editor}/preview/pl"))
    english = text(admin_client.get(f"{editor}/preview/en"))
    assert "Jak oceniasz dzisiejszą obsługę" in polish and "Wyślij odpowiedź" in polish
    assert "How satisfied are you" in english and "Send" in english
    assert "Podgląd na telefonie" in english  # the staff page around it stays in the staff member's language


def test_create_new_survey_and_assign_it_to_a_counter(admin_client, app, counter, db):
    data = {"code": "kasa", "title_pl": "Ankieta kasy", "title_en": "Cash desk survey"}
    created = submit(admin_client, "/admin/surveys/new", data)
    assert created.status_code == 303
    editor = created.headers["Location"]
    speed = {"kind": "rating_5", "text_pl": "Czy było szybko?", "text_en": "Was it quick?", "required": "y", "position": "0"}
    assert submit(admin_client, f"{editor}/questions/new", speed).status_code == 303
    assert publish(admin_client, editor).status_code == 303
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
