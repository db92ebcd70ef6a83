"""What the report and export downloads do, shared by the CLI and the web views."""
from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from actions.review import improvement_section
from analytics.excel_csv import excel_csv_chunks
from analytics.exports import responses_csv_chunks, write_responses_xlsx
from analytics.periods import Period
from analytics.report import build_report
from analytics.service import Scope, as_period, compute_indicators, resolve_scope
from dashboard.filters import local_today
from report.render import REPORT_FORMATS, render_report, start_chart_export

REPORT_STEPS = ("wskaźniki okresu", "trend kwartalny", "komentarze mieszkańców", "wykresy", "dokument HTML", "PDF")
EXPORT_FORMATS = ("csv", "csv-excel", "xlsx")
TEXT_EXPORTS = {"csv": responses_csv_chunks, "csv-excel": excel_csv_chunks}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "csv-excel": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def management_report(period: Period | str, department_code: str | None, output_format: str,
                      progress: Callable[[str], None] = lambda step: None) -> bytes:
    """The report as bytes; ``PeriodError`` / ``ScopeError`` for an unknown period or department."""
    if output_format not in REPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(REPORT_FORMATS)}")
    start_chart_export()
    report = build_report(period, department_code, progress)
    report.improvement = improvement_section(report.period, department_code, report.objectives,
                                             local_today(report.period.tz_name))
    return render_report(report, output_format, progress)


@dataclass(frozen=True)
class ExportTarget:
    period: Period
    scope: Scope
    department_code: str | None


def export_target(period: Period | str, department_code: str | None) -> ExportTarget:
    """Check the period and department before anything is written."""
    return ExportTarget(as_period(period), resolve_scope(department_code), department_code)


def write_export(stream: IO[bytes], target: ExportTarget, output_format: str) -> int:
    """Write the responses (CSV) or responses plus indicators (XLSX) to a binary stream; return the rows."""
    if output_format in TEXT_EXPORTS:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        try:
            count = 0
            for chunk, rows in TEXT_EXPORTS[output_format](target.period, target.scope):
                text.write(chunk)
                count += rows
            return count
        finally:
            text.flush()
            text.detach()
    indicators = compute_indicators(target.period, target.department_code)
    return write_responses_xlsx(stream, target.period, target.scope, indicators)


def csv_stream(target: ExportTarget, output_format: str = "csv") -> Iterator[bytes]:
    """A CSV export as UTF-8 byte chunks, starting with a byte-order mark so spreadsheets read Polish letters."""
    yield "\ufeff".encode("utf-8")
    for text, _rows in TEXT_EXPORTS[output_format](target.period, target.scope):
        yield text.encode("utf-8")


def download_name(kind: str, period: Period | str, department_code: str | None, output_format: str) -> str:
    """A safe file name such as ``przeglad-zarzadzania-2026-Q3-KM.pdf``."""
    label = period.label if isinstance(period, Period) else str(period)
    parts = [kind, label] + ([department_code] if department_code else [])
    extension = "csv" if output_format == "csv-excel" else output_format
    suffix = "-excel" if output_format == "csv-excel" else ""
    return re.sub(r"[^A-Za-z0-9.-]+", "_", "-".join(parts)) + f"{suffix}.{extension}"
