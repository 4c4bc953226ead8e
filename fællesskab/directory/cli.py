"""`flask --app wsgi directory …`: the HSDS data package (export-hsds) and the freshness
reminders (remind-stale, cron daily)."""
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


@directory_cli.command("remind-stale")
@click.option("--older-than-days", type=click.IntRange(1, 3650), default=365, show_default=True,
              help="Remind listings not verified within this many days.")
@click.option("--dry-run", is_flag=True, help="Only list who would be reminded; send nothing, change nothing.")
def remind_stale_command(older_than_days: int, dry_run: bool) -> None:
    """Email each stale listing's contact a link: "Alt er korrekt" or "Ret oplysningerne".

    A second reminder goes 30 days after the first; after that the listing shows on the
    coordinator's front page. Listings without a contact email are in the coordinator's
    list ("Uden kontaktoplysninger").
    """
    from ..extensions import db
    from ..mail import services as mail
    from . import stewardship

    due = stewardship.due_reminders(older_than_days=older_than_days)
    for assoc, which in due:
        click.echo(f"{'vil sende' if dry_run else 'sender'} påmindelse {which}: {assoc.name} ({assoc.external_id})")
        if not dry_run:
            stewardship.send_reminder(assoc, which)
    if dry_run:
        db.session.rollback()
        click.echo(f"Tørløb: {len(due)} påmindelser ville blive sendt; intet er ændret.")
        return
    sent, failed = mail.commit_and_deliver()
    line = f"Påmindelser om foreningsoplysninger: {len(due)} lagt i udbakken, {sent} sendt"
    if failed:
        line += f", {failed} venter på `mail retry`"
    click.echo(line + ".")
