"""Build the result map for a page: the SVG and its text alternative (the same list).

Views call `build_map(location, results)` and pass the `MapView` to the
`result_map` macro in `_macros/map.html`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from flask_babel import gettext as _, ngettext
from markupsafe import Markup

from ..core import formatting
from .index import get_index
from .svgmap import Home, Pin, Town, render_svg


@dataclass(frozen=True)
class MapItem:
    number: int
    label: str
    lat: float
    lon: float
    distance_km: float | None
    distance_text: str | None
    url: str | None


@dataclass(frozen=True)
class MapView:
    id: str
    title: str
    svg: Markup
    home_label: str | None
    items: list[MapItem]


def _get(obj: Any, *names: str, default=None):
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return default


def build_map(location: Any = None, results: Iterable[Any] = (), *, map_id: str = "kort",
              title: str | None = None) -> MapView:
    """Return the map of Kolding Kommune with the newcomer's point and numbered result pins.

    :param location: anything with `lat`, `lon` and `label` (a `Located`, the API's dict), or None.
    :param results: items with `lat`, `lon`, a `name`/`title`/`label`, and optionally
        `distance_km` and `url`; the pin numbers follow their order (1 = first), and
        items without coordinates keep their number but get no pin.
    """
    index = get_index()
    items: list[MapItem] = []
    for number, result in enumerate(results, start=1):
        lat, lon = _get(result, "lat"), _get(result, "lon")
        if lat is None or lon is None:
            continue
        km = _get(result, "distance_km")
        text = _("%(km)s km", km=formatting.distance_number(km, precise=True)) if km is not None else None
        items.append(MapItem(number, str(_get(result, "name", "title", "label", default="")), float(lat), float(lon),
                             km, text, _get(result, "url")))
    home = None
    if location is not None and _get(location, "lat") is not None:
        home = Home(float(_get(location, "lat")), float(_get(location, "lon")),
                    _("Din adresse: %(label)s", label=_get(location, "label", default="")))
    towns = [Town(p.name, p.lat, p.lon, p.kind == "town") for p in index.places]
    title = title or _("Kort over Kolding Kommune")
    parts = [ngettext("Kortet viser %(num)d resultat.", "Kortet viser %(num)d resultater.", len(items))]
    if home is not None:
        parts.insert(0, _("Kortet viser din adresse som en rød stjerne."))
    if items:
        parts.append(_("De nummererede nåle svarer til listen."))
    svg = render_svg(index.boundary, towns, home=home, pins=[Pin(i.number, i.lat, i.lon, i.label) for i in items],
                     map_id=map_id, title=title, description=" ".join(parts), scale_label=_("5 km"))
    return MapView(map_id, title, Markup(svg), home.label if home else None, items)
