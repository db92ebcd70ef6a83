"""Data exports a web request may build: up to a number of responses a worker writes in a few seconds.

Counting the responses first is cheap (the hourly count tables); a larger export is refused before any row is
read, with the command that makes it (``flask export``), which has no such limit.
"""
from __future__ import annotations

from flask import current_app

from analytics import queries
from report.services import ExportTarget

LIMIT_SETTINGS = {"csv": "OPINIA_WEB_CSV_MAX_RESPONSES", "csv-excel": "OPINIA_WEB_CSV_MAX_RESPONSES",
                  "xlsx": "OPINIA_WEB_XLSX_MAX_RESPONSES"}


class ExportTooLarge(ValueError):
    """More responses than a web download of this format may hold."""

    def __init__(self, responses: int, limit: int, output_format: str):
        super().__init__(f"{responses} responses, at most {limit} in a {output_format} download")
        self.responses = responses
        self.limit = limit
        self.output_format = output_format


def responses_in(target: ExportTarget) -> int:
    period = target.period
    counts = queries.response_counts([period.start, period.end], target.scope.service_point_ids)
    return int(counts["count"].sum()) if not counts.empty else 0


def refuse_large_export(target: ExportTarget, output_format: str) -> int:
    """The number of responses of ``target``, or ``ExportTooLarge`` over the format's web limit."""
    limit = int(current_app.config[LIMIT_SETTINGS[output_format]])
    responses = responses_in(target)
    if responses > limit:
        raise ExportTooLarge(responses, limit, output_format)
    return responses
