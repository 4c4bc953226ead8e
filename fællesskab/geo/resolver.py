"""Turn a parsed address into a point with the gazetteer's data.

Precision, best first: `address` (an imported official address) > `street`
> `postcode` > `locality`. A street name that exists in several postcodes is
settled by the postcode or town given; without one the most likely is chosen
and the answer says so (`ambiguous`, `alternatives`).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

import sqlalchemy as sa

from ..extensions import db
from .addresses import ParsedAddress, house_number_sort_key, name_key
from .index import GazetteerIndex, PlaceRec, StreetRec
from .models import Address

PRECISION_RANK = {"address": 4, "street": 3, "postcode": 2, "locality": 1}
FUZZY_CUTOFF = 0.86


@dataclass(frozen=True)
class Match:
    """The gazetteer's answer."""

    lat: float
    lon: float
    precision: str
    label: str
    postcode: str | None
    place_id: int | None
    ambiguous: bool = False
    alternatives: tuple[str, ...] = ()
    # Why the answer is less exact than asked: house_number_not_found | street_not_found
    # | street_guessed (a close spelling was used); None when it is what was asked.
    note: str | None = None
    # With street_not_found: the street asked for and the area it was looked for in, as the
    # person should read them back ("Skolegade", "6070 Christiansfeld").
    street: str | None = None
    area: str | None = None

    def raw(self) -> dict:
        """The dict kept in `geopy.Location.raw`."""
        return {
            "source": "gazetteer", "precision": self.precision, "label": self.label, "postcode": self.postcode,
            "place_id": self.place_id, "ambiguous": self.ambiguous, "alternatives": list(self.alternatives),
            "note": self.note, "street": self.street, "area": self.area, "lat": self.lat, "lon": self.lon,
        }


@dataclass(frozen=True)
class AddressRow:
    street: str
    house_number: str
    postcode: str
    postal_district: str
    supplementary_town: str | None
    lat: float
    lon: float

    @property
    def label(self) -> str:
        town = f"{self.supplementary_town}, " if self.supplementary_town else ""
        return f"{self.street} {self.house_number}, {town}{self.postcode} {self.postal_district}"


_ADDRESS_COLUMNS = (Address.street, Address.house_number, Address.postcode, Address.postal_district,
                    Address.supplementary_town, Address.lat, Address.lon)


def find_addresses(street_keys: set[str], house_number: str) -> list[AddressRow]:
    """Imported addresses with this house number on any of these streets."""
    rows = db.session.execute(sa.select(*_ADDRESS_COLUMNS).where(
        Address.street_key.in_(sorted(street_keys)), Address.house_number == house_number))
    return [AddressRow(*r) for r in rows]


def street_addresses(street_key: str, postcode: str) -> list[AddressRow]:
    """Every imported address on one street in one postcode."""
    rows = db.session.execute(sa.select(*_ADDRESS_COLUMNS).where(
        Address.street_key == street_key, Address.postcode == postcode))
    return [AddressRow(*r) for r in rows]


def split_trailing_town(index: GazetteerIndex, p: ParsedAddress) -> ParsedAddress | None:
    """'Hovedgaden Sjølund' (one name, no comma) -> street 'Hovedgaden', town 'Sjølund'.

    Only for a bare name, and only when its last words are a place or postal district
    we know; the longest such tail wins ('Skolevej Sønder Bjert').
    """
    if not p.is_bare_name:
        return None
    words = (p.street or "").split()
    for k in range(1, len(words)):
        tail = " ".join(words[k:])
        if index.codes_for_town(name_key(tail)):
            return replace(p, street=" ".join(words[:k]), town=tail)
    return None


def area_label(index: GazetteerIndex, code: str | None, town: str | None) -> str | None:
    """The area a person typed, as they should read it back: '6070 Christiansfeld' or 'Sjølund'."""
    place = index.place_by_key.get(name_key(town or ""))
    if code and code in index.postcodes:
        label = index.postcodes[code].label
        if place is not None and name_key(place.name) != name_key(index.postcodes[code].name):
            return f"{place.name}, {label}"  # a village in a town's postcode: "Vester Nebel, 6040 Egtved"
        return label
    if place is not None:
        return place.name
    districts = index.district_by_key.get(name_key(town or ""))
    return index.postcodes[districts[0]].name if districts else town


