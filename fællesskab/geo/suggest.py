"""Suggestions for the address field: places, postcodes, streets and house numbers by prefix.

Names come from the in-memory `GazetteerIndex` (a bisect over sorted keys);
only house numbers ask the database, by one indexed street.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from ..extensions import db
from .addresses import house_number_sort_key, looks_like_address, name_key, parse_address
from .index import GazetteerIndex, StreetRec, get_index
from .models import Address

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

    def as_json(self) -> dict:
        return asdict(self)


def suggest(text: str, limit: int = 8) -> list[Suggestion]:
    """Return up to `limit` suggestions for what has been typed so far."""
    text = " ".join((text or "").split())
    limit = max(1, min(int(limit), MAX_LIMIT))
    if re.fullmatch(r"\d{1,4}", text):
        index = get_index()
        return [Suggestion("postcode", pc.label, pc.label, pc.code, pc.lat, pc.lon)
                for pc in sorted(index.postcodes.values(), key=lambda p: p.code) if pc.code.startswith(text)][:limit]
    if not looks_like_address(text):
        return []
    index = get_index()
    parsed = parse_address(text)
    scope = _scope(index, parsed.postcode, parsed.town)
    if parsed.street and parsed.house_number:
        return _house_numbers(index, parsed.street, parsed.house_number, scope, limit)
    if parsed.postcode and not parsed.street:
        return [Suggestion("postcode", pc.label, pc.label, pc.code, pc.lat, pc.lon)
                for pc in index.postcodes.values() if pc.code == parsed.postcode][:limit]
    key = name_key(parsed.street or parsed.town or text)
    ranked = []
    for rank, entry in index.prefix_matches(key):
        if scope and entry.postcode not in scope:
            continue
        ranked.append(((rank, KIND_ORDER[entry.kind], -entry.weight, entry.label), entry))
    ranked.sort(key=lambda pair: pair[0])
    return [Suggestion(e.kind, e.label, e.value, e.postcode, e.lat, e.lon, e.caret) for _, e in ranked[:limit]]


def _scope(index: GazetteerIndex, postcode: str | None, town: str | None) -> set[str]:
    if postcode:
        return {postcode} if postcode in index.postcodes else set()
    return index.codes_for_town(name_key(town or "")) if town else set()


def _house_numbers(index: GazetteerIndex, street: str, number: str, scope: set[str], limit: int) -> list[Suggestion]:
    streets: list[StreetRec] = index.streets_for(name_key(street))
    if scope:
        streets = [s for s in streets if s.postcode in scope] or streets
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
