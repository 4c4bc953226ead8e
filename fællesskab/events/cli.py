"""`flask --app wsgi events send-reminders` (cron, daily at 10:00) and `events refresh-next` (cron, hourly)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

events_cli = AppGroup("events", help="Events and sign-ups.")


@events_cli.command("send-reminders")
def send_reminders_command() -> None:
    """Email everyone with a place at tomorrow's events; each reminder is sent once."""
    from ..mail import services as mail
    from . import registrations

    queued = registrations.send_reminders()
    sent, failed = mail.commit_and_deliver()
    line = f"Påmindelser: {queued} lagt i udbakken, {sent} sendt"
    if failed:
        line += f", {failed} venter på `mail retry`"
    click.echo(line + ".")


@events_cli.command("refresh-next")
def refresh_next_command() -> None:
    """Move the stored next date of repeating events on (lists stay exact without it, but slower)."""
    from ..extensions import db
    from . import services

    changed = services.refresh_next_starts()
    db.session.commit()
    click.echo(f"Næste datoer: {changed} arrangementer opdateret.")
