"""Build the result map for a page: the SVG and its text alternative (the same list).

Views call `build_map(location, results)` (or with `focus=` a place, on a place's page)
and pass the `MapView` to the `result_map` macro in `_macros/map.html`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from ..core import formatting
from ..core.listing_text import listing_text
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
    focus_label: str | None = None


def _get(obj: Any, *names: str, default=None):
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return default


def _pin_name(result: Any) -> str:
    """A pin's name as the list beside it shows it: English text on English pages when there is any."""
    for field in ("name", "title"):
        if _get(result, field) is not None:
            return listing_text(result, field).text
    return str(_get(result, "label", default=""))


def build_map(location: Any = None, results: Iterable[Any] = (), *, map_id: str = "kort",
              title: str | None = None, focus: Any = None, marker: str = "home") -> MapView:
    """Return a map of the household's surroundings: home, numbered result pins, named towns.

    The map is framed round the pins, home and `focus` (at least a few km across); with none
    of them it shows the whole municipality.

    :param location: anything with `lat`, `lon` and `label` (a `Located`, the API's dict), or None.
    :param results: items with `lat`, `lon`, a `name`/`title`/`label`, and optionally
        `distance_km` and `url`; the pin numbers follow their order (1 = first), and
        items without coordinates keep their number but get no pin.
    :param focus: the page's own place (`name`, `lat`, `lon`), marked and named, or None.
    :param marker: "home" (the newcomer's address: "Hjem") or "place" (a searched place:
        the mark is named with the location's label, e.g. search with a place).
    """
    index = get_index()
    items: list[MapItem] = []
    for number, result in enumerate(results, start=1):
        lat, lon = _get(result, "lat"), _get(result, "lon")
        if lat is None or lon is None:
            continue
        km = _get(result, "distance_km")
        text = _("%(km)s km", km=formatting.distance_number(km, precise=True)) if km is not None else None
        items.append(MapItem(number, _pin_name(result), float(lat), float(lon),
                             km, text, _get(result, "url")))
    home = None
    if location is not None and _get(location, "lat") is not None:
        label = str(_get(location, "label", default=""))
        if marker == "place":
            home = Home(float(_get(location, "lat")), float(_get(location, "lon")),
                        _("Søgt nær: %(label)s", label=label), label)
        else:
            home = Home(float(_get(location, "lat")), float(_get(location, "lon")),
                        _("Din adresse: %(label)s", label=label), _("Hjem"))
    focus_town = None
    if focus is not None and _get(focus, "lat") is not None:
        focus_town = Town(str(_get(focus, "name")), float(_get(focus, "lat")), float(_get(focus, "lon")), True)
    towns = [Town(p.name, p.lat, p.lon, p.kind == "town", p.population, p.kind) for p in index.places]
    framed = bool(items or home or focus_town)
    if focus_town is not None:
        title = title or _("Kort over %(place)s og omegn", place=focus_town.name)
    elif framed:
        title = title or _("Kort over området omkring dig")
    else:
        title = title or _("Kort over Kolding Kommune")
    parts = [ngettext("Kortet viser %(num)d resultat.", "Kortet viser %(num)d resultater.", len(items))]
    if home is not None and marker == "place":
        parts.insert(0, _("Kortet viser området omkring %(label)s, markeret med en rød stjerne.", label=home.short))
    elif home is not None:
        parts.insert(0, _("Kortet viser området omkring din adresse, som er markeret »Hjem« med en rød stjerne."))
    elif focus_town is not None:
        parts.insert(0, _("Kortet viser %(place)s, markeret med en ring, og byerne omkring.", place=focus_town.name))
    if items:
        parts.append(_("De nummererede nåle svarer til listen. Ligger flere steder tæt, er nålene skubbet lidt "
                       "til side, og en streg viser, hvor de hører til."))
    svg = render_svg(index.boundary, towns, home=home, pins=[Pin(i.number, i.lat, i.lon, i.label) for i in items],
                     focus=focus_town, map_id=map_id, title=title, description=" ".join(parts),
                     # a place's page is about where the place lies: show its neighbours too
                     min_span_km=14.0 if focus_town is not None else 8.0,
                     scale_text=lambda km: _("%(km)s km", km=formatting.distance_number(km)))
    return MapView(map_id, title, Markup(svg), home.label if home else None, items,
                   focus_town.name if focus_town else None)
