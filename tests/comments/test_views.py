"""Themes on the dashboards, comments by theme, manual tags and the codebook, as staff use them."""
from __future__ import annotations

import re

import sqlalchemy as sa

from comments.models import CommentTag, Theme
from survey.models import Answer, AuditLog
from tests.conftest import csrf_token_from, login

KM = "/dashboard/department/KM?period=2026-Q3"


def themes_row(html: str, name: str) -> str:
    match = re.search(rf'<th scope="row"><a href="[^"]*">{name}</a>.*?</tr>', html, re.S)
    assert match, f"no row for {name}"
    return match.group(0)


def comment_count(html: str, name: str) -> int:
    return int(re.search(r'<td class="num">\s*(\d+)', themes_row(html, name)).group(1))


def comments_section(html: str) -> str:
    return html[html.index('id="comments"'):]


def comment_id(db, text: str) -> int:
    return db.session.scalar(sa.select(Answer.id).where(Answer.value_text == text))


def test_department_head_sees_themes_and_filters_comments_by_one(head_client, commented):
    html = head_client.get(KM).get_data(as_text=True)
    assert "Co piszą mieszkańcy" in html and 'id="chart-themes"' in html
    assert comment_count(html, "Czekanie i kolejki") == 2 and comment_count(html, "Uprzejmość obsługi") == 1
    link = re.search(r'<a href="([^"]*theme=waiting[^"]*)">Czekanie i kolejki</a>', html).group(1).replace("&amp;", "&")
    filtered = comments_section(head_client.get(link).get_data(as_text=True))
    assert filtered.count('class="comment"') == 2
    assert "Czekałam w kolejce dwie godziny." in filtered and "Pani bardzo miła" not in filtered
    assert '<option value="waiting" selected>' in filtered


def test_a_head_never_sees_another_department_s_comments(head_client, commented):
    assert head_client.get("/comments/?department=AB&theme=waiting&period=2026-Q3").status_code == 403
    assert head_client.get("/comments/?service_point=AB-1&theme=waiting&period=2026-Q3").status_code == 403
    own = head_client.get("/comments/?theme=waiting&period=2026-Q3").get_data(as_text=True)
    assert "Czekałam w kolejce" in own and "Długa kolejka, czekałem godzinę." not in own


def test_a_head_cannot_open_or_tag_another_department_s_comment(head_client, db, commented):
    answer_id = comment_id(db, "Długa kolejka, czekałem godzinę.")
    assert head_client.get(f"/comments/{answer_id}").status_code == 403
    assert head_client.post(f"/comments/{answer_id}", data={"theme": "courtesy", "action": "add"}).status_code in (400, 403)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommentTag)) == 0


def test_malformed_or_unknown_theme_filters_are_a_400(head_client, commented):
    assert head_client.get(KM + "&theme=DROP%20TABLE").status_code == 400
    unknown = head_client.get(KM + "&theme=nie-ma-takiego")
    assert unknown.status_code == 400 and "Nieznany temat" in unknown.get_data(as_text=True)
    response = head_client.get("/comments/?theme=nie-ma-takiego&period=2026-Q3")
    assert response.status_code == 400 and "Nieznany temat" in response.get_data(as_text=True)


def test_a_manual_tag_changes_the_counts_at_once(head_client, db, commented):
    assert comment_count(head_client.get(KM).get_data(as_text=True), "Uprzejmość obsługi") == 1
    answer_id = comment_id(db, "Okienko nr 3 nieczynne.")
    page = head_client.get(f"/comments/{answer_id}").get_data(as_text=True)
    result = head_client.post(f"/comments/{answer_id}", data={
        "csrf_token": csrf_token_from(page), "theme": "courtesy", "action": "add", "next": KM})
    assert result.status_code == 303 and result.headers["Location"].endswith(KM)
    assert comment_count(head_client.get(KM).get_data(as_text=True), "Uprzejmość obsługi") == 2
    page = head_client.get(f"/comments/{comment_id(db, 'Czekałam w kolejce dwie godziny.')}").get_data(as_text=True)
    head_client.post(f"/comments/{comment_id(db, 'Czekałam w kolejce dwie godziny.')}",
                     data={"csrf_token": csrf_token_from(page), "theme": "waiting", "action": "remove"})
    assert comment_count(head_client.get(KM).get_data(as_text=True), "Czekanie i kolejki") == 1
    audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "tag")).all()
    assert [(a.entity_id, a.details["theme"], a.details["new"]) for a in audit] == [
        (answer_id, "courtesy", True), (comment_id(db, "Czekałam w kolejce dwie godziny."), "waiting", False)]


