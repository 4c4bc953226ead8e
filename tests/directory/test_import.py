"""`import associations`: upsert by external_id, all or nothing, problems with line numbers."""
from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from fællesskab.directory.importer import COLUMNS, import_associations
from fællesskab.directory.models import Association
from fællesskab.places.models import Place

GOOD_ROWS = [
    {   # town only
        "external_id": "A-1", "name": "Vamdrup Boldklub", "summary": "Fodbold for alle aldre.",
        "category": "Sport", "tags": "Fodbold; håndbold;;Fodbold", "target_groups": "children;teens",
        "age_min": "6", "age_max": "16", "languages": "da;EN", "town": "Vamdrup",
        "email": "kontakt@vamdrup-bk.dk", "phone": "+45 75 58 00 00", "website": "https://vamdrup-bk.dk",
        "meeting_times": "Tirsdag 17-18", "price_dkk_per_year": "600", "welcomes_newcomers": "ja",
    },
    {   # lat/lon only (Aller)
        "external_id": "A-2", "name": "Aller Sangkor", "category": "music", "lat": "55,3584", "lon": "9.5308",
        "welcomes_newcomers": "false",
    },
    {   # street + postcode
        "external_id": "A-3", "name": "Kolding Strikkeklub", "category": "creative",
        "address": "Skolegade 3, 1. th.", "postcode": "6000", "welcomes_newcomers": "",
    },
]


def csv_bytes(rows: list[dict], columns=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def run_import(db, data: bytes):
    """Import as `flask import associations` does: commit when ok, else roll back."""
    report = import_associations(io.BytesIO(data))
    if report.ok:
        db.session.commit()
    else:
        db.session.rollback()
    return report


def count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Association))


def by_external_id(db, external_id: str) -> Association:
    return db.session.scalar(sa.select(Association).where(Association.external_id == external_id))


def place_named(db, name: str) -> Place:
    return db.session.scalar(sa.select(Place).where(Place.name == name))


def test_good_file_creates_every_row(db):
    report = run_import(db, csv_bytes(GOOD_ROWS))
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert count(db) == 3


def test_town_only_row_is_placed_in_that_town(db):
    run_import(db, csv_bytes(GOOD_ROWS))
    a1 = by_external_id(db, "A-1")
    vamdrup = place_named(db, "Vamdrup")
    assert a1.place_id == vamdrup.id
    assert (a1.lat, a1.lon) == (vamdrup.lat, vamdrup.lon)
    assert a1.postcode == "6580"  # filled in from the town
    assert a1.town == "Vamdrup"


def test_values_are_parsed(db):
    run_import(db, csv_bytes(GOOD_ROWS))
    a1 = by_external_id(db, "A-1")
    assert a1.name == "Vamdrup Boldklub"
    assert a1.slug == "vamdrup-boldklub"
    assert a1.category == "sport"
    assert a1.tags == ["fodbold", "håndbold"]
    assert a1.target_groups == ["children", "teens"]
    assert (a1.age_min, a1.age_max) == (6, 16)
    assert a1.languages == ["da", "en"]
    assert a1.email == "kontakt@vamdrup-bk.dk"
    assert a1.website == "https://vamdrup-bk.dk"
    assert a1.price_dkk_per_year == 600
    assert a1.welcomes_newcomers is True
    assert a1.status == "published"


def test_list_cells_drop_repeats_that_differ_only_in_case(db):
    row = dict(GOOD_ROWS[0], tags="fodbold;Fodbold", target_groups="children;Children", languages="da;DA")
    run_import(db, csv_bytes([row]))
    a1 = by_external_id(db, "A-1")
    assert (a1.tags, a1.target_groups, a1.languages) == (["fodbold"], ["children"], ["da"])


def test_lat_lon_row_gets_the_nearest_place(db):
    run_import(db, csv_bytes(GOOD_ROWS))
    a2 = by_external_id(db, "A-2")
    assert (a2.lat, a2.lon) == (pytest.approx(55.3584), pytest.approx(9.5308))
    assert a2.place_id == place_named(db, "Aller").id
    assert a2.welcomes_newcomers is False


