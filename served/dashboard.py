"""The queue system's part of the dashboards: a table per counter (or department) with the response rate,
the warning where it is too low, and a response-rate chart per counter. ``add_served_section`` is the one
step ``dashboard.content`` takes; the template part is ``templates/dashboard/_served.html``."""
from __future__ import annotations

import pandas as pd
from flask_babel import gettext as _

from analytics import charts
from analytics.served import is_low_response_rate
from analytics.served_charts import response_rate_figure
from dashboard.content import Chart, Dashboard, chart_labels
from dashboard.tables import Column, Table
from served.services import low_response_rate


def _row(entry: dict, threshold: float) -> dict:
    return {
        "code": entry["code"], "name": entry["name"], "responses": entry["queue"]["responses_in_queue_hours"],
        "served": entry["served"], "response_rate": entry["response_rate"],
        "average_wait_minutes": entry["average_wait_minutes"], "coverage": entry["coverage"],
        "low_response_rate": is_low_response_rate(entry["response_rate"], threshold),
    }


def served_table(entries: list[dict], threshold: float, caption: str) -> Table:
    columns = [
        Column("code", _("Kod")), Column("name", _("Nazwa")),
        Column("served", _("Obsłużeni (system kolejkowy)"), "int"),
        Column("responses", _("Odpowiedzi w godzinach z danymi kolejki"), "int"),
        Column("response_rate", _("Odsetek odpowiedzi"), "percent"),
        Column("average_wait_minutes", _("Średni czas oczekiwania (min)"), "number"),
        Column("coverage", _("Godziny otwarcia z danymi kolejki"), "percent"),
        Column("low_response_rate", _("Za mało odpowiedzi"), "flag"),
    ]
    return Table("served", caption, columns, [_row(e, threshold) for e in entries])


def response_rate_chart(table: Table, threshold: float) -> Chart:
    frame = pd.DataFrame(table.rows, columns=["code", "name", "served", "response_rate"])
    labels = {**chart_labels(), "response_rate": _("odsetek odpowiedzi"), "served": _("obsłużeni"),
              "threshold": _("próg ostrzeżenia"), "low": _("za mało odpowiedzi wobec liczby obsłużonych")}
    figure = response_rate_figure(frame, threshold, labels=labels)
    description = _("Odpowiedzi na 100 obsłużonych klientów w godzinach, dla których system kolejkowy ma dane; "
                    "czerwony słupek: poniżej progu ostrzeżenia. Brak słupka: brak danych z kolejki.")
    chart_table = Table("response_rate", _("Odsetek odpowiedzi według stanowisk"),
                        [c for c in table.columns if c.key in ("code", "name", "served", "responses", "response_rate")],
                        table.rows)
    return Chart("response_rate", chart_table.caption, description, charts.figure_json(figure), chart_table)


def add_served_section(dashboard: Dashboard) -> None:
    """The counters' (or, on the office page, the departments') queue figures; the chart on scope pages."""
    threshold = low_response_rate()
    indicators = dashboard.indicators
    if dashboard.scope["kind"] == "office":
        dashboard.tables["served"] = served_table(indicators["by_department"], threshold,
                                                  _("Obsługa klientów według wydziałów"))
        return
    if dashboard.scope["kind"] == "service_point":
        point = next(p for p in indicators["by_service_point"] if p["code"] == dashboard.scope["code"])
        dashboard.tables["served"] = served_table([point], threshold, _("Obsługa klientów na stanowisku"))
        return
    table = served_table(indicators["by_service_point"], threshold, _("Obsługa klientów według stanowisk"))
    dashboard.tables["served"] = table
    chart = response_rate_chart(table, threshold)
    dashboard.charts.append(chart)
    dashboard.tables[chart.table.key] = chart.table
