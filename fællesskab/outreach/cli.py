"""`flask --app wsgi outreach …`: import the arrivals list, email the due lists (cron), apply retention."""
from __future__ import annotations

import click
from flask.cli import AppGroup

outreach_cli = AppGroup("outreach", help="Newcomers and the coordinator's cases.")


@outreach_cli.command("import-newcomers")
@click.argument("path", type=click.Path(dir_okay=False))
def import_newcomers_command(path: str) -> None:
    """Upsert newcomers (the arrivals list) by external_id from a CSV file."""
    from ..core.cli import run_import
    from .importer import import_newcomers

    run_import(path, import_newcomers)


@outreach_cli.command("due")
def due_command() -> None:
    """Email each coordinator their due and overdue cases (cron, e.g. every weekday morning)."""
    from ..mail import services as mail
    from .messages import send_due_lists

    queued, due = send_due_lists()
    sent, failed = mail.commit_and_deliver()
    line = f"Forfaldne sager: {due}; {queued} e-mail(s) lagt i udbakken, {sent} sendt"
    if failed:
        line += f", {failed} venter på `mail retry`"
    click.echo(line + ".")
