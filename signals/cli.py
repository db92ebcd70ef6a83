"""``flask --app app signals`` (what needs attention, as a table or the API's JSON) and ``send-alerts``."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask_babel import force_locale

from analytics.cli_common import percent, scope_options
from analytics.periods import PeriodError, parse_period
from analytics.service import ScopeError


@click.command("signals")
@scope_options(period_help="Signals that held in this period, charts up to its end (default: now). "
                           "2026 | 2026-Q3 | 2026-09 | 2026-07-01..2026-08-15", period_required=False)
def signals_command(period: str | None, department_code: str | None, service_point_code: str | None,
                    output_format: str) -> None:
    """Signals (control-chart rules, objectives at risk, bursts) and control charts of a scope."""
    from signals.payload import signals_payload

    try:
        chosen = parse_period(period, current_app.config["OPINIA_TIMEZONE"]) if period else None
        with force_locale("pl"):
            result = signals_payload(chosen, department_code, service_point_code)
    except (PeriodError, ScopeError) as exc:
        raise click.UsageError(str(exc)) from exc
    if output_format == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(result))


def format_table(result: dict) -> str:
    scope = result["scope"]
    lines = [f"Signals of {scope['kind']} {scope['code'] or ''}".rstrip() + ":"]
    for s in result["signals"]:
        where = f"{s['scope']['kind']} {s['scope']['code'] or ''}".strip()
        lines.append(f"  #{s['id']:<5} {s['status']:<13} {s['kind']:<18} {(s['rule'] or ''):<13} {where:<24} "
                     f"since {s['since'][:16]}")
        lines.append(f"         {s['message']}")
    if not result["signals"]:
        lines.append("  none")
    lines += ["", "Control charts (last point):"]
    for c in result["charts"]:
        last = c["points"][-1]
        where = f"{c['scope']['kind']} {c['scope']['code'] or ''}".strip()
        lines.append(f"  {where:<24} {c['question']:<14} {c['grain']:<5} σz {c['sigma_z']:.2f}  "
                     f"{last['start']} {percent(last['value'])} [{percent(last['lower'])}–{percent(last['upper'])}] "
                     f"{last['mark']:<11} assurance {c['assurance'] or '–'}")
    return "\n".join(lines)


@click.command("send-alerts")
def send_alerts_command() -> None:
    """Refresh the signals and mail what is new (run every few minutes by cron or a systemd timer)."""
    from signals.mail import send_alerts

    try:
        run = send_alerts()
    except OSError as exc:
        raise click.ClickException(f"the mail server could not be reached: {exc}") from exc
    click.echo(f"signals opened {run.opened}, closed {run.closed}; notifications queued {run.planned}; mails sent {run.mails}")
