"""An in-memory copy of the gazetteer's small reference tables, shared per app.

Postcodes, places, the street list (plus streets known only from imported
official addresses) and the boundary fit in a few megabytes, so lookups and
autocomplete answer from memory. The copy is rebuilt when the tables change:
at once after a flush in this process that touched them, and otherwise when a
cheap signature query (row counts, highest ids) differs, checked at most every
GEO_INDEX_CHECK_SECONDS.
"""
from __future__ import annotations

import json
import threading
import time
from bisect import bisect_left
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..places.models import Place, Postcode
from .addresses import compact_key, name_key
from .distance import haversine_km
from .models import Address, Boundary, Street

# A point farther than this from every known place belongs to none of them.
MAX_PLACE_DISTANCE_KM = 12.0
KOLDING_MUNICIPALITY_CODE = "0621"
_EXTENSION_KEY = "faellesskab_geo"
_WATCHED = (Street, Place, Postcode, Address, Boundary)
_generation = 0  # bumped by any flush that touches the watched tables


@dataclass(frozen=True)
class PostcodeRec:
    code: str
    name: str
    lat: float
    lon: float

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class PlaceRec:
    id: int
    name: str
    slug: str
    kind: str
    postcode: str
    lat: float
    lon: float
    population: int | None
    key: str


@dataclass(frozen=True)
class StreetRec:
    name: str
    key: str
    postcode: str
    lat: float
    lon: float
    locality: str | None
    source: str  # "osm" (the street list) or "dar" (imported official addresses)


@dataclass(frozen=True)
class Entry:
    """One autocomplete candidate."""

    kind: str  # street | place | postcode
    key: str
    label: str
    value: str
    postcode: str | None
    lat: float
    lon: float
    weight: float
    caret: int | None = None  # where the cursor goes after choosing (a street: before the comma)


