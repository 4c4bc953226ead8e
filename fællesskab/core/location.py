"""Resolve the location fields shared by associations and events."""
from __future__ import annotations

from typing import Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import fields
from ..core.cleaning import Cleaner
from .denmark import DK_LAT_RANGE as LAT_RANGE
from .denmark import DK_LON_RANGE as LON_RANGE


class _Place(Protocol):
    id: int


class _Located(Protocol):
    lat: float
    lon: float
    place_id: int | None
    postcode: str | None


class PlaceIndex(Protocol):
    """What `clean_location` needs of a gazetteer (`geo.gazetteer.PlaceIndex` is one).

    A protocol, so the base layer names no domain package.
    """

    postcodes: object  # supports `in`

    def nearest_place(self, lat: float, lon: float) -> _Place | None: ...

    def locate(self, address: str | None, postcode: str | None, town: str | None) -> _Located | None: ...


def clean_location(c: Cleaner, index: PlaceIndex) -> dict:
    """Return address, postcode, town, lat, lon and place_id from `c.raw`.

    Either lat+lon or an address the gazetteer resolves is required.
    """
    address = c.field("address", fields.text, max_length=200, label=_l("Adressen"))
    postcode = c.field("postcode", fields.postcode)
    town = c.field("town", fields.text, max_length=80, label=_l("Byen"))
    lat = c.field("lat", fields.decimal, minimum=LAT_RANGE[0], maximum=LAT_RANGE[1],
                  label=_l("Breddegraden (lat)"))
    lon = c.field("lon", fields.decimal, minimum=LON_RANGE[0], maximum=LON_RANGE[1],
                  label=_l("Længdegraden (lon)"))
    out = {"address": address, "postcode": postcode, "town": town, "lat": lat, "lon": lon, "place_id": None}
    if postcode and postcode not in index.postcodes:
        c.error("postcode", _("Postnummeret %(postcode)s ligger ikke i Kolding Kommune.", postcode=postcode))
        return out
    raw_has_lat = bool(str(c.raw.get("lat") or "").strip())
    raw_has_lon = bool(str(c.raw.get("lon") or "").strip())
    if raw_has_lat != raw_has_lon:
        c.error("lat" if not raw_has_lat else "lon", "Angiv både lat og lon, eller ingen af dem.")
        return out
    if lat is not None and lon is not None:
        place = index.nearest_place(lat, lon)
        out["place_id"] = place.id if place else None
        return out
    if raw_has_lat:  # given but invalid: already reported
        return out
    if not (address or postcode or town):
        c.error("address", _("Angiv en adresse (adresse, postnummer, by) eller lat og lon."))
        return out
    located = index.locate(address, postcode, town)
    if located is None:
        c.error("address", _("Adressen kunne ikke findes. Angiv postnummer og by, eller lat og lon."))
        return out
    out.update(lat=located.lat, lon=located.lon, place_id=located.place_id)
    if postcode is None and located.postcode:
        out["postcode"] = located.postcode
    return out
