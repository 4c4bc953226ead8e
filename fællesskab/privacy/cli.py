"""`flask --app wsgi privacy …`: retention purge (for cron) and erasure of one person."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db

privacy_cli = AppGroup("privacy", help="Personal data: retention and erasure.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Delete personal data past its retention (cron, e.g. nightly)."""
    from ..core.cli import fail
    from .purge import LABELS, purge

    try:
        result = purge(dry_run=dry_run)
    except Exception as exc:  # noqa: BLE001 - one plain line for cron's mail, nothing half-deleted
        fail(f"sletningen stoppede, og intet er slettet: {exc}")
    prefix = ("Prøvekørsel – intet er ændret. Ville blive slettet: " if dry_run
              else "Slettet efter opbevaringsreglerne: ")
    click.echo(prefix + "; ".join(f"{result.counts.get(name, 0)} {label}" for name, label in LABELS.items()) + ".")


@privacy_cli.command("erase")
@click.option("--email", required=True, help="The person's email address.")
@click.option("--reason", default="anmodning om sletning", show_default=True)
def erase_command(email: str, reason: str) -> None:
    """Erase everything held about the person with this email (cases, sign-ups, mail), in one transaction."""
    from .erase import erase_person

    if "@" not in email:
        raise click.ClickException("Skriv en e-mailadresse.")
    counts = erase_person(actor=None, reason=reason, email=email)
    db.session.commit()
    done = ", ".join(f"{name}: {n}" for name, n in counts.items() if n) or "intet fundet"
    click.echo(f"Slettet: {done}.")


# Added to the `outreach` group by `cli.register_cli`: the purge is this package's, the group outreach's.
@click.command("purge")
def outreach_purge_command() -> None:
    """Apply the outreach retention rules (cases, statistics rows, audit log); `privacy purge` does all."""
    from .purge import purge

    counts = purge(only=("outreach", "audit")).counts
    click.echo(f"Tilflyttere: {counts['closed_cases']} sag(er) slettet for personoplysninger, "
               f"{counts['statistics_rows']} statistikrække(r) slettet, "
               f"{counts['audit_rows']} gamle logrækker slettet.")
