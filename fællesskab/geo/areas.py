"""Places near a point, and which village forum serves a point.

Distances are prefiltered in SQL with a bounding box (an index on lat/lon
serves it on both databases) and then computed on the great circle.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..places.models import Forum, Place
from .distance import bounding_box, distance_km, exact_km

# A point farther than this from its nearest place is not routed to that place's forum.
FORUM_MAX_KM = 6.0


def bbox_filter(lat_col, lon_col, lat: float, lon: float, radius_km: float) -> ColumnElement[bool]:
    """A SQL condition that keeps rows inside the box around a circle (a cheap prefilter)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_km)
    return sa.and_(lat_col.between(min_lat, max_lat), lon_col.between(min_lon, max_lon))


def places_near(lat: float, lon: float, radius_km: float) -> list[tuple[Place, float]]:
    """Places within `radius_km` of a point, nearest first, with their distance in km."""
    rows = db.session.scalars(sa.select(Place).where(bbox_filter(Place.lat, Place.lon, lat, lon, radius_km)))
    near = [(p, distance_km(lat, lon, p.lat, p.lon)) for p in rows]
    return sorted([(p, km) for p, km in near if km <= radius_km], key=lambda pair: pair[1])


@dataclass(frozen=True)
class ForumRoute:
    """The forum that serves a point, through the place nearest to it."""

    forum: Forum
    place: Place
    distance_km: float  # exact (geodesic) distance from the point to the place, for display


def forum_for_point(lat: float, lon: float, *, max_km: float = FORUM_MAX_KM) -> ForumRoute | None:
    """Return the village forum whose places include the place nearest to the point.

    None when no place lies within `max_km`, or when the nearest place has no forum
    (a newcomer in Kolding town is not handed to a neighbouring village's forum).
    Of several forums serving the place, the most local (fewest places) is chosen.
    """
    near = places_near(lat, lon, max_km)
    if not near:
        return None
    place = near[0][0]
    if not place.forums:
        return None
    forum = min(place.forums, key=lambda f: (len(f.places), f.name))
    return ForumRoute(forum, place, exact_km(lat, lon, place.lat, place.lon))


def forums_for_point(lat: float, lon: float, *, max_km: float = FORUM_MAX_KM) -> list[Forum]:
    """Every forum that serves the place nearest to the point, most local first."""
    near = places_near(lat, lon, max_km)
    if not near:
        return []
    return sorted(near[0][0].forums, key=lambda f: (len(f.places), f.name))