def test_the_quality_manager_edits_the_codebook_and_every_count_follows(client, db, users, commented):
    login(client, users["head_km"])
    assert client.get("/comments/codebook").status_code == 403
    assert comment_count(client.get(KM).get_data(as_text=True), "Czekanie i kolejki") == 2
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get(KM).get_data(as_text=True))})
    login(client, users["quality_manager"])
    page = client.get("/comments/codebook?edit=waiting").get_data(as_text=True)
    assert 'value="waiting"' in page
    words = ", ".join(db.session.scalar(sa.select(Theme.words).where(Theme.code == "waiting")) + ["okienko"])
    result = client.post("/comments/codebook", data={
        "csrf_token": csrf_token_from(page), "code": "waiting", "name_pl": "Czekanie i kolejki",
        "name_en": "Waiting", "words": words, "active": "y"})
    assert result.status_code == 303
    assert comment_count(client.get(KM).get_data(as_text=True), "Czekanie i kolejki") == 3
    entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity == "comment_theme")).one()
    assert "okienko" in entry.details["new"]["words"] and "okienko" not in entry.details["old"]["words"]
    bad = client.post("/comments/codebook", data={"csrf_token": csrf_token_from(page), "code": "Zły kod!",
                                                  "name_pl": "x", "words": "a"})
    assert bad.status_code == 400 and "Kod tematu" in bad.get_data(as_text=True)


def test_office_dashboard_shows_themes_and_links_to_the_comments_of_one(quality_manager_client, commented):
    html = quality_manager_client.get("/dashboard/?period=2026-Q3").get_data(as_text=True)
    assert comment_count(html, "Czekanie i kolejki") == 3
    page = quality_manager_client.get("/comments/?theme=waiting&period=2026-Q3").get_data(as_text=True)
    assert page.count('class="comment"') == 3
    csv = quality_manager_client.get("/dashboard/csv/themes.csv?period=2026-Q3").get_data(as_text=True)
    assert csv.splitlines()[0].lstrip("\ufeff").startswith("name,comments,share")
    assert "Czekanie i kolejki,3," in csv


def test_suggested_themes_are_accepted_or_dismissed(quality_manager_client, db, office):
    from tests.dashboard.conftest import IN_Q3, add_response

    for i in range(8):
        add_response(office["KM-1"], IN_Q3, satisfaction=2, comment=f"Terminal płatniczy nie przyjmuje karty ({i}).")
    for i in range(8):
        add_response(office["KM-2"], IN_Q3, satisfaction=3, comment=f"Brakuje tłumacza języka migowego, {i}.")
    db.session.commit()
    page = quality_manager_client.get("/comments/suggestions").get_data(as_text=True)
    result = quality_manager_client.post("/comments/suggestions", data={"csrf_token": csrf_token_from(page),
                                                                        "period": "2026-Q3"})
    assert result.status_code == 303
    page = quality_manager_client.get("/comments/suggestions").get_data(as_text=True)
    assert "terminal" in page and "Terminal płatniczy nie przyjmuje karty" in page
    from comments.models import ThemeSuggestion

    suggestion = next(s for s in db.session.scalars(sa.select(ThemeSuggestion)) if "terminal" in s.words)
    token = csrf_token_from(page)
    accepted = quality_manager_client.post(f"/comments/suggestions/{suggestion.id}", data={
        "csrf_token": token, "decision": "accept", "code": "payments", "name_pl": "Płatności", "name_en": "Payments",
        "words": "terminal, karta, płatniczy"})
    assert accepted.status_code == 303
    assert db.session.scalar(sa.select(Theme.name_pl).where(Theme.code == "payments")) == "Płatności"
    html = quality_manager_client.get(KM).get_data(as_text=True)
    assert comment_count(html, "Płatności") == 8
    again = quality_manager_client.post(f"/comments/suggestions/{suggestion.id}", data={"csrf_token": token,
                                                                                        "decision": "dismiss"})
    assert again.status_code == 400
