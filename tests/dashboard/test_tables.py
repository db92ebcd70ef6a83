"""dashboard.tables: the tables shown beside (and, without JavaScript, instead of) the charts."""
from __future__ import annotations

import pandas as pd

from dashboard.tables import heatmap_table


def test_the_weekday_hour_table_has_a_row_per_hour_so_a_night_answer_does_not_widen_it(app):
    cells = pd.DataFrame({"weekday": [0, 4, 6], "hour": [0, 13, 23], "responses": [2, 5, 1]})
    with app.test_request_context("/?lang=pl"):
        table = heatmap_table(cells)
    assert [column.label for column in table.columns] == ["Godzina", "pon.", "wt.", "śr.", "czw.", "pt.", "sob.",
                                                          "niedz."]
    assert [row["hour"] for row in table.rows] == [f"{hour:02d}:00" for hour in range(24)]
    assert table.rows[0]["d0"] == 2 and table.rows[13]["d4"] == 5 and table.rows[23]["d6"] == 1
    assert sum(row[f"d{day}"] for row in table.rows for day in range(7)) == 8