@dataclass
class GazetteerIndex:
    """Plain-data copy of the reference tables (no ORM objects: safe across sessions)."""

    signature: tuple
    postcodes: dict[str, PostcodeRec]
    places: list[PlaceRec]
    streets: list[StreetRec]
    boundary: list[list[tuple[float, float]]]  # rings of (lon, lat)
    place_by_id: dict[int, PlaceRec] = field(init=False)
    place_by_key: dict[str, PlaceRec] = field(init=False)
    district_by_key: dict[str, list[str]] = field(init=False)
    streets_by_key: dict[str, list[StreetRec]] = field(init=False)
    streets_by_compact: dict[str, list[StreetRec]] = field(init=False)
    postcode_weight: dict[str, int] = field(init=False)
    entries: list[Entry] = field(init=False)
    _search_keys: list[str] = field(init=False)
    _search_refs: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.place_by_id = {p.id: p for p in self.places}
        self.place_by_key = {p.key: p for p in self.places}
        self.district_by_key = {}
        for pc in sorted(self.postcodes.values(), key=lambda p: p.code):
            self.district_by_key.setdefault(name_key(pc.name), []).append(pc.code)
        self.streets_by_key, self.streets_by_compact, self.postcode_weight = {}, {}, {}
        for s in self.streets:
            self.streets_by_key.setdefault(s.key, []).append(s)
            self.streets_by_compact.setdefault(compact_key(s.key), []).append(s)
            self.postcode_weight[s.postcode] = self.postcode_weight.get(s.postcode, 0) + 1
        self._build_entries()

    # --- lookups ---------------------------------------------------------------------------

    def nearest_place(self, lat: float, lon: float, max_km: float = MAX_PLACE_DISTANCE_KM) -> PlaceRec | None:
        """Return the nearest place within `max_km`, or None."""
        best, best_km = None, max_km
        for place in self.places:
            km = haversine_km(lat, lon, place.lat, place.lon)
            if km < best_km:
                best, best_km = place, km
        return best

    def codes_for_town(self, key: str) -> set[str]:
        """Postcodes a town name points at: its postal district and/or the place's postcode."""
        codes = set(self.district_by_key.get(key, ()))
        place = self.place_by_key.get(key)
        if place is not None:
            codes.add(place.postcode)
        return codes

    def codes_for_town_prefix(self, prefix: str) -> set[str]:
        """Postcodes of the places and postal districts whose name starts with `prefix`."""
        codes = {p.postcode for p in self.places if p.key.startswith(prefix)}
        for key, district_codes in self.district_by_key.items():
            if key.startswith(prefix):
                codes.update(district_codes)
        return codes

    def streets_for(self, key: str) -> list[StreetRec]:
        """Streets whose folded name is `key` (or is `key` with the spaces left out)."""
        if not key:
            return []
        return self.streets_by_key.get(key) or self.streets_by_compact.get(compact_key(key), [])

    def likelihood(self, street: StreetRec) -> tuple[int, int]:
        """How likely a newcomer means this one of several same-named streets.

        The population of the street's town first, then how many streets its
        postcode has (a stand-in for how many people live there).
        """
        place = self.place_by_key.get(name_key(street.locality or ""))
        return (place.population or 0) if place else 0, self.postcode_weight.get(street.postcode, 0)

    def district_name(self, code: str) -> str:
        pc = self.postcodes.get(code)
        return pc.name if pc else ""

    # --- autocomplete ----------------------------------------------------------------------

    def _build_entries(self) -> None:
        entries: list[Entry] = []
        for p in self.places:
            entries.append(Entry("place", p.key, p.name, p.name, p.postcode, p.lat, p.lon,
                                 1000.0 + (p.population or 0) / 1000))
        for pc in self.postcodes.values():
            entries.append(Entry("postcode", name_key(pc.name), pc.label, pc.label, pc.code, pc.lat, pc.lon, 500.0))
        seen: set[tuple[str, str]] = set()
        for s in self.streets:
            if (s.key, s.postcode) in seen:
                continue  # "Gl. Allervej" and "Gammel Allervej": offer one
            seen.add((s.key, s.postcode))
            value = f"{s.name}, {s.postcode} {self.district_name(s.postcode)}".strip()
            entries.append(Entry("street", s.key, value, value, s.postcode, s.lat, s.lon,
                                 float(self.postcode_weight.get(s.postcode, 0)), caret=len(s.name)))
        self.entries = entries
        pairs: list[tuple[str, int]] = []
        for i, e in enumerate(entries):
            words = e.key.split(" ")
            keys = {" ".join(words[j:]) for j in range(len(words))} | {compact_key(e.key)}
            pairs.extend((k, i) for k in keys if k)
        pairs.sort()
        self._search_keys = [k for k, _ in pairs]
        self._search_refs = [i for _, i in pairs]

    def prefix_matches(self, key: str, cap: int = 400) -> list[tuple[int, Entry]]:
        """Entries with a word starting with `key`, as (rank, entry); rank 0 = exact, 1 = prefix, 2 = word."""
        if not key:
            return []
        found: dict[int, int] = {}
        for probe in {key, compact_key(key)}:
            i = bisect_left(self._search_keys, probe)
            while i < len(self._search_keys) and self._search_keys[i].startswith(probe) and len(found) < cap:
                ref = self._search_refs[i]
                entry = self.entries[ref]
                if entry.key == key:
                    rank = 0
                elif entry.key.startswith(key) or compact_key(entry.key).startswith(probe):
                    rank = 1
                else:
                    rank = 2
                found[ref] = min(rank, found.get(ref, 9))
                i += 1
        return [(rank, self.entries[ref]) for ref, rank in found.items()]


# --- the shared copy ---------------------------------------------------------------------------


class _State:
    def __init__(self) -> None:
        self.index: GazetteerIndex | None = None
        self.generation = -1
        self.checked_at = 0.0
        self.lock = threading.Lock()
        self.geocoders: dict = {}


def _state() -> _State:
    return current_app.extensions.setdefault(_EXTENSION_KEY, _State())


