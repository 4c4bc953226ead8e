"""Reference geodata (`seed places`) and offline place resolution (PlaceIndex)."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from fællesskab.geo.gazetteer import MAX_PLACE_DISTANCE_KM, PlaceIndex, haversine_km
from fællesskab.geo.models import Boundary, Street
from fællesskab.geo.reference import load_reference_data
from fællesskab.places.models import Place, Postcode
from fællesskab.places.services import place_kind

from ..helpers import SEED_DIR


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def place(db, name: str) -> Place:
    return db.session.scalar(sa.select(Place).where(Place.name == name))


def test_reference_data_is_loaded(db):
    assert count(db, Place) == 55
    assert count(db, Postcode) == 14
    assert count(db, Street) == 1839
    assert count(db, Boundary) == 1


def test_loading_again_changes_nothing(db):
    report = load_reference_data(SEED_DIR)
    db.session.commit()
    assert report.changed is False
    assert report.created == {} and report.updated == {}
    assert (count(db, Place), count(db, Postcode), count(db, Street), count(db, Boundary)) == (55, 14, 1839, 1)


def test_loading_repairs_a_changed_row(db):
    kolding = place(db, "Kolding")
    original = kolding.lat
    try:
        kolding.lat = 50.0
        db.session.flush()
        report = load_reference_data(SEED_DIR)
        assert report.updated == {"places": 1}
        assert report.created == {}
        assert place(db, "Kolding").lat == original
    finally:
        db.session.rollback()


@pytest.mark.parametrize("name, kind", [
    ("Kolding", "town"), ("Vamdrup", "town"), ("Christiansfeld", "town"), ("Sønder Bjert", "town"),
    ("Seest", "suburb"), ("Bramdrupdam", "suburb"), ("Vonsild", "suburb"),
    ("Aller", "village"), ("Hejls", "village"), ("Gudsø", "village"),
])
def test_place_kinds(db, name, kind):
    assert place(db, name).kind == kind


def test_place_kind_rule():
    assert place_kind("Seest", None) == "suburb"
    assert place_kind("Seest", 50_000) == "suburb"
    assert place_kind("Et sted", 2000) == "town"
    assert place_kind("Et sted", 1999) == "village"
    assert place_kind("Et sted", None) == "village"


def test_places_have_slugs_and_postcodes(db):
    odis = place(db, "Ødis Bramdrup")
    assert odis.slug == "oedis-bramdrup"
    assert odis.postcode == "6580"
    assert odis.postal_district == "Vamdrup"
    assert db.session.get(Postcode, "6580").name == "Vamdrup"


def test_streets_carry_their_folded_key(db):
    street = db.session.scalar(sa.select(Street).where(Street.name == "Sdr. Kongevej", Street.postcode == "6000"))
    assert street.name_key == "sønder kongevej"


def test_boundary_is_geojson(db):
    boundary = db.session.scalar(sa.select(Boundary))
    assert boundary.code == "0621"
    geometry = json.loads(boundary.geojson)
    assert geometry["type"] in ("Polygon", "MultiPolygon")


# --- PlaceIndex.locate --------------------------------------------------------------------------


@pytest.fixture
def index(db):
    return PlaceIndex()


def test_locate_by_street_and_postcode(db, index):
    hit = index.locate("Skolegade", "6000", None)
    assert hit.precision == "street"
    assert (hit.lat, hit.lon) == (pytest.approx(55.49046), pytest.approx(9.47047))
    assert hit.label == "Skolegade, 6000 Kolding"
    assert hit.postcode == "6000"
    assert hit.place_id == place(db, "Kolding").id


def test_locate_street_in_christiansfeld(db, index):
    hit = index.locate("Jernbanegade 5, st.", "6070", None)
    christiansfeld = place(db, "Christiansfeld")
    assert hit.precision == "street"
    assert hit.label == "Jernbanegade, 6070 Christiansfeld"
    assert hit.place_id == christiansfeld.id
    assert haversine_km(hit.lat, hit.lon, christiansfeld.lat, christiansfeld.lon) < 2


def test_locate_street_with_house_number_floor_and_abbreviation(db, index):
    hit = index.locate("Sønder Kongevej 12A, 1. th.", "6000", "Kolding")
    assert hit.precision == "street"
    assert hit.label == "Sdr. Kongevej, 6000 Kolding"


def test_locate_street_by_town_when_postcode_is_missing(db, index):
    hit = index.locate("Skolegade 3", None, "Kolding")
    assert hit.precision == "street"
    assert hit.postcode == "6000"


def test_locate_street_that_is_not_in_that_postcode_falls_back(db, index):
    # The reference data holds Skolegade in 6000 only: a street unknown in 6070 is placed in
    # the town of that name (its middle), not in another town and not at the postcode's centroid.
    hit = index.locate("Skolegade", "6070", None)
    assert hit.precision == "locality"
    assert hit.label == "Christiansfeld"
    assert hit.postcode == "6070"


def test_locate_the_contract_example(db, index):
    # CONTRACT.md: "Skolegade 3, 6070 Christiansfeld" -> precision locality, label Christiansfeld
    hit = index.locate("Skolegade 3", "6070", "Christiansfeld")
    assert hit.precision == "locality"
    assert hit.label == "Christiansfeld"
    assert hit.place_id == place(db, "Christiansfeld").id


def test_locate_by_postcode_only(db, index):
    hit = index.locate(None, "6051", None)
    assert hit.precision == "postcode"
    assert hit.label == "6051 Almind"
    assert (hit.lat, hit.lon) == (pytest.approx(55.5603), pytest.approx(9.4812))
    assert hit.postcode == "6051"


@pytest.mark.parametrize("town, expected", [
    ("Vamdrup", "Vamdrup"), ("vamdrup", "Vamdrup"), ("Sdr. Bjert", "Sønder Bjert"), ("Aller", "Aller"),
    ("Gammel Aalbo", "Gammel Ålbo"), ("Ødis", "Ødis"),
])
def test_locate_by_town_name(db, index, town, expected):
    hit = index.locate(None, None, town)
    target = place(db, expected)
    assert hit.precision == "locality"
    assert hit.label == expected
    assert (hit.lat, hit.lon) == (target.lat, target.lon)
    assert hit.place_id == target.id
    assert hit.postcode == target.postcode


def test_locate_postal_district_without_a_place_of_that_name(db, index):
    hit = index.locate(None, None, "Bjert")  # postal district 6091 Bjert; the place is Sønder Bjert
    assert hit.precision == "postcode"
    assert hit.postcode == "6091"


def test_town_with_a_contradicting_postcode_prefers_the_postcode(db, index):
    hit = index.locate(None, "6000", "Vamdrup")
    assert hit.precision == "postcode"
    assert hit.postcode == "6000"


@pytest.mark.parametrize("address, postcode, town", [
    (None, None, "Atlantis"),
    ("Ukendtvej 3", None, None),
    ("Skolegade", "9999", None),
    (None, None, None),
    ("", "", ""),
])
def test_locate_unknown_gives_none(db, index, address, postcode, town):
    assert index.locate(address, postcode, town) is None


# --- nearest_place -----------------------------------------------------------------------------


def test_nearest_place_at_a_place_is_that_place(db, index):
    for name in ("Kolding", "Aller", "Vamdrup", "Hejlsminde"):
        p = place(db, name)
        assert index.nearest_place(p.lat, p.lon).name == name


def test_nearest_place_of_a_point_between_places(db, index):
    # 300 m east of Aller's point, far from every other place
    assert index.nearest_place(55.3584, 9.5355).name == "Aller"


def test_nearest_place_far_away_is_none(db, index):
    assert index.nearest_place(55.6761, 12.5683) is None  # Copenhagen


def test_nearest_place_limit(db, index):
    vamdrup = place(db, "Vamdrup")
    assert MAX_PLACE_DISTANCE_KM == 12.0
    # Bastrup is the westernmost place; 0.3 degrees of longitude further west is ~19 km from it.
    bastrup = place(db, "Bastrup")
    assert index.nearest_place(bastrup.lat, bastrup.lon - 0.3) is None
    assert index.nearest_place(vamdrup.lat, vamdrup.lon - 0.01).name == "Vamdrup"


def test_haversine_km():
    assert haversine_km(55.0, 9.0, 55.0, 9.0) == 0
    # one degree of latitude is about 111 km
    assert haversine_km(55.0, 9.0, 56.0, 9.0) == pytest.approx(111.2, abs=0.2)
    assert haversine_km(55.4904, 9.4722, 55.4276, 9.2843) == pytest.approx(
        haversine_km(55.4276, 9.2843, 55.4904, 9.4722)
    )
