"""`flask --app wsgi mail retry`: send what waits in the outbox (meant for cron)."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="The email outbox.")


@mail_cli.command("retry")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="send at most this many messages")
def retry_command(limit: int) -> None:
    """Send queued emails that failed before; exit 1 if any still fail."""
    from . import delivery, services

    sent, failed = delivery.retry(limit)
    waiting = services.queued_count()
    if failed:
        click.echo(f"Fejl: {failed} e-mail(s) kunne stadig ikke sendes; {waiting} venter i udbakken "
                   f"({sent} sendt).", err=True)
        sys.exit(1)
    click.echo(f"Udbakke: {sent} sendt, {waiting} venter.")


@mail_cli.command("work")
@click.option("--once", is_flag=True, help="send what is due, then stop (instead of running until stopped)")
@click.option("--idle", default=2.0, show_default=True, type=click.FloatRange(0.1, 60),
              help="seconds to wait when nothing is due")
def work_command(once: bool, idle: float) -> None:
    """Send the outbox's mail as it comes (the mail worker; several may run, on several nodes)."""
    import signal
    import threading

    from . import delivery, services

    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):  # finish the message in hand, then stop
            signal.signal(signum, lambda *_: stop.set())
    if not once:
        click.echo(f"Mail-arbejderen kører (ser efter ny post hvert {idle:g}. sekund); stop med Ctrl-C.")
    sent, failed = delivery.work(once=once, idle=idle, stop=stop)
    click.echo(f"Udbakke: {sent} sendt, {failed} fejlede, {services.queued_count()} venter.")
