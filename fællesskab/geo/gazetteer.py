"""Offline lookups against the reference geodata loaded by `seed places`.

A `PlaceIndex` holds the small reference tables in memory so that an import of
thousands of rows resolves places without a query per row.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

import sqlalchemy as sa

from ..extensions import db
from ..places.models import Place, Postcode
from .addresses import name_key
from .models import Street

# A point farther than this from every known place belongs to none of them.
MAX_PLACE_DISTANCE_KM = 12.0


@dataclass(frozen=True)
class Located:
    lat: float
    lon: float
    precision: str  # address | street | postcode | locality
    label: str
    postcode: str | None
    place_id: int | None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km; plain math, for loops over many rows."""
    p1, p2 = radians(lat1), radians(lat2)
    a = sin((p2 - p1) / 2) ** 2 + cos(p1) * cos(p2) * sin(radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * asin(min(1.0, sqrt(a)))


class PlaceIndex:
    """In-memory view of places, postcodes and streets for fast resolution."""

    def __init__(self) -> None:
        self.places = list(db.session.scalars(sa.select(Place)))
        self.postcodes = {p.code: p for p in db.session.scalars(sa.select(Postcode))}
        self.place_by_key = {name_key(p.name): p for p in self.places}
        self.district_by_key: dict[str, list[Postcode]] = {}
        for pc in self.postcodes.values():
            self.district_by_key.setdefault(name_key(pc.name), []).append(pc)
        self.streets: dict[tuple[str, str], tuple[float, float, str]] = {}
        for name, key, code, lat, lon in db.session.execute(
            sa.select(Street.name, Street.name_key, Street.postcode, Street.lat, Street.lon)
        ):
            self.streets[(key, code)] = (lat, lon, name)

    def nearest_place(self, lat: float, lon: float) -> Place | None:
        """Return the nearest place within MAX_PLACE_DISTANCE_KM, or None."""
        best, best_km = None, MAX_PLACE_DISTANCE_KM
        for place in self.places:
            km = haversine_km(lat, lon, place.lat, place.lon)
            if km < best_km:
                best, best_km = place, km
        return best

    def locate(self, address: str | None, postcode: str | None, town: str | None) -> Located | None:
        """Resolve address parts to a point: street > postcode > locality.

        The Geo work adds house-number addresses; this resolves what the
        reference data holds: named streets, postcodes and localities.
        """
        code = (postcode or "").strip() or None
        town_key = name_key(town or "")
        if code is None and town_key in self.district_by_key:
            code = self.district_by_key[town_key][0].code
        if address and code:
            street = _street_part(address)
            hit = self.streets.get((name_key(street), code))
            if hit:
                lat, lon, name = hit
                return self._located(lat, lon, "street", f"{name}, {code} {self._district(code)}", code)
        place = self.place_by_key.get(town_key)
        if place is not None and (code is None or place.postcode == code):
            return self._located(place.lat, place.lon, "locality", place.name, place.postcode)
        if code and code in self.postcodes:
            pc = self.postcodes[code]
            return self._located(pc.lat, pc.lon, "postcode", pc.label, code)
        if place is not None:
            return self._located(place.lat, place.lon, "locality", place.name, place.postcode)
        return None

    def _district(self, code: str) -> str:
        pc = self.postcodes.get(code)
        return pc.name if pc else ""

    def _located(self, lat: float, lon: float, precision: str, label: str, code: str | None) -> Located:
        place = self.nearest_place(lat, lon)
        return Located(lat, lon, precision, label, code, place.id if place else None)


def _street_part(address: str) -> str:
    """'Skolegade 12A, 1. th.' -> 'Skolegade'."""
    first = address.split(",")[0]
    words = first.split()
    while words and any(ch.isdigit() for ch in words[-1]):
        words.pop()
    return " ".join(words) or first
