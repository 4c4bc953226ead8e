"""The one function the rest of the app calls to turn typed text into a point.

Search (`near=`), matching and the geocode API go through `locate_text`, so
the Geo work can swap in the full geocoder (house numbers, online providers,
cache) without touching its callers.
"""
from __future__ import annotations

import re

from .gazetteer import Located, PlaceIndex


def locate_text(query: str) -> Located | None:
    """Resolve free text — a place name, a postcode, "Street, 6000 Kolding" — or None."""
    query = " ".join((query or "").split())
    if not query:
        return None
    index = PlaceIndex()
    m = re.search(r"\b(\d{4})\b\s*([^\d,]*)$", query)
    postcode, town, street = None, None, None
    if m:
        postcode, town = m.group(1), m.group(2).strip() or None
        street = query[: m.start()].strip(" ,") or None
    else:
        parts = [p.strip() for p in query.split(",") if p.strip()]
        if len(parts) >= 2:
            street, town = parts[0], parts[-1]
        else:
            town = parts[0]
    located = index.locate(street, postcode, town)
    if located is None and street and not postcode:
        # "Vamdrup" typed alone may be taken as a street: try it as a town too.
        located = index.locate(None, None, street)
    return located
