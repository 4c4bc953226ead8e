"""`flask --app wsgi events send-reminders` (meant for cron, e.g. daily at 10:00)."""
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
