"""``flask --app app report ...`` (the management-review report) and ``flask --app app export ...`` (raw data)."""
from __future__ import annotations

import os
import time
from pathlib import Path

import click

from analytics.periods import PeriodError
from analytics.service import ScopeError
from report.services import EXPORT_FORMATS, REPORT_FORMATS, REPORT_STEPS, export_target, management_report, write_export


def register_commands(app) -> None:
    app.cli.add_command(report_command)
    app.cli.add_command(export_command)


class StepProgress:
    """Prints each step of a long generation with its number and the time elapsed so far."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.started = time.perf_counter()

    def __call__(self, step: str) -> None:
        self.done += 1
        click.echo(f"[{self.done}/{self.total}] {step}… ({time.perf_counter() - self.started:.1f} s)", err=True)

    def finish(self) -> float:
        return time.perf_counter() - self.started


def output_file(_ctx, _param, out: Path) -> Path:
    """``--out`` checked before any work: a missing or read-only folder is a usage error, not a traceback
    after minutes of computing."""
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise click.BadParameter(f"the folder {folder} does not exist; create it first or choose another path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise click.BadParameter(f"cannot write into the folder {folder}")
    return out


PERIOD_HELP = "2026-Q3 | 2026-09 | 2026 | 2026-07-01..2026-09-30 (office time zone)"


@click.command("report")
@click.option("--period", required=True, help=PERIOD_HELP)
@click.option("--format", "output_format", type=click.Choice(REPORT_FORMATS), default="pdf", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path), callback=output_file)
@click.option("--department", "department_code", help="Only this department (code, e.g. KM).")
def report_command(period: str, output_format: str, out: Path, department_code: str | None) -> None:
    """The management-review report (ISO 9001 §9.3) of a period, as PDF or one self-contained HTML file."""
    steps = len(REPORT_STEPS) - (output_format == "html")
    progress = StepProgress(steps)
    try:
        content = management_report(period, department_code, output_format, progress)
    except (PeriodError, ScopeError) as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from exc
    click.echo(f"Report written to {out} ({len(content) // 1024} KiB) in {progress.finish():.1f} s")


@click.command("export")
@click.option("--period", required=True, help=PERIOD_HELP)
@click.option("--format", "output_format", type=click.Choice(EXPORT_FORMATS), default="csv", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path), callback=output_file)
@click.option("--department", "department_code", help="Only this department (code, e.g. KM).")
def export_command(period: str, output_format: str, out: Path, department_code: str | None) -> None:
    """Raw responses of a period (one row per response, a column per question) as CSV or XLSX."""
    started = time.perf_counter()
    try:
        target = export_target(period, department_code)
    except (PeriodError, ScopeError) as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        with out.open("wb") as stream:
            rows = write_export(stream, target, output_format)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from exc
    click.echo(f"Exported {rows} responses to {out} in {time.perf_counter() - started:.1f} s")
