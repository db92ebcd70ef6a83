"""Command-line tasks: ``flask --app app init-db | import-survey | seed-demo | create-user``."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy.exc import SQLAlchemyError

from extensions import db
from survey.accounts import AccountError, create_user
from survey.definitions import DefinitionError, import_definition, load_definition_file
from survey.demo import DEMO_RESPONSES, create_demo_staff, seed_demo
from survey.models import Response, ServicePoint


def register_commands(app) -> None:
    for command in (init_db_command, import_survey_command, seed_demo_command, create_user_command, survey_url_command):
        app.cli.add_command(command)


# Commands that work on a database without Opinia's tables (they create them).
# `db` is Flask-Migrate's group (heads, upgrade ...): it works on an empty database by design.
SCHEMA_FREE_COMMANDS = frozenset({"init-db", "db", "routes", "shell"})


def missing_schema_problem() -> str | None:
    """Why the database cannot serve a command yet, or None. Never creates an SQLite file that is missing."""
    url = db.engine.url
    shown = url.render_as_string(hide_password=True)
    hint = "run `flask --app app init-db` first"
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
            and not Path(url.database).exists():
        return f"the database {shown} does not exist yet: {hint}"
    try:
        ready = sa.inspect(db.engine).has_table(Response.__tablename__)
    except SQLAlchemyError as exc:
        return f"cannot open the database {shown}: {getattr(exc, 'orig', None) or exc}"
    return None if ready else f"the database {shown} has no tables yet: {hint}"


def _requiring_schema(callback):
    @functools.wraps(callback)
    def checked(*args, **kwargs):
        problem = missing_schema_problem()
        if problem:
            raise click.ClickException(problem)
        return callback(*args, **kwargs)

    return checked


def require_schema_for_commands(app: Flask) -> None:
    """Every command of the app but ``init-db`` first checks that the database is set up: a clear message
    instead of a "no such table" traceback (and no empty SQLite file left behind). Call it last."""
    for name, command in app.cli.commands.items():
        if name not in SCHEMA_FREE_COMMANDS and command.callback is not None \
                and not getattr(command.callback, "requires_schema", False):
            command.callback = _requiring_schema(command.callback)
            command.callback.requires_schema = True


@click.command("init-db")
def init_db_command() -> None:
    """Create or migrate the database schema to the newest version (and seed the themes codebook once)."""
    from comments.codebook import ensure_codebook

    upgrade()
    ensure_codebook()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("import-survey")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_survey_command(file: str) -> None:
    """Load a survey definition (YAML or JSON); a changed survey becomes a new version."""
    try:
        version, created, warnings = import_definition(load_definition_file(file))
    except DefinitionError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.exceptions.Exit(1) from exc
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    state = "imported as version" if created else "unchanged, still version"
    click.echo(f"Survey {version.survey.code}: {state} {version.number} ({len(version.questions)} questions)")


@click.command("seed-demo")
@click.option("--responses", default=DEMO_RESPONSES, show_default=True, type=click.IntRange(min=0))
def seed_demo_command(responses: int) -> None:
    """Create demo departments, counters, the demo survey and N responses over the last 15 months."""
    with click.progressbar(length=responses, label="Seeding demo responses") as bar:
        added = seed_demo(responses, current_app.config["OPINIA_TIMEZONE"], progress=bar.update)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
    click.echo(f"Added {added} demo responses; {total} responses stored.")
    from served.demo import seed_served_demo

    hours = seed_served_demo(current_app.config["OPINIA_TIMEZONE"])
    click.echo(f"Demo queue-system data: {hours} counter-hours of served customers.")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "quality_manager", "department_head"]))
@click.option("--department", "departments", multiple=True, help="Department code (repeatable).")
@click.option("--password", envvar="OPINIA_NEW_PASSWORD",
              help="At least 10 characters; also from OPINIA_NEW_PASSWORD. Asked for (twice) when not given.")
def create_user_command(email: str, role: str, departments: tuple[str, ...], password: str | None) -> None:
    """Create a staff account (in scripts, without a terminal: give --password or OPINIA_NEW_PASSWORD)."""
    if password is None:
        if not sys.stdin.isatty():
            raise click.UsageError("no terminal to ask for the password: give --password or set OPINIA_NEW_PASSWORD")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, role, password, departments)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.role} {user.email}")


@click.command("survey-url")
@click.option("--seed-if-empty", is_flag=True, help="Seed the demo office and demo staff first when no counter exists.")
def survey_url_command(seed_if_empty: bool) -> None:
    """Print the public survey address of the first active counter."""
    if seed_if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(ServicePoint)) == 0:
        seed_demo_command.callback(responses=DEMO_RESPONSES)
        for email, role, password in create_demo_staff():
            click.echo(f"Demo staff login ({role}): {email} / {password}  (shown once)")
    point = db.session.scalar(sa.select(ServicePoint).where(ServicePoint.active.is_(True)).order_by(ServicePoint.code))
    if point is None:
        raise click.ClickException("no active counter yet: run seed-demo or add one in the admin pages")
    click.echo(f"Survey of {point.name} ({point.department.name}): {current_app.config['OPINIA_PUBLIC_URL']}/s/{point.token}")
