"""`import events`: upsert by external_id, UTC storage, all or nothing."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from fællesskab.events.importer import COLUMNS, import_events
from fællesskab.events.models import Event
from fællesskab.places.models import Place

UTC = UTC


@pytest.fixture
def host(make_association):
    return make_association(external_id="A-EV-1", name="Almind Borgerforening", town="Almind")


def good_rows() -> list[dict]:
    return [
        {
            "external_id": "E-1", "association_external_id": "A-EV-1", "title": "Velkomstmøde i Almind",
            "description": "Kaffe og kage.", "kind": "Welcome-Meeting",
            "starts_at": "2027-03-04T19:00:00+01:00", "ends_at": "2027-03-04T21:00:00+01:00",
            "town": "Almind", "capacity": "30", "registration_required": "ja",
        },
        {   # summer time, lat/lon, no host
            "external_id": "E-2", "title": "Åbent hus i Aller", "kind": "open-house",
            "starts_at": "2027-07-01T10:00:00+02:00", "ends_at": "", "lat": "55.3584", "lon": "9.5308",
        },
        {   # UTC given directly, street + postcode
            "external_id": "E-3", "title": "Foreningsmesse", "kind": "fair",
            "starts_at": "2027-09-12T08:30:00Z", "ends_at": "2027-09-12T14:00:00+00:00",
            "address": "Skolegade 3", "postcode": "6000",
        },
    ]


def csv_bytes(rows: list[dict], columns=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def run_import(db, data: bytes):
    """Import as `flask import events` does: commit when ok, else roll back."""
    report = import_events(io.BytesIO(data))
    if report.ok:
        db.session.commit()
    else:
        db.session.rollback()
    return report


def count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Event))


def event(db, external_id: str) -> Event:
    db.session.expire_all()
    return db.session.scalar(sa.select(Event).where(Event.external_id == external_id))


def place_id(db, name: str) -> int:
    return db.session.scalar(sa.select(Place.id).where(Place.name == name))


def test_good_file_creates_every_row(db, host):
    report = run_import(db, csv_bytes(good_rows()))
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert count(db) == 3


def test_times_are_stored_in_utc(db, host):
    run_import(db, csv_bytes(good_rows()))
    e1 = event(db, "E-1")
    assert e1.starts_at == datetime(2027, 3, 4, 18, 0, tzinfo=UTC)
    assert e1.starts_at.utcoffset().total_seconds() == 0
    assert e1.ends_at == datetime(2027, 3, 4, 20, 0, tzinfo=UTC)
    assert event(db, "E-2").starts_at == datetime(2027, 7, 1, 8, 0, tzinfo=UTC)
    assert event(db, "E-2").ends_at is None
    assert event(db, "E-3").starts_at == datetime(2027, 9, 12, 8, 30, tzinfo=UTC)


def test_times_are_stored_as_naive_utc_in_the_database(db, host):
    run_import(db, csv_bytes(good_rows()))
    raw = db.session.execute(sa.text("SELECT starts_at FROM events WHERE external_id = 'E-1'")).scalar_one()
    if isinstance(raw, str):  # SQLite hands back text
        raw = datetime.fromisoformat(raw)
    assert raw.replace(tzinfo=None) == datetime(2027, 3, 4, 18, 0)


def test_values_are_parsed(db, host):
    run_import(db, csv_bytes(good_rows()))
    e1 = event(db, "E-1")
    assert e1.title == "Velkomstmøde i Almind"
    assert e1.kind == "welcome-meeting"
    assert e1.association_id == host.id
    assert e1.place_id == place_id(db, "Almind")
    assert e1.capacity == 30
    assert e1.registration_required is True
    assert e1.status == "approved"
    e2 = event(db, "E-2")
    assert e2.association_id is None
    assert e2.place_id == place_id(db, "Aller")
    assert e2.capacity is None and e2.registration_required is False
    e3 = event(db, "E-3")
    assert (e3.lat, e3.lon) == (pytest.approx(55.49046), pytest.approx(9.47047))
    assert e3.place_id == place_id(db, "Kolding")


def test_reimport_reports_unchanged(db, host):
    run_import(db, csv_bytes(good_rows()))
    report = run_import(db, csv_bytes(good_rows()))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert count(db) == 3


def test_same_instant_in_another_offset_is_unchanged(db, host):
    run_import(db, csv_bytes(good_rows()))
    rows = good_rows()
    rows[0].update(starts_at="2027-03-04T18:00:00+00:00", ends_at="2027-03-04T20:00:00Z")
    report = run_import(db, csv_bytes(rows))
    assert (report.updated, report.unchanged) == (0, 3)


def test_upsert_by_external_id(db, host):
    run_import(db, csv_bytes(good_rows()))
    old_id = event(db, "E-1").id
    rows = good_rows()
    rows[0].update(title="Velkomstmøde flyttet", starts_at="2027-03-05T19:30:00+01:00",
                   ends_at="2027-03-05T21:00:00+01:00")
    report = run_import(db, csv_bytes(rows))
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    e1 = event(db, "E-1")
    assert e1.id == old_id
    assert e1.title == "Velkomstmøde flyttet"
    assert e1.starts_at == datetime(2027, 3, 5, 18, 30, tzinfo=UTC)
    assert count(db) == 3


def test_reimport_without_host_keeps_the_host(db, host):
    run_import(db, csv_bytes(good_rows()))
    rows = good_rows()
    rows[0]["association_external_id"] = ""
    run_import(db, csv_bytes(rows))
    assert event(db, "E-1").association_id == host.id


# --- bad files --------------------------------------------------------------------------------

GOOD = {"external_id": "X-1", "title": "Fællesspisning", "kind": "social",
        "starts_at": "2027-05-01T18:00:00+02:00", "town": "Vamdrup"}


def bad_row(**kw) -> dict:
    return {"external_id": "X-2", "title": "Løbetur", "kind": "activity",
            "starts_at": "2027-05-02T10:00:00+02:00", "ends_at": "2027-05-02T11:00:00+02:00",
            "town": "Lunderskov", **kw}


BAD_ROWS = {
    "unknown kind": (bad_row(kind="koncert"), "kind"),
    "missing kind": (bad_row(kind=""), "kind"),
    "missing title": (bad_row(title=""), "title"),
    "naive starts_at": (bad_row(starts_at="2027-05-02T10:00:00"), "starts_at"),
    "naive ends_at": (bad_row(ends_at="2027-05-02T11:00:00"), "ends_at"),
    "garbage starts_at": (bad_row(starts_at="2. maj kl. 10"), "starts_at"),
    "missing starts_at": (bad_row(starts_at=""), "starts_at"),
    "ends before start": (bad_row(ends_at="2027-05-02T09:59:00+02:00"), "ends_at"),
    "ends before start in another offset": (bad_row(ends_at="2027-05-02T07:30:00+00:00"), "ends_at"),
    "unknown association": (bad_row(association_external_id="A-FINDES-IKKE"), "association_external_id"),
    "capacity 0": (bad_row(capacity="0"), "capacity"),
    "capacity not a number": (bad_row(capacity="mange"), "capacity"),
    "bad registration_required": (bad_row(registration_required="måske"), "registration_required"),
    "unknown postcode": (bad_row(postcode="9999", town=""), "postcode"),
    "no location": (bad_row(town=""), "address"),
    "lat without lon": (bad_row(lat="55.4", town=""), "lon"),
    "missing external_id": (bad_row(external_id=""), "external_id"),
    "duplicate external_id": (bad_row(external_id="X-1"), "external_id"),
}


@pytest.mark.parametrize("row, field", BAD_ROWS.values(), ids=list(BAD_ROWS))
def test_bad_row_is_reported_at_its_line_and_nothing_is_written(db, host, row, field):
    report = run_import(db, csv_bytes([GOOD, row, dict(GOOD, external_id="X-3")]))
    assert not report.ok
    assert [(p.line, p.field) for p in report.problems] == [(3, field)], report.problems
    assert count(db) == 0


def test_missing_required_column(db, host):
    columns = [c for c in COLUMNS if c != "starts_at"]
    report = run_import(db, csv_bytes([{k: v for k, v in GOOD.items() if k != "starts_at"}], columns=columns))
    assert [p.line for p in report.problems] == [1]
    assert "starts_at" in report.problems[0].message
    assert count(db) == 0


def test_unknown_column(db, host):
    report = run_import(db, csv_bytes([dict(GOOD, pris="50")], columns=(*COLUMNS, "pris")))
    assert [p.line for p in report.problems] == [1]
    assert "pris" in report.problems[0].message
    assert count(db) == 0


def test_wrong_encoding(db, host):
    data = csv_bytes([GOOD, bad_row()]).decode().encode("latin-1")  # 'æ' and 'ø' in Latin-1
    report = run_import(db, data)
    assert [p.line for p in report.problems] == [2]
    assert count(db) == 0


def test_a_bad_file_does_not_change_existing_events(db, host):
    run_import(db, csv_bytes(good_rows()))
    rows = good_rows()
    rows[0]["title"] = "Skulle ikke gemmes"
    report = run_import(db, csv_bytes([*rows, bad_row(kind="koncert")]))
    assert [p.line for p in report.problems] == [5]
    assert event(db, "E-1").title == "Velkomstmøde i Almind"
    assert count(db) == 3
