"""The CSV importers under random malformed files: never a crash; a bad file gives a
report with line numbers and commits nothing; a good file commits what the report says.

Each example starts from a valid file of the importer's format and applies random
damage: other encodings, BOMs, NUL bytes, stray quotes, ragged rows, huge fields,
random bytes, truncation, spreadsheet formulas, CRLF line ends.
"""
from __future__ import annotations

import csv
import io
import os
import random

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from fællesskab.directory.importer import import_associations
from fællesskab.directory.models import Association
from fællesskab.events.importer import import_events
from fællesskab.events.models import Event
from fællesskab.geo.importer import import_addresses
from fællesskab.geo.models import Address
from fællesskab.outreach.importer import import_newcomers
from fællesskab.outreach.models import Newcomer
from tests.helpers import DAWA_COLUMNS, dawa_row

EXAMPLES = int(os.environ.get("IMPORT_EXAMPLES", 40))
FORMULA = "=cmd|' /C calc'!A0"


def _csv(columns, rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def associations_file(n: int) -> str:
    columns = ["external_id", "name", "summary", "category", "tags", "town", "lat", "lon", "welcomes_newcomers"]
    return _csv(columns, [{"external_id": f"P-A-{i}", "name": f"Forening {i} ø", "summary": "Fodbold for alle.",
                           "category": "sport", "tags": "fodbold;håndbold", "town": "Vamdrup",
                           "welcomes_newcomers": "true"} for i in range(n)])


def events_file(n: int) -> str:
    columns = ["external_id", "title", "kind", "starts_at", "ends_at", "town", "capacity", "registration_required"]
    return _csv(columns, [{"external_id": f"P-E-{i}", "title": f"Velkomstmøde {i}", "kind": "welcome-meeting",
                           "starts_at": "2027-03-04T19:00:00+01:00", "ends_at": "2027-03-04T21:00:00+01:00",
                           "town": "Almind", "capacity": "20", "registration_required": "true"} for i in range(n)])


def newcomers_file(n: int) -> str:
    columns = ["external_id", "name", "email", "address", "postcode", "town", "move_in_date", "adults",
               "children_ages", "languages", "interests", "consent_contact"]
    return _csv(columns, [{"external_id": f"P-N-{i}", "name": f"Søren {i}", "email": f"s{i}@example.org",
                           "address": "Skolegade 3", "postcode": "6000", "town": "Kolding",
                           "move_in_date": "2026-08-01", "adults": "2", "children_ages": "4;9", "languages": "da;en",
                           "interests": "fodbold;kor", "consent_contact": "true"} for i in range(n)])


def addresses_file(n: int) -> str:
    return _csv(DAWA_COLUMNS, [dawa_row("Skolegade", str(i + 1), "6000", "Kolding", 55.49 + i / 10000, 9.47, n=i)
                               for i in range(n)])


IMPORTERS = {
    "associations": (import_associations, Association, associations_file),
    "events": (import_events, Event, events_file),
    "newcomers": (import_newcomers, Newcomer, newcomers_file),
    "addresses": (import_addresses, Address, addresses_file),
}

# (name, does it always make the file bad?) — the rest may or may not.
MUTATIONS = st.sampled_from(["bom", "crlf", "latin1", "utf16", "nul", "quote", "ragged", "huge", "bytes",
                             "truncate", "formula", "empty", "header_only", "unicode"])


@st.composite
def damaged_file(draw, make):
    text = make(draw(st.integers(1, 4)))
    lines = text.splitlines(keepends=True)
    data = text.encode()
    for mutation in draw(st.lists(MUTATIONS, min_size=1, max_size=3)):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if mutation == "bom":
            data = b"\xef\xbb\xbf" + data
        elif mutation == "crlf":
            data = data.replace(b"\n", b"\r\n")
        elif mutation == "latin1":
            data = data.decode("utf-8", "replace").encode("latin-1", "replace")
        elif mutation == "utf16":
            data = data.decode("utf-8", "replace").encode("utf-16")
        elif mutation == "nul":
            data = data[:at] + b"\x00" + data[at:]
        elif mutation == "quote":
            data = data[:at] + b'"' + data[at:]
        elif mutation == "ragged" and len(lines) > 1:
            row = draw(st.integers(1, len(lines) - 1))
            cut = lines[row].rstrip("\n") + draw(st.sampled_from([",extra", ",,,", ""]))
            cut = cut if cut != lines[row].rstrip("\n") else cut.rsplit(",", 1)[0]
            data = "".join(lines[:row] + [cut + "\n"] + lines[row + 1:]).encode()
        elif mutation == "huge":
            data = data[:at] + b"x" * draw(st.sampled_from([70_000, 140_000, 300_000])) + data[at:]
        elif mutation == "bytes":
            data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
        elif mutation == "truncate":
            data = data[:at]
        elif mutation == "formula":
            data = data.replace("ø".encode(), FORMULA.encode(), 1).replace(b"Velkomstm", b"@SUM(A1)", 1)
        elif mutation == "empty":
            data = b""
        elif mutation == "header_only":
            data = lines[0].encode()
        elif mutation == "unicode":
            data = data[:at] + draw(st.text(min_size=1, max_size=8)).encode("utf-8", "surrogatepass") + data[at:]
    return data


def check_import(db, importer, model, data: bytes):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(model))
    report = importer(io.BytesIO(data))
    if report.ok:
        db.session.commit()
    else:
        db.session.rollback()
    after = db.session.scalar(sa.select(sa.func.count()).select_from(model))
    if report.ok:
        assert after == before + report.created
    else:
        assert after == before, "a bad file changed the database"
        assert report.problems and all(str(p) for p in report.problems)
    db.session.execute(sa.delete(model))  # the next example starts from the same state
    db.session.commit()
    return report


def _property(kind: str):
    importer, model, make = IMPORTERS[kind]

    @settings(max_examples=EXAMPLES)
    @given(data=damaged_file(make))
    def run(db, data):
        # Hypothesis fixes the global `random` seed per example; Whoosh names its segments
        # with it, so without this every example's index segment would get the same name.
        random.seed()
        try:
            check_import(db, importer, model, data)
        except BaseException:
            db.session.rollback()
            raise

    return run


def test_association_import_survives_damaged_files(db):
    _property("associations")(db)


def test_event_import_survives_damaged_files(db):
    _property("events")(db)


def test_newcomer_import_survives_damaged_files(db):
    _property("newcomers")(db)


def test_address_import_survives_damaged_files(db):
    _property("addresses")(db)


def test_valid_files_import_completely(db):
    for kind, (importer, model, make) in IMPORTERS.items():
        report = check_import(db, importer, model, make(3).encode())
        assert report.ok and report.created == 3, (kind, [str(p) for p in report.problems])
