"""Helpers shared by the tests: paths, the test password, which databases run,
emptying the tables after a test, and small builders and readers that several
test files use. Fixtures stay in the conftest files; test files import plain
helpers from here, never from a conftest.
"""
from __future__ import annotations

import csv
import io
import os
import re
from functools import cache

import sqlalchemy as sa

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED_DIR = os.path.join(REPO_ROOT, "seed")

PASSWORD = "correct horse battery staple"
# scrypt at 1/32 of the product's cost (config.PASSWORD_HASH_METHOD): the same code and algorithm, and
# hashing was a fifth of the suite's time. tests/accounts/test_security.py checks the product's cost.
TEST_HASH_METHOD = "scrypt:1024:8:1"

DATABASES = ["sqlite"]
if os.environ.get("TEST_DATABASE_URL"):
    DATABASES.append("postgresql")
# tests/run-suite runs the PostgreSQL half in a process of its own, beside a SQLite-only one.
if os.environ.get("TEST_DATABASES"):
    DATABASES = [name for name in DATABASES if name in os.environ["TEST_DATABASES"].split(",")]
# Browser checks of what a page looks like (axe-core, reflow, focus, the map; marked `rendering`)
# give the same answer whichever database is behind the page, so they run against one database
# per suite run; the journeys, which write, run against every one. tests/run-suite points the
# PostgreSQL half at the SQLite half's run of them.
RENDER_DATABASE = os.environ.get("TEST_RENDER_DATABASE") or DATABASES[0]


# --- emptying the tables ----------------------------------------------------------------------

# Loaded once per session by `load_reference_data` (the app fixture) and only read by tests.
REFERENCE_TABLES = frozenset({"places", "postcodes", "streets", "boundaries"})
# The PostgreSQL search engine's own tables: its tests fill and empty them where they are the
# subject (tests/search/test_postgres_*); the teardown has never touched them.
SEARCH_ENGINE_TABLES = frozenset({"search_documents", "search_words"})


@cache
def mutable_tables() -> tuple[str, ...]:
    """Every table tests write to, children before parents (so DELETEs respect foreign keys).

    Derived from the models' metadata: a new model's table is emptied without anyone
    remembering to add it here.
    """
    from fællesskab import models  # noqa: F401  (every model, so the metadata is complete)
    from fællesskab.extensions import db

    names = {table.name for table in db.metadata.sorted_tables}
    missing = (REFERENCE_TABLES | SEARCH_ENGINE_TABLES) - names
    assert not missing, f"tables kept by the tests are no longer in the models: {sorted(missing)}"
    return tuple(table.name for table in reversed(db.metadata.sorted_tables)
                 if table.name not in REFERENCE_TABLES | SEARCH_ENGINE_TABLES)


def empty_tables(app) -> None:
    """Empty the tables tests write to, and what the raw DELETEs leave stale (inside an app context)."""
    from fællesskab.core import counts
    from fællesskab.extensions import db
    from fællesskab.search import clear_index

    db.session.rollback()
    for table in mutable_tables():
        db.session.execute(sa.text(f"DELETE FROM {table}"))
    db.session.commit()
    db.session.remove()
    clear_index(app)  # raw DELETEs bypass the sync hooks
    counts.forget_all(app)  # and the kept counts' hooks


# --- directory: stewardship mails and revisions -----------------------------------------------

def link_in(message) -> str:
    """The path of the listing link in a mail (MAIL_BASE_URL stripped)."""
    found = re.search(r"https://faellesskab\.example\.org(/foreninger/[^\s\"<]+/ret/[^\s\"<#]+)", message.text_body)
    assert found, message.text_body
    return found.group(1)


def revisions_of(db, assoc_id: int):
    from fællesskab.directory.models import AssociationRevision

    db.session.expire_all()
    return list(db.session.scalars(sa.select(AssociationRevision).where(
        AssociationRevision.association_id == assoc_id).order_by(AssociationRevision.id)))


def audit_rows(db, assoc_id: int):
    from fællesskab.core.audit import AuditEntry

    return list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.subject_type == "association", AuditEntry.subject_id == assoc_id).order_by(AuditEntry.id)))


# --- geo: DAWA-format address CSV files -------------------------------------------------------

# The columns of DAWA's `adresser?format=csv` export that matter here, plus a few that
# the importer must ignore (DAWA's export has many more).
DAWA_COLUMNS = [
    "id", "status", "vejkode", "vejnavn", "adresseringsvejnavn", "husnr", "etage", "dør", "supplerendebynavn",
    "postnr", "postnrnavn", "kommunekode", "kommunenavn", "etrs89koordinat_øst", "etrs89koordinat_nord",
    "wgs84koordinat_bredde", "wgs84koordinat_længde", "nøjagtighed", "adgangsadresseid", "betegnelse",
]


def dawa_row(street, number, postcode, district, lat, lon, *, town="", floor="", door="", kommune="0621", n=1):
    return {
        "id": f"0a3f50{n:02d}-0000-32b8-e044-0003ba298018", "status": "1", "vejkode": "1234", "vejnavn": street,
        "adresseringsvejnavn": street, "husnr": number, "etage": floor, "dør": door, "supplerendebynavn": town,
        "postnr": postcode, "postnrnavn": district, "kommunekode": kommune, "kommunenavn": "Kolding",
        "etrs89koordinat_øst": "", "etrs89koordinat_nord": "", "wgs84koordinat_bredde": str(lat),
        "wgs84koordinat_længde": str(lon), "nøjagtighed": "A",
        "adgangsadresseid": f"0a3f5081-{n:04d}-32b8-e044-0003ba298018",
        "betegnelse": f"{street} {number}, {postcode} {district}",
    }


def csv_bytes(rows, columns=DAWA_COLUMNS, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# --- matching: the match API ------------------------------------------------------------------

def post_match(client, body, lang: str = "da", status: int = 200) -> dict:
    response = client.post("/api/v1/match", json=body, headers={"Accept-Language": lang})
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def ids(result: dict, n: int | None = None) -> list[str]:
    """External ids without the demo prefix: A-015, E-011, …"""
    return [r["external_id"].removeprefix("DEMO-") for r in result["results"][:n]]
