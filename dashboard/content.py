"""What a dashboard shows, built from ``analytics.service`` results: tiles, tables and figures.

Every number comes from the analytics package (``compute_indicators``, ``indicators_by_month``,
``comments_page``); this module only picks, labels and arranges them. Tables are built in ``dashboard.tables``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

import pandas as pd
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext

from analytics import charts, comment_queries, queries
from analytics.dashboard_data import question_labels, trend_period
from analytics.periods import Period
from analytics.service import comments_page, compute_indicators, indicators_by_month
from dashboard.cache import app_cache, max_age
from dashboard.filters import Filters, local_today
from dashboard.tables import (
    Table,
    choice_table,
    comments_table,
    distribution_table,
    first_question,
    heatmap_table,
    months_table,
    nps_table,
    scope_table,
    sorted_table,
    weekday_names,
)

DEFAULT_MIN_SAMPLE = 30
CSV_COMMENTS_BATCH = comment_queries.MAX_COMMENTS_PER_PAGE


@dataclass
class Chart:
    key: str
    title: str
    description: str
    figure_json: str
    table: Table


@dataclass
class Tile:
    key: str
    label: str
    value: float | int | None
    kind: str  # int | percent | number | nps
    n: int
    thin: bool
    low: float | None = None
    high: float | None = None
    change: float | None = None
    change_kind: str = "pp"
    significant: bool | None = None
    p_value: float | None = None


@dataclass
class Dashboard:
    """One page's content. The figures are shared by cached copies; ``filters``, ``tables`` and ``comments``
    are set per request (see ``_for_request``)."""

    scope: dict
    filters: Filters
    indicators: dict
    min_sample: int
    target: float | None
    tiles: list[Tile]
    objectives: list[dict]
    tables: dict[str, Table] = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
    comments: comment_queries.CommentsPage | None = None
    themes: object | None = None  # comments.panel.ThemePanel, set per request
    computed_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def has_answers(self) -> bool:
        return self.indicators["responses"] > 0

    @property
    def running(self) -> bool:
        """The period has not ended: its numbers are "so far"."""
        return bool(self.indicators["period_info"].get("running"))

    @property
    def previous_label(self) -> str:
        """What changes are measured against, to follow "wobec" ("compared with")."""
        previous = self.indicators["previous_period"]
        if previous.get("same_days_of"):
            return ngettext("pierwszego %(num)d dnia okresu %(period)s", "pierwszych %(num)d dni okresu %(period)s",
                            previous["days"], period=previous["same_days_of"])
        return previous["label"]


# ---- helpers ------------------------------------------------------------------------------------------


def _csat_target(objectives: list, scope: dict) -> tuple[float | None, int]:
    """The CSAT objective that applies here (the scope's own, else its department's, else the office's)."""
    candidates = [o for o in objectives if o.indicator == "csat"]
    preference = [(scope["kind"], scope["code"]), ("department", scope.get("department_code")), ("office", None)]
    for kind, code in preference:
        for spec in candidates:
            if spec.scope == kind and spec.scope_code == code:
                return spec.target, spec.min_sample
    return None, DEFAULT_MIN_SAMPLE


def chart_labels() -> dict[str, str]:
    return {
        "csat": _("CSAT"),
        "ci": _("przedział ufności 95%"),
        "target": _("cel"),
        "month": _("miesiąc"),
        "responses": _("odpowiedzi"),
        "not_conclusive": _("za mało odpowiedzi, by wyciągać wnioski"),
        "rating": _("ocena"),
        "answers": _("liczba odpowiedzi"),
        "share": _("udział"),
        "promoters": _("promotorzy (9–10)"),
        "passives": _("neutralni (7–8)"),
        "detractors": _("krytycy (0–6)"),
        "weekday": _("dzień tygodnia"),
        "hour": _("godzina"),
        "service_point": _("stanowisko"),
        "separators": ".," if get_locale().language == "en" else ", ",
    }


# ---- tiles --------------------------------------------------------------------------------------------


def headline_tiles(indicators: dict, min_sample: int) -> list[Tile]:
    previous_responses = indicators["previous_period"]["responses"]
    responses = indicators["responses"]
    tiles = [Tile("responses", _("Odpowiedzi"), responses, "int", responses, False,
                  change=responses - previous_responses, change_kind="signed")]
    questions = indicators["questions"]
    if rating := first_question(questions, "rating_5"):
        csat_change = rating["change"]["csat"]
        tiles.append(Tile("csat", _("CSAT (oceny 4–5)"), rating["csat"], "percent", rating["n"], rating["n"] < min_sample,
                          rating["csat_ci_low"], rating["csat_ci_high"], csat_change["difference"], "pp",
                          csat_change["significant"], csat_change["p_value"]))
        tiles.append(Tile("mean", _("Średnia ocena (1–5)"), rating["mean"], "number", rating["n"], rating["n"] < min_sample,
                          change=rating["change"]["mean"]["difference"], change_kind="number"))
    if nps := first_question(questions, "nps"):
        tiles.append(Tile("nps", _("NPS"), nps["nps"], "nps", nps["n"], nps["n"] < min_sample,
                          change=nps["change"]["nps"]["difference"], change_kind="nps"))
    if yes_no := first_question(questions, "yes_no"):
        change = yes_no["change"]["yes_share"]
        tiles.append(Tile("yes_share", _("Odpowiedzi „tak”"), yes_no["yes_share"], "percent", yes_no["n"],
                          yes_no["n"] < min_sample, yes_no["yes_share_ci_low"], yes_no["yes_share_ci_high"],
                          change["difference"], "pp", change["significant"], change["p_value"]))
    return tiles


# ---- charts -------------------------------------------------------------------------------------------


def _question_charts(questions: list[dict], texts: dict, filters: Filters) -> list[Chart]:
    labels = chart_labels()
    result = []
    for question in questions:
        code, kind = question["code"], question["kind"]
        title = texts.get(code, {}).get("text", code)
        options = texts.get(code, {}).get("options", {})
        if kind == "rating_5":
            table = distribution_table(f"q_{code}", title, question)
            figure = charts.rating_distribution_figure(question["distribution"], labels=labels)
            description = _("Rozkład ocen od 1 do 5.")
        elif kind == "nps":
            table = nps_table(f"q_{code}", title, question)
            figure = charts.nps_split_figure(question["promoters_count"], question["passives_count"],
                                             question["detractors_count"], labels=labels)
            description = _("Podział odpowiedzi na krytyków, neutralnych i promotorów.")
        elif kind in ("yes_no", "single_choice"):
            counts = {"1": question["yes"], "0": question["no"]} if kind == "yes_no" else question["counts"]
            option_labels = {"1": _("tak"), "0": _("nie")} if kind == "yes_no" else options
            compare = None
            if filters.compare:
                compare = ({"1": question["change"]["yes_share"]["difference"]} if kind == "yes_no"
                           else question["change"]["shares"])
            table = choice_table(f"q_{code}", title, counts, option_labels, compare)
            figure = charts.choice_figure(counts, option_labels, labels=labels)
            description = _("Liczba odpowiedzi na każdą z możliwości.")
        else:
            continue
        result.append(Chart(f"q_{code}", title, description, charts.figure_json(figure), table))
    return result


def _trend_chart(months: list[dict], target: float | None, min_sample: int, markers: list[dict]) -> Chart:
    table = months_table(months, min_sample)
    frame = pd.DataFrame(table.rows, columns=["month", "n", "csat", "csat_ci_low", "csat_ci_high"])
    figure = charts.csat_by_month_figure(frame, target=target, min_sample=min_sample, labels=chart_labels())
    charts.add_action_markers(figure, markers, _("działania doskonalące"))
    description = _("Linia: CSAT w miesiącu; pasmo: przedział ufności 95%; linia przerywana: cel. "
                    "Puste kółko: za mało odpowiedzi, by wyciągać wnioski.")
    if markers:
        description += " " + _("Trójkąt: miesiąc, od którego obowiązuje działanie doskonalące.")
    return Chart("months", table.caption, description, charts.figure_json(figure), table)


def _points_chart(table: Table, target: float | None, min_sample: int) -> Chart:
    frame = pd.DataFrame(sorted(table.rows, key=lambda r: r["code"]),
                         columns=["code", "name", "n", "csat", "csat_ci_low", "csat_ci_high"])
    figure = charts.service_point_bar_figure(frame, target=target, min_sample=min_sample, labels=chart_labels())
    description = _("CSAT każdego stanowiska z przedziałem ufności 95%; jasny słupek: za mało odpowiedzi.")
    return Chart("service_points", _("CSAT według stanowisk"), description, charts.figure_json(figure), table)


def _heatmap_chart(cells: list[dict]) -> Chart:
    frame = pd.DataFrame(cells, columns=["weekday", "hour", "responses"])
    table = heatmap_table(frame)
    figure = charts.weekday_hour_heatmap_figure(frame, weekday_names(), labels=chart_labels())
    description = _("Liczba odpowiedzi w każdej godzinie każdego dnia tygodnia (czas urzędu).")
    return Chart("weekday_hour", table.caption, description, charts.figure_json(figure), table)


# ---- the dashboards -----------------------------------------------------------------------------------


def _base(filters: Filters, department_code: str | None, service_point_code: str | None) -> Dashboard:
    indicators = compute_indicators(filters.period, department_code, service_point_code)
    scope = {**indicators["scope"], "department_code": department_code}
    target, min_sample = _csat_target(queries.active_objectives(), scope)
    return Dashboard(scope, filters, indicators, min_sample, target,
                     headline_tiles(indicators, min_sample), indicators["objectives"])


def _window(filters: Filters, *periods) -> tuple[datetime, datetime]:
    """The stretch of time a dashboard's numbers come from: the previous period to the end of the period."""
    periods = (filters.period, filters.period.previous(), *periods)
    return min(p.start for p in periods), max(p.end for p in periods)


def _period_only(filters: Filters) -> Filters:
    """What the expensive part of a dashboard depends on (sorting and comment paging are applied per request)."""
    return Filters(period=filters.period, compare=filters.compare)


def _for_request(base: Dashboard, filters: Filters) -> Dashboard:
    tables = {key: sorted_table(t, filters) if t.sortable else t for key, t in base.tables.items()}
    return replace(base, filters=filters, tables=tables)


def office_dashboard(filters: Filters, lang: str) -> Dashboard:
    """The office overview (cached until an answer arrives within its time window, see ``dashboard.cache``)."""
    base_filters = _period_only(filters)
    trend = trend_period(filters.period, local_today(filters.period.tz_name))
    base = app_cache().get_or_build(("office", base_filters, lang, trend), _window(filters, trend),
                                    lambda: _office_dashboard(base_filters, trend), max_age())
    dashboard = _for_request(base, filters)
    _add_themes(dashboard, filters, None, None)
    return dashboard


def scope_dashboard(filters: Filters, lang: str, department_code: str | None = None,
                    service_point_code: str | None = None) -> Dashboard:
    """A department's or a counter's dashboard; the figures and the comments page are cached separately."""
    base_filters = _period_only(filters)
    trend = trend_period(filters.period, local_today(filters.period.tz_name))
    base = app_cache().get_or_build(
        ("scope", base_filters, lang, department_code, service_point_code, trend),
        _window(filters, trend),
        lambda: _scope_dashboard(base_filters, lang, trend, department_code, service_point_code),
        max_age(),
    )
    dashboard = _for_request(base, filters)
    dashboard.comments = _comments(filters, department_code, service_point_code)
    dashboard.tables["comments"] = comments_table(dashboard.comments.items, filters.period.tz_name)
    _add_themes(dashboard, filters, department_code, service_point_code)
    return dashboard


def _comments(filters: Filters, department_code: str | None, service_point_code: str | None,
              page: int | None = None, per_page: int = comment_queries.COMMENTS_PER_PAGE) -> comment_queries.CommentsPage:
    """One page of the scope's comments; with a theme filter, the comments raising that theme."""
    page = page or filters.page
    if filters.theme:
        from comments.services import comments_with_theme, theme_summary

        summary = theme_summary(filters.period, department_code, service_point_code, get_locale().language)
        return comments_with_theme(summary, filters.theme, text=filters.query or None, ratings=filters.ratings,
                                   page=page, per_page=per_page)
    return app_cache().get_or_build(
        ("comments", filters.period, department_code, service_point_code, filters.query, filters.ratings, page, per_page),
        (filters.period.start, filters.period.end),
        lambda: comments_page(filters.period, department_code, service_point_code, text=filters.query or None,
                              ratings=list(filters.ratings) or None, page=page, per_page=per_page),
        max_age(),
    )


def _add_themes(dashboard: Dashboard, filters: Filters, department_code: str | None,
                service_point_code: str | None) -> None:
    """The themes chart and table (``comments.panel``); a bar or a name opens the comments of that theme."""
    from flask import url_for

    from comments.panel import theme_panel

    if department_code is None:
        links = {theme.code: url_for("comments.index", theme=theme.code, **filters.period_args())
                 for theme in _active_themes()}
    else:
        endpoint, code = (("dashboard.service_point", service_point_code) if service_point_code
                          else ("dashboard.department", department_code))
        links = {theme.code: url_for(endpoint, code=code, **filters.args(theme=theme.code, page=1, query="", ratings=()))
                 + "#comments" for theme in _active_themes()}
    dashboard.themes = theme_panel(filters, links, department_code, service_point_code)
    dashboard.tables["themes"] = dashboard.themes.table


def _active_themes():
    from comments.codebook import current_codebook

    return current_codebook().themes


def _office_dashboard(filters: Filters, trend: Period) -> Dashboard:
    """The office's tiles, objectives, CSAT by month (the overview's chart) and the departments table."""
    dashboard = _base(filters, None, None)
    dashboard.tables["departments"] = scope_table(
        "departments", _("Wydziały"), dashboard.indicators["by_department"], filters.compare, dashboard.min_sample)
    from actions.markers import trend_markers

    months = indicators_by_month(trend, kinds=["rating_5"])
    chart = _trend_chart(months, dashboard.target, dashboard.min_sample, trend_markers(None, None))
    dashboard.charts.append(chart)
    dashboard.tables[chart.table.key] = chart.table
    add_served_section(dashboard)
    return dashboard


def _scope_dashboard(filters: Filters, lang: str, trend: Period, department_code: str | None,
                     service_point_code: str | None) -> Dashboard:
    """A department's or a counter's figures and tables: the office's parts plus the charts."""
    dashboard = _base(filters, department_code, service_point_code)
    indicators, min_sample, target = dashboard.indicators, dashboard.min_sample, dashboard.target
    if service_point_code is None:
        points = scope_table("service_points", _("Stanowiska"), indicators["by_service_point"], filters.compare,
                             min_sample)
        dashboard.tables["service_points"] = points
        dashboard.charts.append(_points_chart(points, target, min_sample))
    from actions.markers import trend_markers

    months = indicators_by_month(trend, department_code, service_point_code, kinds=["rating_5"])
    dashboard.charts.insert(0, _trend_chart(months, target, min_sample, trend_markers(department_code, service_point_code)))
    dashboard.charts += _question_charts(indicators["questions"], question_labels(lang), filters)
    dashboard.charts.append(_heatmap_chart(indicators["by_weekday_hour"]))
    for chart in dashboard.charts:
        dashboard.tables[chart.table.key] = chart.table
    add_served_section(dashboard)
    return dashboard


def add_served_section(dashboard: Dashboard) -> None:
    """The queue system's figures (served/dashboard.py), imported here to keep the import graph one-way."""
    from served.dashboard import add_served_section as add

    add(dashboard)


def all_comments_table(filters: Filters, department_code: str | None, service_point_code: str | None) -> Table:
    """Every comment matching the filters (all pages), for the CSV download."""
    items: list[dict] = []
    page = 1
    while True:
        batch = _comments(filters, department_code, service_point_code, page, CSV_COMMENTS_BATCH)
        items += batch.items
        if page >= batch.pages:
            break
        page += 1
    return comments_table(items, filters.period.tz_name)
