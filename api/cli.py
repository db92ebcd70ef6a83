"""``flask --app app create-api-token --email ... --name ...``: a token for scripts calling ``/api/v1``."""
from __future__ import annotations

import click

from api.auth import ApiTokenError, create_api_token


@click.command("create-api-token")
@click.option("--email", required=True, help="The staff user the token acts as (and whose permissions it has).")
@click.option("--name", required=True, help="What the token is for, e.g. 'intranet dashboard'.")
def create_api_token_command(email: str, name: str) -> None:
    """Create an API token; it is printed once and only its hash is stored."""
    try:
        token = create_api_token(email, name)
    except ApiTokenError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(token)
    click.echo("Keep it secret: send it as 'Authorization: Bearer <token>'. It cannot be shown again.", err=True)
