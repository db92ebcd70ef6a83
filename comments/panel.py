"""The themes part of a dashboard: a chart and a table built from ``comments.services.theme_summary``."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _

from analytics.charts import figure_json
from analytics.theme_charts import themes_figure
from comments.services import ThemeSummary, theme_summary
from dashboard.content import Chart, chart_labels
from dashboard.tables import Column, Table
from dashboard.filters import Filters


@dataclass
class ThemePanel:
    summary: ThemeSummary
    chart: Chart
    links: dict[str, str]

    @property
    def table(self) -> Table:
        return self.chart.table


def themes_table(summary: ThemeSummary, compare: bool) -> Table:
    columns = [Column("name", _("Temat")), Column("comments", _("Komentarze"), "int"),
               Column("share", _("Udział w komentarzach"), "percent"),
               Column("mean_rating", _("Średnia ocena"), "number"),
               Column("low_high_ratio", _("Częściej przy ocenach 1–2 niż 4–5 (razy)"), "number")]
    if compare:
        columns.append(Column("change", _("Zmiana udziału (pp)"), "pp"))
    rows = [{**theme, "_thin": False} for theme in summary.themes]
    return Table("themes", _("Tematy komentarzy"), columns, rows)


def theme_panel(filters: Filters, links: dict[str, str], department_code: str | None = None,
                service_point_code: str | None = None) -> ThemePanel:
    summary = theme_summary(filters.period, department_code, service_point_code, get_locale().language)
    table = themes_table(summary, filters.compare)
    labels = {**chart_labels(), "comments": _("komentarze"), "share": _("udział w komentarzach")}
    figure = themes_figure(summary.themes, links, labels)
    description = _("Jaka część komentarzy porusza każdy temat; kliknij słupek lub nazwę tematu, aby zobaczyć te "
                    "komentarze.")
    return ThemePanel(summary, Chart("themes", _("O czym piszą mieszkańcy"), description, figure_json(figure), table),
                      links)
