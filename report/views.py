"""Staff downloads under ``/reports``: the management-review report (PDF, HTML) and the raw data (CSV, XLSX).

Admins and the quality manager may download any scope; a department head only their own departments
(``api.scope.allowed_scope``, built on ``survey.permissions``).
"""
from __future__ import annotations

import io
from collections.abc import Iterator

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import ServiceUnavailable

from admin.display import period_error_text
from analytics.periods import Period, PeriodError, current_period
from analytics.service import ScopeError, as_period, office_timezone
from dashboard.filters import period_choices
from api.scope import ScopeForbidden, allowed_scope
from report.services import (
    EXPORT_FORMATS,
    MEDIA_TYPES,
    REPORT_FORMATS,
    TEXT_EXPORTS,
    csv_stream,
    download_name,
    export_target,
    management_report,
    write_export,
)
from survey.permissions import sees_whole_office, visible_departments
from workload.downloads import ExportTooLarge, refuse_large_export
from workload.periods import PeriodTooLong, refuse_long_period, too_long_message
from workload.slots import AllSlotsBusy, HeavySlot, take_heavy_slot

bp = Blueprint("reports", __name__, url_prefix="/reports")
BUSY_RETRY_SECONDS = 60


def default_report_period() -> str:
    """The last finished quarter: the one a management review usually looks at."""
    return current_period("quarter", office_timezone()).previous().label


def requested_scope() -> tuple[Period, str | None]:
    """``(period, department code)`` from the query string, checked against what the user may see and against
    the longest period the web computes (``workload.periods``). ``period=custom`` takes ``from`` and ``to``."""
    text = request.args.get("period", "").strip()
    if text == "custom":
        first, last = request.args.get("from", "").strip(), request.args.get("to", "").strip()
        if not (first and last):
            abort(400, _("Podaj obie daty własnego zakresu: od i do (RRRR-MM-DD)."))
        text = f"{first}..{last}"
    if not text:
        abort(400, _("Podaj okres, np. ?period=2026-Q3."))
    try:
        department, _service_point = allowed_scope(current_user, request.args.get("department") or None, None)
        period = refuse_long_period(as_period(text))
    except ScopeForbidden:
        abort(403, _("Możesz pobierać tylko raporty swoich wydziałów."))
    except PeriodTooLong as exc:
        abort(400, too_long_message(exc))
    except PeriodError as exc:
        abort(400, period_error_text(exc))
    except ScopeError:
        abort(400, _("Nie ma takiego wydziału ani stanowiska."))
    return period, department


def heavy_slot_or_503() -> HeavySlot:
    """One of the host's few slots for reports and exports, or a 503 telling the user to try again shortly."""
    try:
        return take_heavy_slot()
    except AllSlotsBusy:
        raise ServiceUnavailable(
            _("Właśnie przygotowujemy inne raporty. Spróbuj ponownie za minutę."), retry_after=BUSY_RETRY_SECONDS
        ) from None


def download(content: bytes | Iterator[bytes], output_format: str, filename: str) -> Response:
    # content_type, not mimetype: the media types already name their charset, which Flask would add again.
    response = Response(content, content_type=MEDIA_TYPES[output_format])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@login_required
def index():
    return render_template(
        "report/index.html",
        departments=visible_departments(current_user),
        whole_office=sees_whole_office(current_user),
        default_period=default_report_period(),
        period_choices=period_choices(office_timezone()),
    )


@bp.get("/management-review.<output_format>")
@login_required
def management_review(output_format: str):
    if output_format not in REPORT_FORMATS:
        abort(404)
    period, department = requested_scope()
    with heavy_slot_or_503():
        try:
            content = management_report(period, department, output_format)
        except PeriodError as exc:
            abort(400, period_error_text(exc))
        except ScopeError:
            abort(400, _("Nie ma takiego wydziału ani stanowiska."))
    return download(content, output_format, download_name("przeglad-zarzadzania", period, department, output_format))


@bp.get("/responses.<output_format>")
@login_required
def responses(output_format: str):
    """CSV is streamed as it is read (a large quarter starts downloading at once); XLSX is built in memory.
    Either is refused when it holds more responses than a web request should write (``workload.downloads``)."""
    if output_format not in EXPORT_FORMATS:
        abort(404)
    period, department = requested_scope()
    try:
        target = export_target(period, department)
        refuse_large_export(target, output_format)
    except ExportTooLarge as exc:
        abort(400, export_too_large_message(exc, target.period, department))
    except PeriodError as exc:
        abort(400, period_error_text(exc))
    except ScopeError:
        abort(400, _("Nie ma takiego wydziału ani stanowiska."))
    filename = download_name("odpowiedzi", target.period, department, output_format)
    slot = heavy_slot_or_503()
    if output_format in TEXT_EXPORTS:
        return download(stream_with_context(slot.guard(csv_stream(target, output_format))), output_format, filename)
    with slot:
        stream = io.BytesIO()
        write_export(stream, target, output_format)
    return download(stream.getvalue(), output_format, filename)


def export_too_large_message(error: ExportTooLarge, period: Period, department: str | None) -> str:
    command = f"flask --app app export --period {period.label} --format {error.output_format} --out odpowiedzi.{error.output_format}"
    if department:
        command += f" --department {department}"
    return _(
        "Ten plik miałby %(responses)s odpowiedzi, a pobieranie przez przeglądarkę mieści najwyżej %(limit)s. "
        "Wybierz krótszy okres albo jeden wydział, albo przygotuj plik poleceniem: %(command)s",
        responses=format_decimal(error.responses),
        limit=format_decimal(error.limit),
        command=command,
    )
