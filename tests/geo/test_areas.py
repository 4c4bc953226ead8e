"""Places near a point (SQL bounding-box prefilter) and routing a point to its village forum."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from fællesskab.geo.areas import FORUM_MAX_KM, bbox_filter, forum_for_point, forums_for_point, places_near
from fællesskab.places.models import Place

ALMIND = (55.5657, 9.4906)


def test_bbox_filter_runs_in_sql(db):
    rows = db.session.scalars(sa.select(Place.name).where(bbox_filter(Place.lat, Place.lon, *ALMIND, 2.0))).all()
    assert "Almind" in rows
    assert "Kolding" not in rows


def test_places_near_are_sorted_and_within_the_radius(db):
    near = places_near(*ALMIND, 5.0)
    assert near[0][0].name == "Almind" and near[0][1] == pytest.approx(0, abs=1e-6)
    assert all(km <= 5.0 for _, km in near)
    assert [km for _, km in near] == sorted(km for _, km in near)
    assert "Møsvrå" in [p.name for p, _ in near]


def test_a_point_near_a_village_goes_to_its_forum(db, make_forum):
    forum = make_forum(slug="almind-borgerforening", name="Almind Borgerforening", places=["Almind"])
    route = forum_for_point(55.5640, 9.4880)  # a few hundred metres from Almind's point
    assert route is not None
    assert route.forum.slug == forum.slug
    assert route.place.name == "Almind"
    assert 0.1 < route.distance_km < 0.5


def test_the_most_local_forum_wins(db, make_forum):
    make_forum(slug="landsbyforum", name="Landsbyforum", places=["Almind", "Viuf", "Jordrup", "Hejls"])
    make_forum(slug="almind", name="Almind Borgerforening", places=["Almind"])
    assert forum_for_point(*ALMIND).forum.slug == "almind"
    assert [f.slug for f in forums_for_point(*ALMIND)] == ["almind", "landsbyforum"]


def test_no_forum_when_the_nearest_place_has_none(db, make_forum):
    make_forum(slug="almind", name="Almind Borgerforening", places=["Almind"])
    assert forum_for_point(55.4904, 9.4722) is None  # central Kolding: not Almind's


def test_no_forum_far_from_every_place(db, make_forum):
    make_forum(slug="almind", name="Almind Borgerforening", places=["Almind"])
    assert forum_for_point(55.6761, 12.5683) is None  # Copenhagen
    assert FORUM_MAX_KM < 12