def test_address_row_is_resolved_by_street_and_postcode(db):
    run_import(db, csv_bytes(GOOD_ROWS))
    a3 = by_external_id(db, "A-3")
    # Skolegade, 6000 Kolding in seed/places/kolding-streets.csv
    assert (a3.lat, a3.lon) == (pytest.approx(55.49046), pytest.approx(9.47047))
    assert a3.place_id == place_named(db, "Kolding").id
    assert a3.address == "Skolegade 3, 1. th."


def test_empty_cells_get_defaults(db):
    run_import(db, csv_bytes(GOOD_ROWS))
    a3 = by_external_id(db, "A-3")
    assert a3.languages == ["da"]
    assert a3.welcomes_newcomers is None
    assert a3.tags == [] and a3.target_groups == []
    assert a3.age_min is None and a3.age_max is None
    assert a3.summary == "" and a3.description == ""
    assert a3.email is None and a3.website is None


def test_reimport_reports_unchanged(db):
    run_import(db, csv_bytes(GOOD_ROWS))
    report = run_import(db, csv_bytes(GOOD_ROWS))
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert count(db) == 3


def test_changed_row_is_updated_and_keeps_its_slug(db):
    run_import(db, csv_bytes(GOOD_ROWS))
    before = by_external_id(db, "A-1")
    old_id, old_slug = before.id, before.slug
    changed = [dict(GOOD_ROWS[0], name="Vamdrup Boldklub af 1904", town="Ødis"), *GOOD_ROWS[1:]]
    report = run_import(db, csv_bytes(changed))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    db.session.expire_all()
    after = by_external_id(db, "A-1")
    assert after.id == old_id
    assert after.name == "Vamdrup Boldklub af 1904"
    assert after.slug == old_slug
    assert after.place_id == place_named(db, "Ødis").id
    assert count(db) == 3


def test_new_rows_with_the_same_name_get_distinct_slugs(db):
    rows = [dict(GOOD_ROWS[1], external_id=f"A-{n}") for n in range(10, 13)]
    run_import(db, csv_bytes(rows))
    more = run_import(db, csv_bytes([dict(GOOD_ROWS[1], external_id="A-20")]))
    assert more.created == 1
    slugs = set(db.session.scalars(sa.select(Association.slug)))
    assert slugs == {"aller-sangkor", "aller-sangkor-2", "aller-sangkor-3", "aller-sangkor-4"}


# --- bad files: the right line, and nothing written ---------------------------------------------

GOOD = {"external_id": "B-1", "name": "Almind Borgerforening", "category": "local-community", "town": "Almind"}


def bad_row(**kw) -> dict:
    return {"external_id": "B-2", "name": "Hjarup Gymnastik", "category": "sport", "town": "Vamdrup", **kw}


BAD_ROWS = {
    "unknown category": (bad_row(category="strikning"), "category"),
    "missing category": (bad_row(category=""), "category"),
    "missing name": (bad_row(name=" "), "name"),
    "missing external_id": (bad_row(external_id=""), "external_id"),
    "unknown target group": (bad_row(target_groups="children;toddlers"), "target_groups"),
    "bad age number": (bad_row(age_min="seks"), "age_min"),
    "negative age": (bad_row(age_min="-1"), "age_min"),
    "age_min > age_max": (bad_row(age_min="12", age_max="8"), "age_max"),
    "bad lat": (bad_row(lat="55.4x", lon="9.4"), "lat"),
    "lat outside Denmark": (bad_row(lat="45.0", lon="9.4"), "lat"),
    "lat without lon": (bad_row(lat="55.4"), "lon"),
    "lon without lat": (bad_row(lon="9.4"), "lat"),
    "unknown postcode": (bad_row(postcode="9999", town=""), "postcode"),
    "postcode of another municipality": (bad_row(postcode="8000", town="Aarhus"), "postcode"),
    "address that cannot be found": (bad_row(address="Ukendtvej 7", town=""), "address"),
    "town that cannot be found": (bad_row(town="Atlantis"), "address"),
    "no location at all": (bad_row(town=""), "address"),
    "bad language": (bad_row(languages="dansk"), "languages"),
    "bad email": (bad_row(email="ikke en mail"), "email"),
    "bad website": (bad_row(website="www.example.org"), "website"),
    "bad welcomes_newcomers": (bad_row(welcomes_newcomers="måske"), "welcomes_newcomers"),
    "duplicate external_id": (bad_row(external_id="B-1"), "external_id"),
}


