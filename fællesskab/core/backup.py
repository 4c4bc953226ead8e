"""`flask --app wsgi backup PATH`: a consistent copy of the database while the app runs.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the pages
while other connections keep reading and writing; the copy is a plain SQLite
file, restored by putting it in place of the database file while the app is
stopped. PostgreSQL: `pg_dump --format=custom` when it is installed
(restore with `pg_restore`); without it the command says what to run and
exits non-zero, so a cron job notices.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import click
from sqlalchemy.engine import make_url


class BackupError(Exception):
    """The backup could not be written; the message says why, in Danish."""


def backup(database_url: str, path: str) -> str:
    """Write a backup of `database_url` to `path`; return a one-line description."""
    url = make_url(database_url)
    path = os.path.abspath(path)
    if os.path.isdir(path):
        raise BackupError(f"{path} er en mappe; angiv en fil")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if url.get_backend_name() == "sqlite":
        return _sqlite(url.database, path)
    if url.get_backend_name() == "postgresql":
        return _postgresql(url, path)
    raise BackupError(f"ukendt database: {url.get_backend_name()}")


def _sqlite(source: str | None, path: str) -> str:
    if not source or source == ":memory:" or not os.path.exists(source):
        raise BackupError(f"SQLite-filen {source!r} findes ikke")
    if os.path.abspath(source) == path:
        raise BackupError("sikkerhedskopien må ikke overskrive selve databasen")
    tmp = path + ".part"
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst, pages=1024)  # in steps, so writers are not held up for the whole copy
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()
    if ok != "ok":
        os.unlink(tmp)
        raise BackupError(f"kopien bestod ikke integritetstjekket: {ok}")
    os.replace(tmp, path)  # a half-written copy never has the final name
    return f"Sikkerhedskopi skrevet: {path} ({os.path.getsize(path) / 1e6:.1f} MB, SQLite)."


def _postgresql(url, path: str) -> str:
    pg_dump = shutil.which("pg_dump")
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    if pg_dump is None:
        raise BackupError("pg_dump findes ikke på denne maskine. Kør på databaseserveren: "
                          f"pg_dump --format=custom --file {path} <database> (se docs/operations.md)")
    tmp = path + ".part"
    env = dict(os.environ)
    if url.password:  # not on the command line, where `ps` would show it
        env["PGPASSWORD"] = str(url.password)
    result = subprocess.run([pg_dump, "--format=custom", "--no-owner", "--file", tmp, "--dbname", libpq],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise BackupError(f"pg_dump fejlede: {result.stderr.strip()[:500]}")
    os.replace(tmp, path)
    return f"Sikkerhedskopi skrevet: {path} ({os.path.getsize(path) / 1e6:.1f} MB, pg_dump custom; " \
           f"genskab med pg_restore)."


@click.command("backup")
@click.argument("path", type=click.Path())
def backup_command(path: str) -> None:
    """Write a consistent backup of the database to PATH (SQLite online backup, or pg_dump)."""
    import sys

    from flask import current_app

    try:
        click.echo(backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path))
    except BackupError as exc:
        click.echo(f"Fejl: {exc}", err=True)
        sys.exit(1)
