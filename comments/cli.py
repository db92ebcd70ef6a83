"""Commands: ``themes`` (like ``indicators``), ``purge-comments`` (cron), ``redact-comments``, ``suggest-themes``."""
from __future__ import annotations

import json

import click

from analytics.cli_common import number, percent, points, scope_options
from analytics.periods import PeriodError
from analytics.service import ScopeError, as_period
from comments import services
from comments.codebook import refresh_suggestions


def format_themes_table(summary: dict) -> str:
    lines = [f"Period {summary['period']}: {summary['comments']} comments "
             f"(previous period {summary['previous_period']}: {summary['previous_comments']})", "",
             f"{'code':<16} {'theme':<36} {'comments':>8} {'share':>7} {'mean':>5} {'low/high':>8} {'change':>10}"]
    for theme in summary["themes"]:
        lines.append(f"{theme['code']:<16} {theme['name'][:36]:<36} {theme['comments']:>8} {percent(theme['share']):>7} "
                     f"{number(theme['mean_rating']):>5} {number(theme['low_high_ratio'], 1):>8} {points(theme['change']):>10}")
    return "\n".join(lines)


@click.command("themes")
@scope_options()
@click.option("--lang", type=click.Choice(["pl", "en"]), default="pl", show_default=True, help="Language of theme names.")
def themes_command(period: str, department_code: str | None, service_point_code: str | None, output_format: str,
                   lang: str) -> None:
    """What residents write about: each theme's comments, share, mean rating and change."""
    try:
        summary = services.compute_theme_summary(period, department_code, service_point_code, lang).as_dict()
    except (PeriodError, ScopeError) as exc:
        raise click.UsageError(str(exc)) from exc
    if output_format == "json":
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(format_themes_table(summary))


@click.command("purge-comments")
@click.option("--months", type=click.IntRange(min=1), help="Override OPINIA_COMMENT_RETENTION_MONTHS (default 24).")
def purge_comments_command(months: int | None) -> None:
    """Empty the text of comments older than the retention period (answers, counts and tags stay)."""
    result = services.purge_comments(months=months)
    click.echo(f"Comments emptied: {result['emptied']} (older than {result['cutoff']:%Y-%m-%d}); "
               f"kept for open improvement actions: {result['kept']}.")


@click.command("redact-comments")
def redact_comments_command() -> None:
    """Remove personal data from comments stored before redaction existed (audited, counts only)."""
    result = services.redact_stored_comments()
    removed = ", ".join(f"{kind}: {n}" for kind, n in result.items() if kind != "comments") or "nothing"
    click.echo(f"Comments changed: {result['comments']}; removed {removed}.")


@click.command("suggest-themes")
@click.option("--period", required=True, help="The comments to learn from, e.g. 2026 or 2026-Q3.")
@click.option("--topics", type=click.IntRange(1, 20), default=5, show_default=True)
def suggest_themes_command(period: str, topics: int) -> None:
    """Suggest new themes from words the codebook misses (NMF over TF-IDF of lemmas), for the quality manager."""
    try:
        resolved = as_period(period)
    except PeriodError as exc:
        raise click.UsageError(str(exc)) from exc
    created = refresh_suggestions(resolved.start, resolved.end, topics=topics)
    for suggestion in created:
        click.echo(f"{suggestion.comments:>5} comments: {', '.join(suggestion.words)}")
    click.echo(f"New suggestions: {len(created)} (accept or dismiss them at /comments/suggestions).")


COMMANDS = (themes_command, purge_comments_command, redact_comments_command, suggest_themes_command)
