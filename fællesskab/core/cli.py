"""Helpers every package's CLI commands share: fail cleanly, run an importer."""
from __future__ import annotations

import sys

import click

from ..extensions import db


def fail(message: str) -> None:
    """Roll back, print one line to stderr and exit 1."""
    db.session.rollback()
    click.echo(f"Fejl: {message}", err=True)
    sys.exit(1)


def run_import(path: str, importer, *, open_file: bool = True) -> None:
    """Run `importer` on the file at `path`; commit if it reports no problems, else roll back and exit 1."""
    try:
        if open_file:
            with open(path, "rb") as fh:
                report = importer(fh)
        else:  # a folder (a data package): the importer opens its files itself
            report = importer(None)
    except OSError as exc:
        fail(f"kunne ikke åbne {path}: {exc.strerror or exc}")
    if not report.ok:
        db.session.rollback()
        click.echo(f"Fejl: {path} blev ikke indlæst ({len(report.problems)} problem(er); intet er ændret):",
                   err=True)
        for problem in report.problems[:200]:
            click.echo(f"  {problem}", err=True)
        if len(report.problems) > 200:
            click.echo(f"  … og {len(report.problems) - 200} mere", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Indlæst {path}: {report.summary()}.")
