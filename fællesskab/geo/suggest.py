"""Suggestions for the address field: places, postcodes, streets and house numbers by prefix.

Names come from the in-memory `GazetteerIndex` (a bisect over sorted keys);
only house numbers ask the database, by one indexed street.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from ..extensions import db
from .addresses import ParsedAddress, house_number_sort_key, looks_like_address, name_key, parse_address
from .index import GazetteerIndex, StreetRec, get_index
from .models import Address
from .notes import not_known_here, postcode_outside
from .resolver import Resolver, area_label, split_trailing_town

KIND_ORDER = {"place": 0, "postcode": 1, "street": 2, "address": 3}
MAX_LIMIT = 20


@dataclass(frozen=True)
class Suggestion:
    kind: str  # place | postcode | street | address
    label: str
    value: str  # what the field should hold when chosen
    postcode: str | None
    lat: float
    lon: float
    caret: int | None = None  # where the cursor goes after choosing (None: at the end)
    note: str | None = None  # why this is less exact than typed ("Vi kender ikke Skolegade i …")

    def as_json(self) -> dict:
        return asdict(self)


def suggest(text: str, limit: int = 8) -> list[Suggestion]:
    """Return up to `limit` suggestions for what has been typed so far."""
    return suggest_with_notice(text, limit)[0]


def suggest_with_notice(text: str, limit: int = 8) -> tuple[list[Suggestion], str | None]:
    """Suggestions, and a sentence for the person when what they typed cannot be offered as typed.

    A postcode or town in the text restricts the suggestions to it: a street that is not
    known there is never swapped for a namesake in another town. Instead the answer is
    the town's middle (what the geocoder will use) and the notice says so.
    """
    text = " ".join((text or "").split())
    limit = max(1, min(int(limit), MAX_LIMIT))
    if re.fullmatch(r"\d{1,4}", text):
        index = get_index()
        return [Suggestion("postcode", pc.label, pc.label, pc.code, pc.lat, pc.lon)
                for pc in sorted(index.postcodes.values(), key=lambda p: p.code)
                if pc.code.startswith(text)][:limit], None
    if not looks_like_address(text):
        return [], None
    index = get_index()
    parsed = parse_address(text)
    if parsed.postcode and parsed.postcode not in index.postcodes:
        return [], postcode_outside(parsed.postcode)
    if parsed.is_bare_name and not index.prefix_matches(name_key(parsed.street), cap=1):
        parsed = split_trailing_town(index, parsed) or parsed  # "Hovedgaden Sjølund"
    scope, exact = _scope(index, parsed)
    if parsed.street and parsed.house_number:
        results = _house_numbers(index, parsed.street, parsed.house_number, scope, limit)
    elif parsed.postcode and not parsed.street:
        results = [Suggestion("postcode", pc.label, pc.label, pc.code, pc.lat, pc.lon)
                   for pc in index.postcodes.values() if pc.code == parsed.postcode][:limit]
    else:
        key = name_key(parsed.street or parsed.town or text)
        ranked = []
        for rank, entry in index.prefix_matches(key):
            if scope and entry.postcode not in scope:
                continue
            ranked.append(((rank, KIND_ORDER[entry.kind], -entry.weight, entry.label), entry))
        ranked.sort(key=lambda pair: pair[0])
        results = [Suggestion(e.kind, e.label, e.value, e.postcode, e.lat, e.lon, e.caret) for _, e in ranked[:limit]]
    if not results and exact and parsed.street:
        area = _not_known_here(index, parsed)
        if area is not None:
            return [area], area.note
    return results, None


def _scope(index: GazetteerIndex, parsed: ParsedAddress) -> tuple[set[str], bool]:
    """The postcodes the typed postcode or town allows, and whether the town is complete (not a prefix)."""
    if parsed.postcode:
        return ({parsed.postcode} if parsed.postcode in index.postcodes else set()), True
    keys = [name_key(t) for t in (parsed.town, parsed.supplementary) if t]
    codes: set[str] = set()
    for key in keys:
        codes |= index.codes_for_town(key)
    if codes:
        return codes, True
    for key in keys:  # a town still being typed: "Hovedgaden 1, Sjø"
        if len(key) >= 2:
            codes |= index.codes_for_town_prefix(key)
    return codes, False  # nothing known: a typo in the town, left out of the choice as the geocoder does


def _not_known_here(index: GazetteerIndex, parsed: ParsedAddress) -> Suggestion | None:
    """The town's middle for a street it does not have, worded as the geocoder will answer."""
    match = Resolver(index, use_addresses=False).resolve(parsed)
    if match is None or match.note != "street_not_found" or not match.area:
        return None
    typed = f"{parsed.street} {parsed.house_number}" if parsed.house_number else parsed.street
    area = area_label(index, match.postcode, parsed.supplementary or parsed.town) if match.postcode else match.area
    value = f"{typed}, {area}"
    kind = "place" if match.precision == "locality" else "postcode"
    return Suggestion(kind, value, value, match.postcode, match.lat, match.lon,
                      note=not_known_here(match.street or typed, match.area, match.label))


def _house_numbers(index: GazetteerIndex, street: str, number: str, scope: set[str], limit: int) -> list[Suggestion]:
    streets: list[StreetRec] = index.streets_for(name_key(street))
    if scope:  # never a namesake in another town than the one typed
        streets = [s for s in streets if s.postcode in scope]
    streets = sorted({s.postcode: s for s in streets}.values(), key=index.likelihood, reverse=True)
    out: list[Suggestion] = []
    for s in streets:
        rows = db.session.execute(
            sa.select(Address.street, Address.house_number, Address.postcode, Address.postal_district,
                      Address.supplementary_town, Address.lat, Address.lon)
            .where(Address.street_key == s.key, Address.postcode == s.postcode,
                   Address.house_number.like(number.upper() + "%"))
            .order_by(sa.func.length(Address.house_number), Address.house_number)
            .limit(limit)).all()
        rows.sort(key=lambda r: house_number_sort_key(r[1]))
        for name, hn, code, district, town, lat, lon in rows:
            label = f"{name} {hn}, {town + ', ' if town else ''}{code} {district}"
            out.append(Suggestion("address", label, label, code, lat, lon))
        if not rows:
            label = f"{s.name} {number}, {s.postcode} {index.district_name(s.postcode)}".strip()
            out.append(Suggestion("street", label, label, s.postcode, s.lat, s.lon))
        if len(out) >= limit:
            break
    return out[:limit]
