"""`flask --app wsgi directory export-hsds DIR`: the directory as an Open Referral HSDS data package."""
from __future__ import annotations

import click
from flask.cli import AppGroup

directory_cli = AppGroup("directory", help="The association directory.")


@directory_cli.command("export-hsds")
@click.argument("folder", type=click.Path(file_okay=False))
def export_hsds_command(folder: str) -> None:
    """Write the published associations as HSDS 3 (datapackage.json and CSV tables) into FOLDER."""
    from .hsds_package import export_package

    try:
        counts = export_package(folder)
    except OSError as exc:
        click.echo(f"Fejl: kunne ikke skrive i {folder}: {exc.strerror or exc}", err=True)
        raise SystemExit(1) from None
    click.echo(f"HSDS-datapakke skrevet i {folder}: {counts['organizations']} foreninger, "
               f"{sum(counts.values())} rækker i {len(counts)} tabeller.")
