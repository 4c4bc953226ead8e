"""`flask import addresses FILE.csv`: the official DAWA/DAR address list into the gazetteer."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from fællesskab.geo.addresses import name_key
from fællesskab.geo.geocoder import Gazetteer
from fællesskab.geo.importer import import_addresses
from fællesskab.geo.models import Address
from fællesskab.geo.suggest import suggest

from ..helpers import DAWA_COLUMNS, csv_bytes, dawa_row

ROWS = [
    dawa_row("Skolegade", "3", "6000", "Kolding", 55.490612, 9.470134, n=1),
    dawa_row("Skolegade", "5", "6000", "Kolding", 55.490700, 9.470300, n=2),
    dawa_row("Skolegade", "12A", "6000", "Kolding", 55.491100, 9.471000, n=3),
    # an adresser export has one row per floor and door of the same access address
    dawa_row("Skolegade", "12A", "6000", "Kolding", 55.491100, 9.471000, floor="1", door="th", n=4),
    dawa_row("Bakkedraget", "28", "6040", "Egtved", 55.557300, 9.406800, town="Vester Nebel", n=5),
    # a street built after the OSM snapshot: only the official list knows it
    dawa_row("Fremtidsvej", "1", "6580", "Vamdrup", 55.430000, 9.300000, n=6),
    dawa_row("Fremtidsvej", "3", "6580", "Vamdrup", 55.430400, 9.300400, n=7),
    # another municipality's address (Haderslev, 0510): skipped
    dawa_row("Storegade", "1", "6100", "Haderslev", 55.249000, 9.489000, kommune="0510", n=8),
]


def count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Address))


def test_import_then_addresses_resolve_at_address_precision(db, runner, write_csv):
    result = runner.invoke(args=["import", "addresses", write_csv(ROWS)])
    assert result.exit_code == 0, result.output
    assert ("8 rækker: 6 adresser oprettet, 0 opdateret, 0 uændret, 1 med samme adgangsadresse (etage/dør) "
            "lagt sammen, 1 i andre kommuner sprunget over") in result.output
    assert count(db) == 6

    location = Gazetteer().geocode("Skolegade 12 A, 1. th., 6000 Kolding")
    assert location.raw["precision"] == "address"
    assert location.raw["label"] == "Skolegade 12A, 6000 Kolding"
    assert (location.latitude, location.longitude) == (pytest.approx(55.4911), pytest.approx(9.471))

    # the supplementary town name comes from the official list
    assert Gazetteer().geocode("Bakkedraget 28, 6040 Egtved").raw["label"] == \
        "Bakkedraget 28, Vester Nebel, 6040 Egtved"


def test_a_house_number_settles_a_street_in_several_postcodes(db, runner, write_csv):
    runner.invoke(args=["import", "addresses", write_csv(ROWS)])
    # Bakkedraget is in 6000 and 6040; only 6040 has a number 28 in the official list.
    location = Gazetteer().geocode("Bakkedraget 28")
    raw = location.raw
    assert (raw["precision"], raw["postcode"], raw["ambiguous"]) == ("address", "6040", False)


def test_an_unknown_house_number_gives_the_nearest_on_the_street(db, runner, write_csv):
    runner.invoke(args=["import", "addresses", write_csv(ROWS)])
    location = Gazetteer().geocode("Skolegade 7, 6000 Kolding")  # 7 is not in the list; 5 is nearest, same side
    assert location.raw["precision"] == "street"
    assert location.raw["note"] == "house_number_not_found"
    assert (location.latitude, location.longitude) == (pytest.approx(55.4907), pytest.approx(9.4703))


def test_a_street_known_only_from_the_official_list(db, runner, write_csv):
    runner.invoke(args=["import", "addresses", write_csv(ROWS)])
    assert Gazetteer().geocode("Fremtidsvej 3, Vamdrup").raw["precision"] == "address"
    street = Gazetteer().geocode("Fremtidsvej, 6580 Vamdrup")
    assert street.raw["precision"] == "street"
    assert street.latitude == pytest.approx(55.4302)  # the middle of its addresses
    assert [s.label for s in suggest("Fremtids")] == ["Fremtidsvej, 6580 Vamdrup"]
    assert [s.label for s in suggest("Fremtidsvej 3")] == ["Fremtidsvej 3, 6580 Vamdrup"]


def test_second_import_changes_nothing_and_a_moved_point_is_updated(db, runner, write_csv):
    path = write_csv(ROWS)
    runner.invoke(args=["import", "addresses", path])
    again = runner.invoke(args=["import", "addresses", path])
    assert "0 adresser oprettet, 0 opdateret, 6 uændret" in again.output
    moved = [dict(ROWS[0], wgs84koordinat_bredde="55.4910")] + ROWS[1:]
    result = runner.invoke(args=["import", "addresses", write_csv(moved, name="moved.csv")])
    assert "0 adresser oprettet, 1 opdateret, 5 uændret" in result.output
    assert count(db) == 6
    assert Gazetteer().geocode("Skolegade 3, 6000 Kolding").latitude == pytest.approx(55.491)


def test_etrs89_utm_coordinates_are_converted(db, runner, write_csv):
    columns = [c for c in DAWA_COLUMNS if not c.startswith("wgs84")]
    row = dict(dawa_row("Skolegade", "3", "6000", "Kolding", 0, 0),
               **{"etrs89koordinat_øst": "529900.00", "etrs89koordinat_nord": "6150000.00"})
    result = runner.invoke(args=["import", "addresses", write_csv([row], columns=columns)])
    assert result.exit_code == 0, result.output
    address = db.session.scalar(sa.select(Address))
    assert (address.lat, address.lon) == (pytest.approx(55.49519, abs=1e-5), pytest.approx(9.47327, abs=1e-5))


def test_semicolon_separated_file_with_bom(db, runner, write_csv):
    data = "\ufeff".encode() + csv_bytes(ROWS[:2], delimiter=";")
    result = runner.invoke(args=["import", "addresses", write_csv(data)])
    assert result.exit_code == 0, result.output
    assert count(db) == 2
    assert db.session.scalar(sa.select(Address.street_key).limit(1)) == name_key("Skolegade")


@pytest.mark.parametrize("rows, message", [
    ([dict(ROWS[0], husnr="tre")], "linje 5: husnr"),
    ([ROWS[0], dict(ROWS[1], postnr="60")], "linje 6: postnr"),
    ([dict(ROWS[0], vejnavn="")], "linje 5: vejnavn"),
    ([dict(ROWS[0], wgs84koordinat_bredde="48.85")], "ligger ikke i Danmark"),
    ([dict(ROWS[0], wgs84koordinat_længde="ni")], "ligger ikke i Danmark"),
])
def test_a_bad_row_changes_nothing(db, runner, write_csv, rows, message):
    result = runner.invoke(args=["import", "addresses", write_csv(ROWS[1:4] + rows)])
    assert result.exit_code == 1
    first_line = result.output.splitlines()[0] if result.output else ""
    assert first_line.startswith("Fejl: ") and "intet er ændret" in first_line
    assert message.split(":")[0] in result.output and message.split(":")[-1].strip() in result.output
    assert count(db) == 0


@pytest.mark.parametrize("data, message", [
    (b"vejnavn,husnr\nSkolegade,3\n", "mangler kolonne(r): postnr, wgs84koordinat_bredde"),
    (b"", "filen er tom"),
    ("vejnavn,husnr,postnr,wgs84koordinat_bredde,wgs84koordinat_længde\nSkolegade,3,6000,55.49,9.47\n"
     .encode("latin-1"), "ikke UTF-8"),
    (b"vejnavn,husnr,postnr,x,y\nSkolegade,3,6000,9.47,55.49,extra\n", "har 6 felter"),
])
def test_a_bad_file_is_refused_with_a_one_line_error(db, runner, write_csv, data, message):
    result = runner.invoke(args=["import", "addresses", write_csv(data)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Fejl: ") and message in lines[0]
    assert count(db) == 0


def test_a_missing_file(db, runner, tmp_path):
    result = runner.invoke(args=["import", "addresses", str(tmp_path / "findes-ikke.csv")])
    assert result.exit_code == 1
    assert result.output.strip().startswith("Fejl: kunne ikke åbne")


def test_mini_structure_columns(db, runner, write_csv):
    data = b"vejnavn,husnr,postnr,postnrnavn,x,y\nSkolegade,3,6000,Kolding,9.470134,55.490612\n"
    result = runner.invoke(args=["import", "addresses", write_csv(data)])
    assert result.exit_code == 0, result.output
    assert Gazetteer().geocode("Skolegade 3, 6000 Kolding").raw["precision"] == "address"


def test_service_streams_in_batches_and_reports_progress(db):
    rows = [dawa_row("Skolegade", str(n), "6000", "Kolding", 55.49 + n * 1e-5, 9.47, n=n % 100) for n in range(1, 251)]
    seen = []
    report = import_addresses(io.BytesIO(csv_bytes(rows)), progress=seen.append, batch_size=100)
    assert report.ok and report.created == 250
    assert len(seen) == 3 and seen == sorted(seen)
    db.session.rollback()  # the service flushes; nothing is committed
    assert count(db) == 0


def test_a_bad_row_after_flushed_batches_still_changes_nothing(db, runner, write_csv):
    rows = [dawa_row("Skolegade", str(n), "6000", "Kolding", 55.49 + n * 1e-6, 9.47, n=n % 100) for n in range(1, 2501)]
    rows.append(dict(ROWS[0], postnr="XXXX"))
    result = runner.invoke(args=["import", "addresses", write_csv(rows)])
    assert result.exit_code == 1
    assert "linje 2502: postnr" in result.output
    assert count(db) == 0
