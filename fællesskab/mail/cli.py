"""`flask --app wsgi mail retry`: send what waits in the outbox (meant for cron)."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..extensions import db

mail_cli = AppGroup("mail", help="The email outbox.")


@mail_cli.command("retry")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="send at most this many messages")
def retry_command(limit: int) -> None:
    """Send queued emails that failed before; exit 1 if any still fail."""
    from . import services

    sent, failed = services.retry_queued(limit=limit)
    db.session.commit()
    waiting = services.queued_count()
    if failed:
        click.echo(f"Fejl: {failed} e-mail(s) kunne stadig ikke sendes; {waiting} venter i udbakken "
                   f"({sent} sendt).", err=True)
        sys.exit(1)
    click.echo(f"Udbakke: {sent} sendt, {waiting} venter.")