@pytest.mark.parametrize("row, field", BAD_ROWS.values(), ids=list(BAD_ROWS))
def test_bad_row_is_reported_at_its_line_and_nothing_is_written(db, row, field):
    before = count(db)
    report = run_import(db, csv_bytes([GOOD, row, dict(GOOD, external_id="B-3")]))
    assert not report.ok
    assert [(p.line, p.field) for p in report.problems] == [(3, field)], report.problems
    assert (report.created, report.updated) == (0, 0)
    assert count(db) == before == 0


def test_duplicate_external_id_names_the_first_line(db):
    report = run_import(db, csv_bytes([GOOD, bad_row(), bad_row(external_id="B-1")]))
    assert [(p.line, p.field) for p in report.problems] == [(4, "external_id")]
    assert "linje 2" in report.problems[0].message


def test_every_error_of_a_row_is_reported(db):
    report = run_import(db, csv_bytes([bad_row(category="x", age_min="y", email="z")]))
    assert sorted(p.field for p in report.problems) == ["age_min", "category", "email"]
    assert {p.line for p in report.problems} == {2}


def test_problems_of_several_rows_are_all_reported(db):
    report = run_import(db, csv_bytes([bad_row(category="x"), GOOD, bad_row(external_id="B-9", age_min="y")]))
    assert [p.line for p in report.problems] == [2, 4]
    assert count(db) == 0


def test_wrong_encoding(db):
    data = csv_bytes([GOOD, bad_row(name="Sønder Bjert Kor")]).decode().encode("latin-1")
    report = run_import(db, data)
    assert [p.line for p in report.problems] == [3]
    assert "UTF-8" in report.problems[0].message
    assert count(db) == 0


def test_missing_column(db):
    columns = [c for c in COLUMNS if c != "category"]
    data = csv_bytes([{k: v for k, v in GOOD.items() if k != "category"}], columns=columns)
    report = run_import(db, data)
    assert [p.line for p in report.problems] == [1]
    assert "category" in report.problems[0].message
    assert count(db) == 0


def test_unknown_column(db):
    data = csv_bytes([dict(GOOD, farve="blå")], columns=(*COLUMNS, "farve"))
    report = run_import(db, data)
    assert [p.line for p in report.problems] == [1]
    assert "farve" in report.problems[0].message
    assert count(db) == 0


def test_ragged_row(db):
    data = csv_bytes([GOOD]) + b"B-2,Kun to felter\n"
    report = run_import(db, data)
    assert [p.line for p in report.problems] == [3]
    assert count(db) == 0


def test_a_bad_file_does_not_change_existing_rows(db):
    run_import(db, csv_bytes(GOOD_ROWS))
    renamed = dict(GOOD_ROWS[0], name="Omdøbt")
    report = run_import(db, csv_bytes([renamed, bad_row(category="x")]))
    assert not report.ok
    db.session.expire_all()
    assert by_external_id(db, "A-1").name == "Vamdrup Boldklub"
    assert count(db) == 3


def test_one_bad_row_among_ten_thousand(db):
    towns = ["Vamdrup", "Christiansfeld", "Lunderskov", "Almind", "Sdr. Bjert", "Aller", "Ødis", "Taps"]
    rows = [
        {"external_id": f"G-{n:05d}", "name": f"Forening nummer {n}", "category": "hobby",
         "town": towns[n % len(towns)], "tags": "kort;spil", "age_min": "10", "age_max": "99"}
        for n in range(10_000)
    ]
    bad_index = 6_789
    rows[bad_index] = dict(rows[bad_index], age_min="90", age_max="10")
    report = run_import(db, csv_bytes(rows))
    assert [(p.line, p.field) for p in report.problems] == [(bad_index + 2, "age_max")]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert count(db) == 0
