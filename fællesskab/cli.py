"""Command-line interface: `flask --app wsgi <group> <command>` (CONTRACT.md).

Each command prints a clear one-line error and exits non-zero on bad input,
and commits once, only when everything went well.
"""
from __future__ import annotations

import logging
import os
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .core.cli import fail, run_import
from .core.errors import DomainError
from .extensions import db

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def seed_dir() -> str:
    return current_app.config.get("SEED_DIR") or os.path.join(REPO_ROOT, "seed")


seed_cli = AppGroup("seed", help="Load reference geodata and demo data from seed/.")
import_cli = AppGroup("import", help="Import CSV files (UTF-8, header row).")
users_cli = AppGroup("users", help="Manage accounts.")


@seed_cli.command("places")
def seed_places_command() -> None:
    """Load Kolding's localities, postcodes, streets and boundary (idempotent)."""
    from .geo.reference import load_reference_data

    report = _seed_places(load_reference_data)
    db.session.commit()
    click.echo(_describe_places(report))


def _seed_places(load):
    try:
        return load(seed_dir())
    except (OSError, KeyError, ValueError) as exc:
        fail(f"kunne ikke læse seed/places: {exc}")


PLACE_WORDS = {"postcodes": "postnumre", "places": "steder", "streets": "gader", "boundaries": "grænser"}


def _describe_places(report) -> str:
    if not report.changed:
        return "Stednavne: allerede indlæst, intet ændret."
    parts = [f"{n} {PLACE_WORDS.get(what, what)} oprettet" for what, n in report.created.items()]
    parts += [f"{n} {PLACE_WORDS.get(what, what)} opdateret" for what, n in report.updated.items()]
    return "Stednavne: " + ", ".join(parts) + "."


@seed_cli.command("demo")
def seed_demo_command() -> None:
    """Run `seed places`, then load demo forums, associations, events and accounts."""
    from .demo import load_demo
    from .geo.reference import load_reference_data

    places = _seed_places(load_reference_data)
    production = current_app.config["FAELLESSKAB_ENV"] == "production"
    try:
        report = load_demo(seed_dir(), production=production)
    except DomainError as exc:
        fail(f"demodata er ugyldige: {exc.message}")
    except OSError as exc:
        fail(f"kunne ikke læse seed/demo: {exc}")
    db.session.commit()
    click.echo(_describe_places(places))
    click.echo(f"Fora: {report.forums_changed} oprettet eller ændret.")
    click.echo(f"Foreninger: {report.associations}.")
    click.echo(f"Arrangementer: {report.events_created} oprettet.")
    if report.directory:
        click.echo(f"Foreningsoversigten: {report.directory}.")
    if report.newcomers:
        click.echo(f"Tilflyttere: {report.newcomers}.")
    if report.survey_answers or report.search_misses:
        click.echo(f"Spørgeskemasvar: {report.survey_answers} oprettet; søgninger uden resultat: "
                   f"{report.search_misses}.")
    if production:
        click.echo("Demokonti findes; adgangskoderne vises ikke i produktion.")
    else:
        click.echo("Demokonti (kun til udvikling):")
        for email, role, password in report.accounts:
            click.echo(f"  {role:<12} {email:<28} {password}")


@import_cli.command("associations")
@click.argument("path", type=click.Path(dir_okay=False))
def import_associations_command(path: str) -> None:
    """Upsert associations by external_id from a CSV file."""
    from .directory.importer import import_associations

    run_import(path, import_associations)


@import_cli.command("events")
@click.argument("path", type=click.Path(dir_okay=False))
def import_events_command(path: str) -> None:
    """Upsert events by external_id from a CSV file."""
    from .events.importer import import_events

    run_import(path, import_events)


@import_cli.command("hsds")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--default-category", default=None,
              help="category for services without one of ours (another publisher's data)")
def import_hsds_command(folder: str, default_category: str | None) -> None:
    """Upsert associations from an Open Referral HSDS data package (datapackage.json + CSV)."""
    from .directory.hsds_package import import_package

    run_import(folder, lambda _fh: import_package(folder, default_category=default_category), open_file=False)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, help="admin, coordinator, forum or newcomer")
@click.option("--forum", "forum_slug", default=None, help="the forum's slug (role forum)")
@click.option("--name", default="")
@click.option("--password", default=None, help="omit to be asked (recommended)")
def users_create_command(email: str, role: str, forum_slug: str | None, name: str, password: str | None) -> None:
    """Create an account."""
    from .accounts.services import create_user

    if password is None:
        if not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = click.prompt("Adgangskode", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, role, password, forum_slug=forum_slug, name=name)
    except DomainError as exc:
        fail(exc.message)
    db.session.commit()
    click.echo(f"Konto oprettet: {user.email} ({user.role}).")


@users_cli.command("reset-2fa")
@click.argument("email")
def users_reset_2fa_command(email: str) -> None:
    """Turn off a user's two-factor authentication (lost phone and recovery codes); audited.

    Check who is asking first (docs/operations.md). The user's sessions end; they log in
    with the password and, if their role requires it, enrol again straight away.
    """
    from .accounts import mfa
    from .accounts.services import find_by_email

    user = find_by_email(email)
    if user is None:
        fail(f"ingen konto har e-mailen {email.strip().lower()!r}.")
    if not mfa.reset(user, actor=None):
        click.echo(f"{user.email} har ikke totrinsbekræftelse slået til; intet er ændret.")
        return
    from .mail import services as mail

    mail.commit_and_deliver()  # the reset, and its notice to the user
    logging.getLogger("fællesskab.security").warning(
        "two-factor authentication reset for user %s from the command line", user.id)
    click.echo(f"Totrinsbekræftelse nulstillet for {user.email}; brugeren er logget ud alle steder.")


@click.command("doctor")
def doctor_command() -> None:
    """List what a production set-up lacks or gets wrong, with the fix; exit 1 if anything is wrong."""
    from .ops.doctor import examine

    findings = examine(current_app)
    marks = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}
    for finding in findings:
        click.echo(f"{marks[finding.state]} {finding.what}")
        if finding.fix and finding.state != "ok":
            click.echo(f"     → {finding.fix}")
    failed = sum(1 for f in findings if f.state == "fail")
    warned = sum(1 for f in findings if f.state == "warn")
    click.echo(f"{len(findings)} checks: {failed} wrong, {warned} to look at.")
    if failed:
        sys.exit(1)


def register_cli(app: Flask) -> None:
    """Add every package's command group, and the commands that join another package's group, here."""
    from .core.backup import backup_command
    from .directory.cli import directory_cli
    from .events.cli import events_cli
    from .geo.cli import import_addresses_command
    from .mail.cli import mail_cli
    from .outreach.cli import outreach_cli
    from .privacy.cli import outreach_purge_command, privacy_cli
    from .search import search_cli
    from .surveys.cli import surveys_cli

    import_cli.add_command(import_addresses_command)  # `import addresses`
    outreach_cli.add_command(outreach_purge_command)  # `outreach purge`: the privacy package's purge, outreach part
    for group in (seed_cli, import_cli, users_cli, directory_cli, search_cli, events_cli, mail_cli, outreach_cli,
                  privacy_cli, surveys_cli, backup_command, doctor_command):
        app.cli.add_command(group)
