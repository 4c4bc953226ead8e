"""The one function the rest of the app calls to turn typed text into a point.

Search (`near=`), matching and the geocode API go through `locate_text`, which
uses the geocoder configured by `GEOCODER` (the offline gazetteer, or an online
provider that falls back to it).
"""
from __future__ import annotations

from .addresses import looks_like_address
from .gazetteer import Located


def locate_text(query: str) -> Located | None:
    """Resolve free text — a place name, a postcode, "Street 12, 6000 Kolding" — or None."""
    from .geocoder import get_geocoder, located_from_location

    query = " ".join((query or "").split())
    if not query or not looks_like_address(query):
        return None
    location = get_geocoder().geocode(query)
    return located_from_location(location) if location is not None else None