class Resolver:
    """Resolve `ParsedAddress` values against one `GazetteerIndex`."""

    def __init__(self, index: GazetteerIndex, *, fuzzy: bool = False, use_addresses: bool = True):
        self.index = index
        self.fuzzy = fuzzy
        self.use_addresses = use_addresses

    def resolve(self, p: ParsedAddress) -> Match | None:
        """Return the best match for `p`, or None when nothing in the gazetteer fits."""
        idx = self.index
        code = p.postcode
        if code and code not in idx.postcodes:
            if p.trailing_number and p.town and not p.street:  # "Hovedgaden 1234": a house number after all
                return self.resolve(replace(p, street=p.town, house_number=code, postcode=None, town=None,
                                            trailing_number=False))
            return None  # a postcode outside the municipality
        town_key, supp_key = name_key(p.town or ""), name_key(p.supplementary or "")
        scope: set[str] = set()
        if code:
            scope = {code}
        elif town_key or supp_key:
            scope = idx.codes_for_town(town_key) | idx.codes_for_town(supp_key)

        if p.is_bare_name:
            key = name_key(p.street)
            place = idx.place_by_key.get(key)
            if place is not None:
                return self._place(place)
            if key in idx.district_by_key:
                return self._postcode(idx.district_by_key[key][0])

        street_key = name_key(p.street or "")
        if street_key:
            found = self._street(p, street_key, scope, town_key, supp_key)
            if found is not None:
                return found
            split = split_trailing_town(idx, p)
            if split is not None:  # "Hovedgaden Sjølund": a street and a town without a comma
                return self.resolve(split)
        if street_key and code and not town_key:
            # "Skolegade 5, 6070": the postal district's own town, where people live, not the
            # middle of its fields (the postcode's centroid can be kilometres out of town).
            town_key = name_key(idx.district_name(code))
        area = self._area(code, town_key, supp_key)
        if area is not None and street_key:
            area = replace(area, note="street_not_found", street=p.street,
                           area=area_label(idx, code, p.supplementary or p.town))
        return area

    # --- steps -----------------------------------------------------------------------------

    def _street(self, p: ParsedAddress, key: str, scope: set[str], town_key: str, supp_key: str) -> Match | None:
        idx = self.index
        candidates = idx.streets_for(key)
        note = None
        if not candidates and self.fuzzy:
            candidates = self._close_streets(key, scope)
            note = "street_guessed" if candidates else None
        if not candidates:
            return None
        if scope or town_key or supp_key:
            scoped = [s for s in candidates if s.postcode in scope
                      or (s.locality and name_key(s.locality) in {town_key, supp_key} - {""})]
            if scoped:
                candidates = scoped
            elif scope:
                return None  # a known postcode or town without this street
            # else: a town name we do not know (a typo?) is left out of the choice
        candidates = self._prefer_typed_spelling(candidates, p.street or "")
        by_postcode: dict[str, StreetRec] = {}
        for s in candidates:
            by_postcode.setdefault(s.postcode, s)
        ranked = sorted(by_postcode.values(), key=idx.likelihood, reverse=True)

        if p.house_number and self.use_addresses:
            rows = [r for r in find_addresses({s.key for s in ranked}, p.house_number) if r.postcode in by_postcode]
            if rows:
                rows.sort(key=lambda r: idx.likelihood(by_postcode[r.postcode]), reverse=True)
                others = tuple(r.label for r in rows[1:])
                best = rows[0]
                return self._match(best.lat, best.lon, "address", best.label, best.postcode,
                                   ambiguous=bool(others), alternatives=others, note=note)
        best = ranked[0]
        others = tuple(self._street_label(s) for s in ranked[1:])
        lat, lon = best.lat, best.lon
        if p.house_number and self.use_addresses:
            near = self._nearest_number(best, p.house_number)
            if near is not None:
                lat, lon = near.lat, near.lon
                note = note or "house_number_not_found"
        return self._match(lat, lon, "street", self._street_label(best), best.postcode,
                           ambiguous=bool(others), alternatives=others, note=note)

    def _area(self, code: str | None, town_key: str, supp_key: str) -> Match | None:
        """No street (or an unknown one): the village, town or postcode given."""
        idx = self.index
        for key in (supp_key, town_key):
            place = idx.place_by_key.get(key) if key else None
            if place is not None and (code is None or place.postcode == code):
                return self._place(place)
        if code:
            return self._postcode(code)
        for key in (town_key, supp_key):
            if key and key in idx.district_by_key:
                return self._postcode(idx.district_by_key[key][0])
        for key in (supp_key, town_key):
            place = idx.place_by_key.get(key) if key else None
            if place is not None:
                return self._place(place)
        return None

    def _close_streets(self, key: str, scope: set[str]) -> list[StreetRec]:
        """Streets spelled almost like `key` (a typo), within the postcodes given if any."""
        idx = self.index
        pool = {s.key for s in idx.streets if not scope or s.postcode in scope}
        close = [k for k in difflib.get_close_matches(key, pool, n=3, cutoff=FUZZY_CUTOFF) if k[:1] == key[:1]]
        return idx.streets_for(close[0]) if close else []

    @staticmethod
    def _prefer_typed_spelling(candidates: list[StreetRec], typed: str) -> list[StreetRec]:
        """'Nr. Bjertvej' and 'Nørre Bjertvej' are two streets with one key: honour the one typed."""
        typed = " ".join(typed.lower().split())
        exact = [s for s in candidates if s.name.lower() == typed]
        rest = [s for s in candidates if s.name.lower() != typed]
        dar = [s for s in rest if s.source == "dar"]
        return exact + dar + [s for s in rest if s.source != "dar"]

    def _nearest_number(self, street: StreetRec, number: str) -> AddressRow | None:
        rows = street_addresses(street.key, street.postcode)
        if not rows:
            return None
        want = house_number_sort_key(number)

        def distance(row: AddressRow):
            have = house_number_sort_key(row.house_number)
            return (have[0] % 2 != want[0] % 2, abs(have[0] - want[0]), have[1])

        return min(rows, key=distance)

    # --- answers ---------------------------------------------------------------------------

    def _street_label(self, s: StreetRec) -> str:
        return f"{s.name}, {s.postcode} {self.index.district_name(s.postcode)}".strip()

    def _place(self, place: PlaceRec) -> Match:
        return Match(place.lat, place.lon, "locality", place.name, place.postcode, place.id)

    def _postcode(self, code: str) -> Match:
        pc = self.index.postcodes[code]
        return self._match(pc.lat, pc.lon, "postcode", pc.label, code)

    def _match(self, lat: float, lon: float, precision: str, label: str, code: str | None, **kw) -> Match:
        place = self.index.nearest_place(lat, lon)
        return Match(lat, lon, precision, label, code, place.id if place else None, **kw)
