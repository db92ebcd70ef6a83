"""The tables of a dashboard: one structure for the HTML page and for its CSV download, so the two always
hold the same numbers. Built from ``analytics.service`` results; labels in the page's language."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
from flask_babel import gettext as _

from admin.display import local_datetime
from analytics import charts
from dashboard.filters import Filters


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | int | percent | number | nps | pp | signed | flag (see dashboard.formatting)


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]
    rows: list[dict]
    sortable: bool = False

    def csv_header(self) -> list[str]:
        return [c.key for c in self.columns]

    def csv_rows(self) -> Iterator[list]:
        for row in self.rows:
            yield [_csv_value(row.get(c.key), c.kind) for c in self.columns]


def _csv_value(value, kind: str):
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 6)
    if kind == "flag":
        return int(bool(value))
    return value


def first_question(questions: list[dict], kind: str) -> dict | None:
    return next((q for q in questions if q["kind"] == kind), None)


def weekday_names() -> list[str]:
    return [_("pon."), _("wt."), _("śr."), _("czw."), _("pt."), _("sob."), _("niedz.")]


def _scope_row(entry: dict, min_sample: int) -> dict:
    questions = entry["questions"]
    rating = first_question(questions, "rating_5") or {}
    nps = first_question(questions, "nps") or {}
    yes_no = first_question(questions, "yes_no") or {}
    csat_change = rating.get("change", {}).get("csat", {})
    return {
        "code": entry["code"],
        "name": entry["name"],
        "responses": entry["responses"],
        "n": rating.get("n", 0),
        "csat": rating.get("csat"),
        "csat_ci_low": rating.get("csat_ci_low"),
        "csat_ci_high": rating.get("csat_ci_high"),
        "mean": rating.get("mean"),
        "nps": nps.get("nps"),
        "yes_share": yes_no.get("yes_share"),
        "csat_change": csat_change.get("difference"),
        "csat_change_significant": csat_change.get("significant"),
        "_thin": rating.get("n", 0) < min_sample,
    }


def _sorted_rows(rows: list[dict], filters: Filters) -> list[dict]:
    """Sorted by the chosen column; rows without a value always last, whatever the direction."""
    key = filters.sort
    if key == "name":
        return sorted(rows, key=lambda r: r["name"].casefold(), reverse=filters.descending)
    present = [r for r in rows if r.get(key) is not None]
    missing = [r for r in rows if r.get(key) is None]
    return sorted(present, key=lambda r: r[key], reverse=filters.descending) + missing


def sorted_table(table: Table, filters: Filters) -> Table:
    return replace(table, rows=_sorted_rows(table.rows, filters))


def scope_table(key: str, caption: str, entries: list[dict], compare: bool, min_sample: int) -> Table:
    """Departments or counters with their headline indicators, in the catalogue's order (see ``sorted_table``)."""
    columns = [
        Column("code", _("Kod")),
        Column("name", _("Nazwa")),
        Column("responses", _("Odpowiedzi"), "int"),
        Column("csat", _("CSAT"), "percent"),
        Column("csat_ci_low", _("CSAT – dolna granica 95%"), "percent"),
        Column("csat_ci_high", _("CSAT – górna granica 95%"), "percent"),
        Column("mean", _("Średnia ocena"), "number"),
        Column("nps", _("NPS"), "nps"),
        Column("yes_share", _("Odpowiedzi „tak”"), "percent"),
    ]
    if compare:
        columns += [Column("csat_change", _("Zmiana CSAT (pp)"), "pp"),
                    Column("csat_change_significant", _("Zmiana istotna"), "flag")]
    return Table(key, caption, columns, [_scope_row(e, min_sample) for e in entries], sortable=True)


