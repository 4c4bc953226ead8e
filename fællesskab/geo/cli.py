"""`flask --app wsgi import addresses FILE.csv` (added to the `import` group by `cli.register_cli`)."""
from __future__ import annotations

import os
import sys

import click

from ..core.cli import fail
from ..extensions import db


@click.command("addresses")
@click.argument("path", type=click.Path(dir_okay=False))
def import_addresses_command(path: str) -> None:
    """Load an official Danish address list (DAWA/DAR CSV export) into the offline gazetteer."""
    from .importer import import_addresses

    try:
        fh = open(path, "rb")  # noqa: SIM115  (closed by the `with fh` below; the try only reports a bad path)
    except OSError as exc:
        fail(f"kunne ikke åbne {path}: {exc.strerror or exc}")
    with fh:
        if sys.stderr.isatty():  # a progress bar for people; scripts and logs get the summary only
            size = os.fstat(fh.fileno()).st_size
            with click.progressbar(length=size, label="Adresser", file=sys.stderr) as bar:
                report = import_addresses(fh, progress=lambda pos: bar.update(max(0, min(pos, size) - bar.pos)))
        else:
            report = import_addresses(fh)
    if not report.ok:
        db.session.rollback()
        first = report.problems[0]
        click.echo(f"Fejl: {path} blev ikke indlæst ({report.problem_count} problem(er), først {first}); "
                   "intet er ændret.", err=True)
        for problem in report.problems[1:200]:
            click.echo(f"  {problem}", err=True)
        if report.problem_count > 200:
            click.echo(f"  … og {report.problem_count - 200} mere", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Indlæst {path}: {report.summary()}.")
