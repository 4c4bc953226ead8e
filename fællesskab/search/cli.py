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
    from . import engine
    from .index import ForeignFolder
    from .source import count_documents, has_tables

    app = current_app._get_current_object()
    if not has_tables(db.engine):
        click.echo("Fejl: databasen har ingen tabeller; kør først `flask --app wsgi db upgrade`.", err=True)
        sys.exit(1)
    search = engine(app)
    postgres = search.name == "postgres"
    label = "Genopbygger search_documents (PostgreSQL)" if postgres else "Genopbygger søgeindekset"
    total = count_documents(db.engine)
    started = time.perf_counter()
    try:
        with click.progressbar(length=total, label=label, show_pos=True, file=sys.stderr) as bar:
            written = search.rebuild(progress=bar.update)
    except ForeignFolder as exc:
        click.echo(f"Fejl: {exc.path} indeholder filer, som søgeindekset ikke har skrevet "
                   f"({', '.join(exc.foreign[:5])}{' …' if len(exc.foreign) > 5 else ''}); intet er slettet. "
                   "Sæt SEARCH_INDEX_DIR til en tom eller ny mappe.", err=True)
        sys.exit(1)
    what = "PostgreSQL-søgetabellen" if postgres else "Søgeindekset"
    click.echo(f"{what} er genopbygget: {written} dokumenter på {time.perf_counter() - started:.1f} s.")


@search_cli.command("sync")
@click.option("--prune/--no-prune", default=True, help="Also delete change-log rows older than the retention.")
def sync_command(prune: bool) -> None:
    """Apply the change log to this node's index now (nodes also do it before searches)."""
    from datetime import timedelta

    from ..extensions import db
    from . import changelog, get_state

    app = current_app._get_current_object()
    if app.config.get("SEARCH_BACKEND") == "postgres":
        click.echo("SEARCH_BACKEND=postgres: ingen søgeindeks på denne node og intet at synkronisere.")
        return
    state = get_state(app)
    state.ensure_ready()
    applied = state.poll(force=True)
    click.echo(f"Søgeindekset er opdateret fra ændringsloggen: {applied} dokumenter.")
    if prune:
        hours = float(app.config.get("SEARCH_CHANGE_RETENTION_HOURS", 24))
        removed = changelog.prune(db.engine, timedelta(hours=hours))
        click.echo(f"Ændringsloggen er ryddet: {removed} rækker ældre end {hours:g} timer slettet.")