def months_table(months: list[dict], min_sample: int) -> Table:
    rows = []
    for month in months:
        rating = first_question(month["questions"], "rating_5") or {}
        n = rating.get("n", 0)
        rows.append({
            "month": month["month"], "responses": month["responses"], "n": n, "csat": rating.get("csat"),
            "csat_ci_low": rating.get("csat_ci_low"), "csat_ci_high": rating.get("csat_ci_high"),
            "mean": rating.get("mean"), "conclusive": n >= min_sample, "_thin": n < min_sample,
        })
    columns = [Column("month", _("Miesiąc")), Column("responses", _("Odpowiedzi"), "int"),
               Column("n", _("Oceny"), "int"), Column("csat", _("CSAT"), "percent"),
               Column("csat_ci_low", _("dolna granica 95%"), "percent"),
               Column("csat_ci_high", _("górna granica 95%"), "percent"),
               Column("mean", _("Średnia ocena"), "number"), Column("conclusive", _("Wynik konkluzywny"), "flag")]
    return Table("months", _("CSAT w kolejnych miesiącach"), columns, rows)


def distribution_table(key: str, caption: str, question: dict) -> Table:
    total = question["n"]
    rows = [{"rating": int(value), "count": count, "share": count / total if total else None}
            for value, count in question["distribution"].items()]
    columns = [Column("rating", _("Ocena"), "int"), Column("count", _("Liczba"), "int"), Column("share", _("Udział"), "percent")]
    return Table(key, caption, columns, rows)


def nps_table(key: str, caption: str, question: dict) -> Table:
    rows = [
        {"group": _("krytycy (0–6)"), "count": question["detractors_count"], "share": question["detractors"]},
        {"group": _("neutralni (7–8)"), "count": question["passives_count"], "share": question["passives"]},
        {"group": _("promotorzy (9–10)"), "count": question["promoters_count"], "share": question["promoters"]},
        {"group": _("NPS"), "count": question["n"], "share": None, "nps": question["nps"]},
    ]
    columns = [Column("group", _("Grupa")), Column("count", _("Liczba"), "int"), Column("share", _("Udział"), "percent"),
               Column("nps", _("NPS"), "nps")]
    return Table(key, caption, columns, rows)


def choice_table(key: str, caption: str, counts: dict, option_labels: dict, compare_shares: dict | None) -> Table:
    total = sum(counts.values())
    rows = [{"option": option_labels.get(value, value), "value": value, "count": count,
             "share": count / total if total else None,
             "share_change": (compare_shares or {}).get(value)} for value, count in counts.items()]
    columns = [Column("option", _("Odpowiedź")), Column("count", _("Liczba"), "int"), Column("share", _("Udział"), "percent")]
    if compare_shares is not None:
        columns.append(Column("share_change", _("Zmiana udziału (pp)"), "pp"))
    return Table(key, caption, columns, rows)


def heatmap_table(cells: pd.DataFrame) -> Table:
    """The heatmap's numbers with an hour per row: seven weekday columns fit any screen, while a column per
    hour (up to 24 when an answer arrives at night) would not."""
    matrix = charts.weekday_hour_matrix(cells)
    names = weekday_names()
    columns = [Column("hour", _("Godzina"))] + [Column(f"d{day}", names[day], "int") for day in matrix.index]
    counts = matrix.to_numpy()
    rows = [{"hour": f"{hour:02d}:00", **{f"d{day}": int(counts[day, column]) for day in matrix.index}}
            for column, hour in enumerate(matrix.columns)]
    return Table("weekday_hour", _("Odpowiedzi według dnia tygodnia i godziny"), columns, rows)


def comments_table(items: list[dict], tz_name: str) -> Table:
    tz = ZoneInfo(tz_name)
    rows = [{
        "submitted_at": local_datetime(datetime.fromisoformat(item["submitted_at"]).astimezone(tz)),
        "service_point": item["service_point"], "rating": item["rating"], "text": item["text"], "id": item.get("id"),
    } for item in items]
    columns = [Column("submitted_at", _("Data")), Column("service_point", _("Stanowisko")),
               Column("rating", _("Ocena"), "int"), Column("text", _("Komentarz"))]
    return Table("comments", _("Komentarze"), columns, rows)
