"""Offline lookups for the CSV importers, and the `Located` answer type.

A `PlaceIndex` resolves thousands of import rows without a query per row for
places, postcodes and streets (it shares the app's in-memory `GazetteerIndex`);
only rows with a house number ask the imported official addresses. It is
always offline: an import never waits for an online geocoder.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..places.models import Place, Postcode
from .addresses import ParsedAddress, name_key, parse_address
from .distance import haversine_km  # noqa: F401  (re-exported: callers import it from here)
from .index import MAX_PLACE_DISTANCE_KM, get_index  # noqa: F401
from .resolver import Match, Resolver


@dataclass(frozen=True)
class Located:
    lat: float
    lon: float
    precision: str  # address | street | postcode | locality
    label: str
    postcode: str | None
    place_id: int | None
    # Why it is less exact than typed (resolver.Match.note), and for street_not_found the
    # street and area asked for, so the page can say so in the reader's language.
    note: str | None = None
    street: str | None = None
    area: str | None = None
    ambiguous: bool = False  # a street name found in several postcodes; the most likely was chosen


def located_from_match(match: Match) -> Located:
    return Located(match.lat, match.lon, match.precision, match.label, match.postcode, match.place_id,
                   match.note, match.street, match.area, match.ambiguous)


def parts_to_parsed(address: str | None, postcode: str | None, town: str | None) -> ParsedAddress:
    """Combine an address line with separate postcode and town fields (as import rows have them)."""
    parsed = parse_address(address) if address and address.strip() else ParsedAddress()
    code = (postcode or "").strip() or parsed.postcode
    town = (town or "").strip() or None
    supplementary = parsed.supplementary
    if town and parsed.town and name_key(parsed.town) != name_key(town):
        supplementary = supplementary or parsed.town  # "Bakkedraget 28, Vester Nebel" + town "Egtved"
    return ParsedAddress(
        street=parsed.street, house_number=parsed.house_number, floor=parsed.floor, door=parsed.door,
        supplementary=supplementary, postcode=code, town=town or parsed.town,
        trailing_number=parsed.trailing_number and not postcode,
    )


class PlaceIndex:
    """Places, postcodes and streets for fast resolution of many rows."""

    def __init__(self) -> None:
        self._index = get_index()
        self._resolver = Resolver(self._index, fuzzy=False)
        self.places = list(db.session.scalars(sa.select(Place)))
        self.postcodes = {p.code: p for p in db.session.scalars(sa.select(Postcode))}
        self._place_by_id = {p.id: p for p in self.places}
        self.place_by_key = {name_key(p.name): p for p in self.places}
        self.district_by_key: dict[str, list[Postcode]] = {}
        for pc in self.postcodes.values():
            self.district_by_key.setdefault(name_key(pc.name), []).append(pc)

    @property
    def streets(self) -> dict[tuple[str, str], tuple[float, float, str]]:
        """(name key, postcode) -> (lat, lon, name), as earlier versions offered."""
        return {(s.key, s.postcode): (s.lat, s.lon, s.name) for s in self._index.streets}

    def nearest_place(self, lat: float, lon: float) -> Place | None:
        """Return the nearest place within MAX_PLACE_DISTANCE_KM, or None."""
        rec = self._index.nearest_place(lat, lon)
        return self._place_by_id.get(rec.id) if rec else None

    def locate(self, address: str | None, postcode: str | None, town: str | None) -> Located | None:
        """Resolve address parts to a point: address > street > postcode > locality."""
        match = self._resolver.resolve(parts_to_parsed(address, postcode, town))
        return located_from_match(match) if match else None
