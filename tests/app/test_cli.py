"""The command line (CONTRACT.md, Command line): exit codes, messages, all or nothing."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from fællesskab.accounts.models import User
from fællesskab.accounts.services import authenticate
from fællesskab.directory.models import Association
from fællesskab.events.models import Event
from fællesskab.places.models import Forum, Place

from ..helpers import SEED_DIR

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")
PASSWORD = "en lang nok adgangskode"


def data_file(name: str) -> str:
    return os.path.join(DATA, name)


def count(db, model) -> int:
    db.session.rollback()  # see what the command committed, not this session's cache
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def counts(db) -> dict[str, int]:
    return {m.__tablename__: count(db, m) for m in (Association, Event, Forum, User, Place)}


# --- seed ----------------------------------------------------------------------------------------


def test_seed_places_twice_changes_nothing(runner, db):
    # The app fixture has loaded the reference data already; both runs find it in place.
    for _ in range(2):
        result = runner.invoke(args=["seed", "places"])
        assert result.exit_code == 0, result.output
        assert "intet ændret" in result.output
    assert count(db, Place) == 55


def test_seed_demo_twice_gives_the_same_counts(runner, db):
    if not os.path.exists(os.path.join(SEED_DIR, "demo", "associations.csv")):
        pytest.fail("seed/demo/associations.csv is missing (the demo data is not written yet)")
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    after_first = counts(db)
    assert after_first["associations"] > 0
    assert after_first["events"] > 0
    assert after_first["forums"] > 0
    assert after_first["users"] >= 4
    assert "Demokonti" in first.output

    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0, second.output
    assert counts(db) == after_first
    assert f"0 oprettet, 0 opdateret, {after_first['associations']} uændret" in second.output
    assert "Arrangementer: 0 oprettet" in second.output


def test_seed_demo_accounts_can_log_in_in_development(runner, db):
    if not os.path.exists(os.path.join(SEED_DIR, "demo", "associations.csv")):
        pytest.fail("seed/demo/associations.csv is missing (the demo data is not written yet)")
    from fællesskab.demo import DEMO_ACCOUNTS, demo_password

    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    for email, role, _forum, _name in DEMO_ACCOUNTS:
        user = authenticate(email, demo_password(role))
        assert user is not None and user.role == role


# --- import associations -------------------------------------------------------------------------


def test_import_associations_good_file(runner, db):
    result = runner.invoke(args=["import", "associations", data_file("associations-good.csv")])
    assert result.exit_code == 0, result.output
    assert "3 oprettet, 0 opdateret, 0 uændret" in result.output
    assert count(db, Association) == 3

    again = runner.invoke(args=["import", "associations", data_file("associations-good.csv")])
    assert again.exit_code == 0, again.output
    assert "0 oprettet, 0 opdateret, 3 uændret" in again.output
    assert count(db, Association) == 3


def test_import_associations_bad_file(runner, db):
    result = runner.invoke(args=["import", "associations", data_file("associations-bad.csv")])
    assert result.exit_code == 1
    assert "intet er ændret" in result.stderr
    for line in ("linje 3: category", "linje 4: age_max", "linje 5: postcode"):
        assert line in result.stderr
    assert "linje 2" not in result.stderr
    assert result.stdout == ""
    assert count(db, Association) == 0


def test_import_associations_missing_file(runner, db, tmp_path):
    path = str(tmp_path / "findes-ikke.csv")
    result = runner.invoke(args=["import", "associations", path])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Fejl:") and "findes-ikke.csv" in lines[0]
    assert "Traceback" not in result.output
    assert count(db, Association) == 0


def test_import_associations_latin1_file(runner, db, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("external_id,name,category,town\nL-1,Ødis Gymnastik,sport,Ødis\n".encode("latin-1"))
    result = runner.invoke(args=["import", "associations", str(path)])
    assert result.exit_code == 1
    assert "linje 2" in result.stderr and "UTF-8" in result.stderr
    assert count(db, Association) == 0


def test_import_associations_with_a_directory_is_refused(runner, db, tmp_path):
    result = runner.invoke(args=["import", "associations", str(tmp_path)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert count(db, Association) == 0


# --- import events -------------------------------------------------------------------------------


def test_import_events_good_file(runner, db):
    assert runner.invoke(args=["import", "associations", data_file("associations-good.csv")]).exit_code == 0
    result = runner.invoke(args=["import", "events", data_file("events-good.csv")])
    assert result.exit_code == 0, result.output
    assert "2 oprettet, 0 opdateret, 0 uændret" in result.output
    assert count(db, Event) == 2
    host = db.session.scalar(sa.select(Event).where(Event.external_id == "TE-001")).association
    assert host.external_id == "T-001"

    again = runner.invoke(args=["import", "events", data_file("events-good.csv")])
    assert again.exit_code == 0, again.output
    assert "0 oprettet, 0 opdateret, 2 uændret" in again.output


def test_import_events_bad_file(runner, db):
    result = runner.invoke(args=["import", "events", data_file("events-bad.csv")])
    assert result.exit_code == 1
    for line in ("linje 3: kind", "linje 4: starts_at", "linje 5: capacity"):
        assert line in result.stderr
    assert "linje 2" not in result.stderr
    assert count(db, Event) == 0


def test_import_events_with_unknown_association(runner, db):
    # events-good.csv refers to T-001, which is not imported here
    result = runner.invoke(args=["import", "events", data_file("events-good.csv")])
    assert result.exit_code == 1
    assert "linje 2: association_external_id" in result.stderr
    assert count(db, Event) == 0


def test_import_events_missing_file(runner, db, tmp_path):
    result = runner.invoke(args=["import", "events", str(tmp_path / "nej.csv")])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fejl:")
    assert count(db, Event) == 0


# --- users create ------------------------------------------------------------------------------


def test_users_create_reads_the_password_from_stdin(runner, db):
    result = runner.invoke(
        args=["users", "create", "--email", "Ny.Koordinator@Kolding.dk", "--role", "coordinator", "--name", "Ny"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "ny.koordinator@kolding.dk" in result.output
    assert PASSWORD not in result.output
    db.session.rollback()
    user = authenticate("ny.koordinator@kolding.dk", PASSWORD)
    assert user is not None and user.role == "coordinator" and user.name == "Ny"


def test_users_create_forum_account(runner, db, make_forum):
    forum = make_forum(slug="harte-lokalraad")
    result = runner.invoke(
        args=["users", "create", "--email", "harte@example.org", "--role", "forum", "--forum", "harte-lokalraad"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    db.session.rollback()
    user = db.session.scalar(sa.select(User).where(User.email == "harte@example.org"))
    assert user.forum_id == forum.id


def test_users_create_duplicate_email(runner, db, make_user):
    make_user("admin", email="dup@example.org")
    result = runner.invoke(
        args=["users", "create", "--email", "DUP@example.org", "--role", "coordinator"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fejl:") and "dup@example.org" in lines[0].lower()
    assert count(db, User) == 1


def test_users_create_forum_role_without_forum(runner, db):
    result = runner.invoke(
        args=["users", "create", "--email", "f@example.org", "--role", "forum"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 1
    assert "--forum" in result.stderr
    assert count(db, User) == 0


@pytest.mark.parametrize("args, password", [
    (["--email", "x@example.org", "--role", "superuser"], PASSWORD),
    (["--email", "ikke-en-mail", "--role", "admin"], PASSWORD),
    (["--email", "x@example.org", "--role", "admin"], "kort"),
    (["--email", "x@example.org", "--role", "admin"], ""),
])
def test_users_create_bad_input(runner, db, args, password):
    result = runner.invoke(args=["users", "create", *args], input=password + "\n")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert count(db, User) == 0
