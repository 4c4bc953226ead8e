"""`flask --app wsgi search reindex`: rebuild the search index from the database."""
from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

search_cli = AppGroup("search", help="The search index.")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from the database, with a progress bar."""
    from ..extensions import db
    from . import rebuild
    from .source import count_documents, has_tables

    app = current_app._get_current_object()
    if not has_tables(db.engine):
        click.echo("Fejl: databasen har ingen tabeller; kør først `flask --app wsgi db upgrade`.", err=True)
        sys.exit(1)
    total = count_documents(db.engine)
    started = time.perf_counter()
    with click.progressbar(length=total, label="Genopbygger søgeindekset", show_pos=True,
                           file=sys.stderr) as bar:
        written = rebuild(app, progress=bar.update)
    click.echo(f"Søgeindekset er genopbygget: {written} dokumenter på {time.perf_counter() - started:.1f} s.")
