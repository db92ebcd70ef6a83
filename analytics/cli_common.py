"""What the reporting commands (``indicators``, ``signals``, ``themes``) share: the scope options and the
formats of a table cell. A missing figure is shown as "–", never as 0."""
from __future__ import annotations

from collections.abc import Callable

import click

PERIOD_HELP = "2026 | 2026-Q3 | 2026-09 | 2026-07-01..2026-08-15 (office time zone)"


def scope_options(period_help: str = PERIOD_HELP, period_required: bool = True) -> Callable:
    """``--period``, ``--department``, ``--service-point`` and ``--format json|table``, in that order."""
    options = (
        click.option("--period", required=period_required, help=period_help),
        click.option("--department", "department_code", help="Department code, e.g. KM."),
        click.option("--service-point", "service_point_code", help="Counter code, e.g. KM-1."),
        click.option("--format", "output_format", type=click.Choice(["json", "table"]), default="table",
                     show_default=True),
    )

    def decorate(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def percent(value) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def points(value) -> str:
    return "–" if value is None else f"{100 * value:+.1f} pp"


def number(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"
