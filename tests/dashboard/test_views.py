"""The dashboards as staff use them: pages, filters, scoping, thin and empty data, comments, CSV downloads."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.conftest import TEST_PASSWORD, login
from tests.dashboard.conftest import IN_Q2, IN_Q3, add_ratings, add_response

Q3 = "?period=2026-Q3"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def csv_rows(response) -> list[dict]:
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(text_of(response).lstrip("\ufeff"))))


def tile(html: str, key: str) -> str:
    match = re.search(rf'data-tile="{key}">(.*?)</li>', html, re.S)
    assert match, f"no tile {key}"
    return re.sub(r"\s+", " ", match.group(1))


@pytest.fixture
def km_data(office, db):
    """Wydział Komunikacji: KM-1 with 40 ratings in Q3 (30 satisfied: CSAT 75 %), KM-2 with 5 (thin); Q2 for change."""
    add_ratings(office["KM-1"], [5] * 20 + [4] * 10 + [2] * 10, recommend=10, settled=1)
    add_ratings(office["KM-2"], [5, 5, 1, 1, 1])
    add_ratings(office["KM-1"], [2] * 30 + [5] * 10, submitted_at=IN_Q2)
    add_ratings(office["AB-1"], [5] * 35)
    return office


def test_head_sees_own_department_with_all_parts(head_client, km_data):
    html = text_of(page := head_client.get("/dashboard/department/KM" + Q3))
    assert page.status_code == 200
    csat = tile(html, "csat")
    # 30 + 2 satisfied of 45 ratings in the department
    assert "71,1%" in csat and "n = 45" in csat
    assert "zmiana istotna statystycznie" in csat  # from 25 % (10/40) in Q2
    for key in ("months", "service_points", "q_satisfaction", "q_recommend", "q_settled", "q_waiting_time", "weekday_hour"):
        assert f'id="chart-{key}"' in html, key
        block = re.search(rf'<script type="application/json" data-chart-for="chart-{key}">(.*?)</script>', html, re.S)
        figure = json.loads(block.group(1))
        assert figure["data"], key
    assert 'href="/dashboard/service-point/KM-1?period=2026-Q3"' in html
    assert "Wydział Architektury" not in html


def test_every_script_is_external_or_data(head_client, km_data):
    html = text_of(head_client.get("/dashboard/department/KM" + Q3))
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    plotly_src = re.search(r'<script src="(/dashboard/plotly\.min\.js[^"]*)"', html).group(1)
    script = head_client.get(plotly_src.replace("&amp;", "&"))
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert b"plotly" in script.data[:2000].lower()
    assert head_client.get("/static/js/charts.js").status_code == 200


def test_head_is_refused_other_departments_everywhere(head_client, km_data):
    assert head_client.get("/dashboard/department/AB" + Q3).status_code == 403
    assert head_client.get("/dashboard/department/NOPE" + Q3).status_code == 403
    assert head_client.get("/dashboard/service-point/AB-1" + Q3).status_code == 403
    assert head_client.get("/dashboard/department/AB/csv/months.csv" + Q3).status_code == 403
    assert head_client.get("/dashboard/department/AB/csv/comments.csv" + Q3).status_code == 403
    assert head_client.get("/dashboard/service-point/AB-1/csv/months.csv" + Q3).status_code == 403
    assert head_client.get("/dashboard/csv/departments.csv" + Q3).status_code == 403


def test_head_of_one_department_is_sent_to_it(head_client, km_data):
    response = head_client.get("/dashboard/" + Q3)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/department/KM?period=2026-Q3"


def test_anonymous_is_sent_to_login(client, km_data):
    response = client.get("/dashboard/department/KM")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_office_overview_for_quality_manager(quality_manager_client, km_data):
    html = text_of(page := quality_manager_client.get("/dashboard/" + Q3))
    assert page.status_code == 200
    assert "n = 80" in tile(html, "csat")  # 45 in KM, 35 in AB
    assert 'data-objective-status="met"' in html or 'data-objective-status="not_met"' in html
    # the KM objective (CSAT >= 80 %) is not met at 71.1 %
    assert "Wydział Komunikacji – CSAT co najmniej 80% w kwartale" in html
    for code in ("KM", "AB", "GK", "OS", "KO"):
        assert f'href="/dashboard/department/{code}?period=2026-Q3"' in html


def test_departments_table_sorts_by_indicator(admin_client, km_data):
    html = text_of(admin_client.get("/dashboard/?period=2026-Q3&sort=csat&dir=desc"))
    table = html[html.index('id="table-departments"'):]
    order = re.findall(r'href="/dashboard/department/(\w+)\?', table)
    assert order[:2] == ["AB", "KM"]  # 100 % before 71 %; departments without answers last
    assert 'aria-sort="descending"' in table
    rows = csv_rows(admin_client.get("/dashboard/csv/departments.csv?period=2026-Q3&sort=csat&dir=asc"))
    assert [r["code"] for r in rows][:2] == ["KM", "AB"]
    assert rows[0]["csat"] == str(round(32 / 45, 6)) and rows[0]["responses"] == "45"
    assert rows[2]["csat"] == ""  # no answers: empty, never 0


def test_department_without_answers_says_so(head_client, office):
    html = text_of(page := head_client.get("/dashboard/department/KM" + Q3))
    assert page.status_code == 200
    assert "Brak odpowiedzi w tym okresie." in html
    assert "brak odpowiedzi" in tile(html, "csat")
    assert not re.search(r"[^\d,]0,0\s?%", html), "a share of nothing shown as 0 %"


def test_thin_sample_is_marked_not_conclusive(head_client, office):
    add_ratings(office["KM-3"], [5, 5, 4])
    html = text_of(head_client.get("/dashboard/service-point/KM-3" + Q3))
    csat = tile(html, "csat")
    assert "100,0%" in csat and "Za mało odpowiedzi, by wyciągać wnioski" in csat
    rows = csv_rows(head_client.get("/dashboard/service-point/KM-3/csv/months.csv" + Q3))
    august = next(r for r in rows if r["month"] == "2026-08")
    assert august["n"] == "3" and august["conclusive"] == "0"
    july = next(r for r in rows if r["month"] == "2026-07")
    assert july["n"] == "0" and july["csat"] == ""


def test_service_point_of_own_department(head_client, km_data):
    html = text_of(page := head_client.get("/dashboard/service-point/KM-2" + Q3))
    assert page.status_code == 200
    assert "n = 5" in tile(html, "csat")
    assert 'id="chart-service_points"' not in html  # a counter has no per-counter bars
    assert 'href="/dashboard/department/KM?period=2026-Q3"' in html  # link up


@pytest.mark.parametrize("query", [
    "?period=2026-13", "?period=yesterday", "?compare=maybe", "?sort=password", "?dir=sideways", "?page=0",
    "?page=abc", "?rating=7", "?period=custom&from=2026-01-01", "?period=custom&from=2026-02-01&to=2026-01-01",
    "?q=" + "x" * 201,
])
def test_malformed_filters_are_a_400(head_client, office, query):
    response = head_client.get("/dashboard/department/KM" + query)
    assert response.status_code == 400
    assert "Nieprawidłowe dane" in text_of(response)


def test_custom_range_and_no_comparison_are_kept_in_links(head_client, km_data):
    html = text_of(head_client.get("/dashboard/department/KM?period=custom&from=2026-08-01&to=2026-08-31&compare=none"))
    assert "2026-08-01..2026-08-31" in html
    assert "zmiana istotna" not in html and "wobec" not in html
    assert 'href="/dashboard/service-point/KM-1?period=2026-08-01..2026-08-31&amp;compare=none"' in html
    assert 'value="2026-08-01"' in html and 'value="2026-08-31"' in html
    assert "n = 45" in tile(html, "csat")


def test_comments_newest_first_filtered_paginated_and_escaped(head_client, office, db):
    counter = office["KM-1"]
    for day in range(1, 26):
        add_response(counter, IN_Q3.replace(day=day), satisfaction=5 if day % 2 else 2, comment=f"komentarz nr {day}")
    add_response(counter, IN_Q3.replace(day=27), satisfaction=1,
                 comment='<script>alert(1)</script><img src=x onerror="alert(2)">')
    db.session.commit()

    html = text_of(head_client.get("/dashboard/department/KM" + Q3))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in html
    assert "<script>alert" not in html and "<img src=x" not in html
    comments = re.findall(r"komentarz nr (\d+)", html)
    assert comments[:3] == ["25", "24", "23"] and len(comments) == 19  # 20 per page, the newest is the script one
    assert "strona 1 z 2" in html

    second = text_of(head_client.get("/dashboard/department/KM?period=2026-Q3&page=2"))
    assert re.findall(r"komentarz nr (\d+)", second) == [str(d) for d in range(6, 0, -1)]

    filtered = text_of(head_client.get("/dashboard/department/KM?period=2026-Q3&q=NR+1&rating=5"))
    assert sorted(int(n) for n in re.findall(r"komentarz nr (\d+)", filtered)) == [1, 11, 13, 15, 17, 19]

    rows = csv_rows(head_client.get("/dashboard/department/KM/csv/comments.csv" + Q3))
    assert len(rows) == 26 and rows[0]["text"].startswith("<script>")
    assert rows[0]["rating"] == "1" and rows[0]["service_point"] == "KM-1"


def test_comment_csv_is_formula_safe(head_client, office, db):
    add_response(office["KM-1"], satisfaction=3, comment="=HYPERLINK(\"http://evil\")")
    db.session.commit()
    rows = csv_rows(head_client.get("/dashboard/department/KM/csv/comments.csv" + Q3))
    assert rows[0]["text"].startswith("'=HYPERLINK")


def test_every_table_has_a_working_csv_link(head_client, km_data):
    html = text_of(head_client.get("/dashboard/department/KM" + Q3))
    links = [link.replace("&amp;", "&")
             for link in re.findall(r'href="(/dashboard/department/KM/csv/[^"]+|/signals/chart\.csv[^"]+)"', html)]
    tables = re.findall(r'<table class="data-table" id="table-(\w+)"', html)
    assert len(links) == len(tables) + 1  # plus the comments list
    for link in links:
        response = head_client.get(link)
        assert response.status_code == 200, link
        assert csv_rows(response) or "comments" in link
    assert head_client.get("/dashboard/department/KM/csv/nonsense.csv" + Q3).status_code == 404
    custom = head_client.get("/dashboard/department/KM/csv/months.csv?period=2026-07-01..2026-08-15")
    assert custom.headers["Content-Disposition"] == 'attachment; filename="opinia-KM-months-2026-07-01_2026-08-15.csv"'


def test_rating_distribution_csv_matches_answers(head_client, km_data):
    rows = csv_rows(head_client.get("/dashboard/department/KM/csv/q_satisfaction.csv" + Q3))
    assert {r["rating"]: r["count"] for r in rows} == {"1": "3", "2": "10", "3": "0", "4": "10", "5": "22"}


def test_new_answer_in_the_window_shows_at_once(head_client, office, db, app):
    add_ratings(office["KM-1"], [5] * 30)
    assert "n = 30" in tile(text_of(head_client.get("/dashboard/department/KM" + Q3)), "csat")
    add_ratings(office["KM-1"], [1], submitted_at=IN_Q3)
    assert "n = 31" in tile(text_of(head_client.get("/dashboard/department/KM" + Q3)), "csat")
    cache = app.extensions["opinia_dashboard_cache"]
    misses = cache.misses
    text_of(head_client.get("/dashboard/department/KM" + Q3))
    assert cache.misses == misses  # nothing new: served from the cache
    text_of(head_client.get("/dashboard/department/KM?period=2026-Q3&sort=csat&dir=desc&page=2"))
    assert cache.misses == misses + 1  # sorted and paged from the same figures: only the comments page is new


def test_cached_dashboard_follows_the_language(head_client, km_data):
    assert "Najważniejsze wskaźniki" in text_of(head_client.get("/dashboard/department/KM?period=2026-Q3&lang=pl"))
    english = text_of(head_client.get("/dashboard/department/KM?period=2026-Q3&lang=en"))
    assert "Key indicators" in english and "Odpowiedzi „tak”" not in english


def test_report_downloads_are_offered_for_the_same_scope(head_client, km_data):
    html = text_of(head_client.get("/dashboard/service-point/KM-1" + Q3))
    assert 'href="/reports/management-review.pdf?period=2026-Q3&amp;department=KM"' in html
    link = re.search(r'href="(/reports/responses\.csv\?[^"]+)"', html).group(1).replace("&amp;", "&")
    response = head_client.get(link)
    assert response.status_code == 200
    assert text_of(response).count("\nKM") + text_of(response).count(",KM,") >= 45


def test_head_of_several_departments_chooses_one(client, office):
    from survey.accounts import create_user

    login(client, create_user("dwa.wydzialy@starostwo.test", "department_head", TEST_PASSWORD, ("KM", "GK")))
    html = text_of(page := client.get("/dashboard/?period=2026-Q3"))
    assert page.status_code == 200
    assert 'href="/dashboard/department/KM?period=2026-Q3"' in html
    assert 'href="/dashboard/department/GK?period=2026-Q3"' in html
    assert "/dashboard/department/AB" not in html


def test_head_without_departments_sees_none(client, office, db):
    from survey.accounts import create_user

    head = create_user("bez.wydzialu@starostwo.test", "department_head", TEST_PASSWORD, ("KM",))
    head.departments = []  # the department was taken away later
    db.session.commit()
    login(client, head)
    html = text_of(client.get("/dashboard/"))
    assert "Nie masz przypisanych wydziałów." in html and "/dashboard/department/" not in html
