"""``flask --app app indicators --period 2026-Q3 [--department KM] [--service-point KM-1] --format json|table``."""
from __future__ import annotations

import json

import click

from analytics.cli_common import percent, points, scope_options
from analytics.periods import PeriodError
from analytics.service import ScopeError, compute_indicators
from served.cli import served_table_lines


@click.command("indicators")
@scope_options()
def indicators_command(period: str, department_code: str | None, service_point_code: str | None, output_format: str) -> None:
    """Customer-satisfaction indicators and quality objectives for a period and scope."""
    try:
        result = compute_indicators(period, department_code, service_point_code)
    except (PeriodError, ScopeError) as exc:
        raise click.UsageError(str(exc)) from exc
    if output_format == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(result))


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _interval(low, high) -> str:
    return "" if low is None else f" [{percent(low)}–{percent(high)}]"


def question_summary(q: dict) -> str:
    """One line per question: the headline figures of its kind."""
    kind = q["kind"]
    if kind == "rating_5":
        change = q.get("change", {}).get("csat", {})
        mark = " *" if change.get("significant") else ""
        return (f"mean {_fmt(q['mean'], 2)}  CSAT {percent(q['csat'])}{_interval(q['csat_ci_low'], q['csat_ci_high'])}"
                f"  Δ {points(change.get('difference'))}{mark}")
    if kind == "nps":
        return (f"NPS {_fmt(q['nps'], 1)}  promoters {percent(q['promoters'])}  passives {percent(q['passives'])}"
                f"  detractors {percent(q['detractors'])}")
    if kind == "yes_no":
        change = q.get("change", {}).get("yes_share", {})
        mark = " *" if change.get("significant") else ""
        return (f"yes {percent(q['yes_share'])}{_interval(q['yes_share_ci_low'], q['yes_share_ci_high'])}"
                f"  Δ {points(change.get('difference'))}{mark}")
    if kind == "single_choice":
        return "  ".join(f"{value} {percent(s)}" for value, s in q["shares"].items())
    return ""


def _group_lines(title: str, groups: list[dict]) -> list[str]:
    lines = ["", title]
    for group in groups:
        lines.append(f"  {group['code']:<8} {group['responses']:>8} responses")
        for q in group["questions"]:
            if q["kind"] in ("rating_5", "nps"):
                lines.append(f"    {q['code']:<16} n={q['n']:<7} {question_summary(q)}")
    return lines


def format_table(result: dict) -> str:
    scope = result["scope"]
    lines = [
        f"Period {result['period']} ({result['period_info']['from']} – {result['period_info']['to']}, {result['timezone']})"
        f"  scope: {scope['kind']} {scope['code'] or ''}".rstrip(),
        f"Responses: {result['responses']} (previous period {result['previous_period']['label']}: "
        f"{result['previous_period']['responses']})",
        "",
        f"{'question':<16} {'kind':<14} {'n':>7}  indicators (Δ against the previous period, * = significant at 5%)",
    ]
    lines += [f"{q['code']:<16} {q['kind']:<14} {q['n']:>7}  {question_summary(q)}" for q in result["questions"]]
    lines += served_table_lines(result)
    if scope["kind"] != "service_point":
        lines += _group_lines("By department:", result["by_department"])
        lines += _group_lines("By service point:", result["by_service_point"])
    lines += ["", "Quality objectives:"]
    for o in result["objectives"] or []:
        lines.append(f"  [{o['status']:<17}] {o['name']}: {o['indicator']} {_fmt(o['value'])} {o['comparator']} "
                     f"{_fmt(o['target'])} (n={o['n']}, minimum {o['min_sample']})")
    if not result["objectives"]:
        lines.append("  none in this scope")
    return "\n".join(lines)


@click.command("rebuild-indicator-counts")
def rebuild_indicator_counts_command() -> None:
    """Recompute the count tables from the stored answers (they are normally kept by triggers), the control
    charts' pieces cut again in the office's time zone (``OPINIA_TIMEZONE``)."""
    from flask import current_app

    from analytics.chart_pieces import write_chart_boundaries
    from analytics.rollup import rebuild_counts
    from comments.piece_counts import rebuild_comment_piece_counts
    from extensions import db

    with db.engine.begin() as connection:
        write_chart_boundaries(connection, current_app.config["OPINIA_TIMEZONE"])
        rebuild_counts(connection)
        rebuild_comment_piece_counts(connection)
    click.echo("Indicator counts rebuilt from the stored answers.")