def app_state() -> _State:
    """The per-app holder of the index and the configured geocoders."""
    return _state()


def _on_flush(session, _flush_context) -> None:
    global _generation
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _WATCHED):
            _generation += 1
            return


def invalidate() -> None:
    """Mark every app's copy stale (after bulk writes that bypass the ORM)."""
    global _generation
    _generation += 1


def _signature() -> tuple:
    def stats(table):
        return sa.select(sa.func.count(), sa.func.max(table.c.id)).select_from(table).subquery()

    parts = []
    for table in (Street.__table__, Place.__table__, Address.__table__, Boundary.__table__):
        s = stats(table)
        parts.extend([sa.select(s.c[0]).scalar_subquery(), sa.select(s.c[1]).scalar_subquery()])
    parts.append(sa.select(sa.func.count()).select_from(Postcode.__table__).scalar_subquery())
    return tuple(db.session.execute(sa.select(*parts)).one())


def _load(signature: tuple) -> GazetteerIndex:
    postcodes = {
        code: PostcodeRec(code, name, lat, lon)
        for code, name, lat, lon in db.session.execute(
            sa.select(Postcode.code, Postcode.name, Postcode.lat, Postcode.lon))
    }
    places = [
        PlaceRec(i, name, slug, kind, code, lat, lon, pop, name_key(name))
        for i, name, slug, kind, code, lat, lon, pop in db.session.execute(
            sa.select(Place.id, Place.name, Place.slug, Place.kind, Place.postcode, Place.lat, Place.lon,
                      Place.population).order_by(Place.id))
    ]
    # Official names from imported addresses win over the street list's for the same street.
    official: dict[tuple[str, str], StreetRec] = {}
    rows = db.session.execute(
        sa.select(Address.street, Address.postcode, sa.func.avg(Address.lat), sa.func.avg(Address.lon),
                  sa.func.min(Address.supplementary_town))
        .group_by(Address.street, Address.postcode).order_by(Address.street, Address.postcode))
    for street, code, lat, lon, town in rows:
        key = name_key(street)
        official[(key, code)] = StreetRec(street, key, code, float(lat), float(lon), town, "dar")
    streets: list[StreetRec] = []
    for name, code, lat, lon, locality in db.session.execute(
            sa.select(Street.name, Street.postcode, Street.lat, Street.lon, Street.locality)
            .order_by(Street.name, Street.postcode)):
        key = name_key(name)
        if (key, code) in official:
            rec = official[(key, code)]
            if rec.locality is None and locality:
                official[(key, code)] = StreetRec(rec.name, key, code, rec.lat, rec.lon, locality, "dar")
            continue
        streets.append(StreetRec(name, key, code, lat, lon, locality, "osm"))
    streets.extend(official.values())
    boundary: list[list[tuple[float, float]]] = []
    geojson = db.session.scalar(sa.select(Boundary.geojson).order_by(
        (Boundary.code != KOLDING_MUNICIPALITY_CODE), Boundary.id).limit(1))
    if geojson:
        boundary = _rings(json.loads(geojson))
    return GazetteerIndex(signature, postcodes, places, streets, boundary)


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    if geometry.get("type") == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return []
    return [[(float(x), float(y)) for x, y, *_ in polygon[0]] for polygon in polygons if polygon]


def get_index() -> GazetteerIndex:
    """Return this app's in-memory gazetteer, rebuilt when the tables changed."""
    if not event.contains(Session, "after_flush", _on_flush):
        event.listen(Session, "after_flush", _on_flush)
    state = _state()
    now = time.monotonic()
    interval = float(current_app.config.get("GEO_INDEX_CHECK_SECONDS", 0 if current_app.testing else 5))
    index = state.index
    if index is not None and state.generation == _generation and now - state.checked_at < interval:
        return index
    with state.lock:
        generation = _generation
        signature = _signature()
        if state.index is None or state.index.signature != signature or state.generation != generation:
            state.index = _load(signature)
        state.generation = generation
        state.checked_at = now
        return state.index
