"""`flask --app wsgi surveys …`: send the newcomer survey, make leaver links for a mail merge, purge."""
from __future__ import annotations

import contextlib
import csv
import sys

import click
from flask.cli import AppGroup

from ..core.errors import DomainError
from ..extensions import db

surveys_cli = AppGroup("surveys", help="Newcomer and leaver surveys.")


@surveys_cli.command("send")
@click.option("--after-weeks", type=click.IntRange(0, 260), required=True,
              help="send to each case this many weeks after first contact")
def send_command(after_weeks: int) -> None:
    """Email the newcomer survey once to each case N weeks after first contact (cron, e.g. daily)."""
    from ..mail import services as mail
    from .services import send_newcomer_surveys

    report = send_newcomer_surveys(after_weeks)
    sent, failed = mail.commit_and_deliver()
    line = f"Spørgeskemaer: {report.queued} lagt i udbakken, {sent} sendt"
    if report.without_email:
        line += f"; {report.without_email} sag(er) uden e-mailadresse"
    if failed:
        line += f", {failed} venter på `mail retry`"
    click.echo(line + ".")


@surveys_cli.command("leaver-tokens")
@click.option("--count", type=int, required=True, help="how many single-use links")
@click.option("--language", type=click.Choice(["da", "en"]), default="da")
@click.option("--area", default=None, help="the area the answers count under (e.g. a forum's name)")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), default="-",
              help="CSV file to write (default: standard output)")
def leaver_tokens_command(count: int, language: str, area: str | None, out_path: str) -> None:
    """Write N single-use leaver-survey links as CSV (token,url,language) for a mail merge."""
    from .services import leaver_batch

    try:
        links = leaver_batch(count, language=language, area=area)
    except DomainError as exc:
        db.session.rollback()
        click.echo(f"Fejl: {exc.message}", err=True)
        sys.exit(1)
    try:
        # closed by the `with` below; the try only reports a path that cannot be written
        fh = sys.stdout if out_path == "-" else open(out_path, "w", newline="", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        db.session.rollback()
        click.echo(f"Fejl: kunne ikke skrive {out_path}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    with fh if fh is not sys.stdout else contextlib.nullcontext(fh):
        writer = csv.writer(fh)
        writer.writerow(["token", "url", "language"])
        for raw, url in links:
            writer.writerow([raw, url, language])
    db.session.commit()  # only once the file is written: no links nobody can hand out
    if out_path != "-":
        click.echo(f"{len(links)} link(s) skrevet til {out_path}.")


@surveys_cli.command("purge")
def purge_command() -> None:
    """Delete expired survey links and zero-result search counts older than two years."""
    from .services import purge_expired

    report = purge_expired()
    db.session.commit()
    click.echo(f"Spørgeskemaer: {report.tokens} udløbne link(s) slettet, {report.comments} gamle kommentarer "
               f"fjernet, {report.search_days} gamle søgerækker slettet.")
