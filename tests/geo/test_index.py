"""The shared in-memory gazetteer index follows the tables."""
from __future__ import annotations

import sqlalchemy as sa

from fællesskab.geo.gazetteer import PlaceIndex
from fællesskab.geo.geocoder import Gazetteer
from fællesskab.geo.index import get_index
from fællesskab.geo.models import Street


def test_the_index_is_reused_while_nothing_changes(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "GEO_INDEX_CHECK_SECONDS", 60)
    first = get_index()
    assert get_index() is first
    assert len(first.streets) >= 1800 and len(first.places) == 55 and len(first.postcodes) == 14
    assert first.boundary and len(first.boundary[0]) > 50


def test_a_new_street_is_found_after_a_flush(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "GEO_INDEX_CHECK_SECONDS", 60)
    get_index()
    assert Gazetteer().geocode("Geotestvej 1, 6051 Almind").raw["precision"] == "locality"
    street = Street(name="Geotestvej", name_key="geotestvej", postcode="6051", lat=55.566, lon=9.491,
                    locality="Almind")
    db.session.add(street)
    db.session.flush()
    try:
        assert Gazetteer().geocode("Geotestvej 1, 6051 Almind").raw["precision"] == "street"
    finally:
        db.session.rollback()
    assert db.session.scalar(sa.select(Street).where(Street.name == "Geotestvej")) is None


def test_place_index_keeps_its_interface(db):
    index = PlaceIndex()
    assert "6000" in index.postcodes
    assert index.streets[("skolegade", "6000")][2] == "Skolegade"
    assert index.nearest_place(55.4904, 9.4722).name == "Kolding"
    hit = index.locate("Bakkedraget 28, Vester Nebel", "6040", "Egtved")
    assert (hit.precision, hit.postcode) == ("street", "6040")
