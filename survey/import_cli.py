"""``flask --app app import-responses FILE.csv --survey CODE``: paper forms into the database."""
from __future__ import annotations

from pathlib import Path

import click

from survey.import_store import ImportWriteError
from survey.importers import MAX_FILE_BYTES, ImportFileError, import_responses


@click.command("import-responses")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--survey", "survey_code", required=True, help="Code of the survey the paper forms belong to.")
def import_responses_command(file: Path, survey_code: str) -> None:
    """Import transcribed paper forms from a CSV file (response_id,submitted_at,service_point,question,value).

    Nothing is imported when any line is wrong; every bad line is listed. Importing again adds nothing.
    """
    if file.stat().st_size > MAX_FILE_BYTES:  # not even read into memory
        raise click.ClickException(f"{file} is larger than {MAX_FILE_BYTES // 1_000_000} MB; split it into smaller files")
    try:
        result = import_responses(file.read_bytes(), survey_code, source_name=file.name)
    except ImportFileError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"Nothing imported: {len(exc.problems)} problem(s) in {file}.", err=True)
        raise click.exceptions.Exit(1) from exc
    except ImportWriteError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Imported {result.imported} paper responses ({result.answers} answers) from {file}; "
        f"{result.already_imported} were already imported."
    )
