"""``flask --app app import-served FILE --format hourly|visits [--mapping desks.csv]``."""
from __future__ import annotations

import click

from analytics.cli_common import percent
from served.models import FORMATS
from served.services import import_served
from survey.importers import ImportFileError


@click.command("import-served")
@click.argument("file", type=click.File("rb"))
@click.option("--format", "file_format", type=click.Choice(FORMATS), required=True,
              help="hourly: counts per counter and hour; visits: one row per visit.")
@click.option("--mapping", type=click.File("rb"), help="CSV queue_name,service_point: desk names to counter codes.")
def import_served_command(file, file_format: str, mapping) -> None:
    """Import customers served from the queue system; the same hours imported again are replaced."""
    try:
        summary = import_served(file, file_format, mapping=mapping, file_name=click.format_filename(file.name))
    except ImportFileError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"Nothing imported: {len(exc.problems)} problem(s).", err=True)
        raise click.exceptions.Exit(1) from exc
    walked = "" if summary.walked_away is None else f", {summary.walked_away} walked away"
    span = "" if summary.first_hour is None else f" ({summary.first_hour:%Y-%m-%d %H:%M} – {summary.last_hour:%Y-%m-%d %H:%M} UTC)"
    click.echo(f"Imported {summary.lines} lines ({summary.format}): {summary.hours} counter-hours, "
               f"{summary.served} served{walked}{span}.")


def _minutes(value) -> str:
    return "–" if value is None else f"{value:.1f} min"


def _count(value) -> str:
    return "–" if value is None else str(value)


def served_table_lines(result: dict) -> list[str]:
    """The queue system's figures for ``flask indicators --format table``."""
    queue = result["queue"]
    lines = [
        "",
        f"Served (queue system): {_count(result['served'])}  average wait {_minutes(result['average_wait_minutes'])}"
        f"  response rate {percent(result['response_rate'])} ({queue['responses_in_queue_hours']} responses in hours with"
        f" queue data)  coverage {percent(result['coverage'])} of opening hours",
    ]
    if result["scope"]["kind"] != "service_point":
        lines.append(f"  {'counter':<8} {'served':>8} {'wait':>10} {'rate':>7} {'coverage':>9}")
        for point in result["by_service_point"]:
            low = "  low response rate" if point["response_rate"] is not None and point["response_rate"] < queue["low_response_rate_below"] else ""
            lines.append(f"  {point['code']:<8} {_count(point['served']):>8} {_minutes(point['average_wait_minutes']):>10}"
                         f" {percent(point['response_rate']):>7} {percent(point['coverage']):>9}{low}")
    return lines
