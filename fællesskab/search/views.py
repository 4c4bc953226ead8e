"""The search page `/soeg`: a plain GET form, so every search is a shareable URL."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for

from ..accounts.security import SEARCH_PAGE_LIMIT
from ..core import formatting
from ..core.errors import ValidationError
from ..core.pagination import Page
from ..core.vocab import CATEGORIES, EVENT_KINDS, TARGET_GROUPS
from ..directory.models import Association
from ..events.models import Event
from ..extensions import db, limiter
from ..geo.maps import build_map
from ..places.services import list_places
from . import search
from .highlight import highlight, snippet
from .hooks import after_search
from .params import SearchParams, parse_params

bp = Blueprint("search", __name__)
limiter.limit(SEARCH_PAGE_LIMIT)(bp)  # per client address

RADII = (1, 2, 5, 10, 25)


@bp.get("/soeg")
def search_page():
    """Search associations and events; errors in the form are shown on the page."""
    error, field = None, None
    try:
        params = parse_params(request.args)
    except ValidationError as exc:
        error, field = exc.message, exc.field
        params = SearchParams(q=" ".join((request.args.get("q") or "").split())[:200])
        return _render(params, None, error, field), 400
    try:
        result = search(params)
    except ValidationError as exc:  # e.g. a place we cannot find
        return _render(params, None, exc.message, exc.field), 400
    after_search(params, result)  # e.g. surveys logs what newcomers look for that the directory lacks
    return _render(params, result, None, None)


def _render(params: SearchParams, result, error: str | None, field: str | None):
    places = {p.slug: p.name for p in list_places()}
    page = None
    result_map = None
    if result is not None:
        page = Page(items=result.hits, page=params.page, per_page=params.per_page, total=result.total)
        if result.location is not None:
            result_map = build_map(result.location, _map_items(result.hits), map_id="soegekort", marker="place")
    return render_template(
        "search/index.html",
        params=params, result=result, page=page, error=error, error_field=field,
        categories=CATEGORIES, target_groups=TARGET_GROUPS, event_kinds=EVENT_KINDS,
        place_names=places, radii=RADII,
        search_url=lambda **changes: search_url(params, **changes),
        mark=lambda text: highlight(text, result.terms if result else set()),
        excerpt=lambda text: snippet(text, result.terms if result else set()),
        parse_iso=datetime.fromisoformat, format_km=format_km, age_label=age_label, result_map=result_map,
    )


def _map_items(hits) -> list[dict]:
    """The page's results with their coordinates (the index keeps none for display), in page order."""
    wanted = {"association": [h.data["id"] for h in hits if h.data["type"] == "association"],
              "event": [h.data["id"] for h in hits if h.data["type"] == "event"]}
    points = {}
    for kind, model in (("association", Association), ("event", Event)):
        if wanted[kind]:
            rows = db.session.execute(sa.select(model.id, model.lat, model.lon).where(model.id.in_(wanted[kind])))
            points.update({(kind, i): (lat, lon) for i, lat, lon in rows})
    items = []
    for hit in hits:
        lat, lon = points.get((hit.data["type"], hit.data["id"]), (None, None))
        url = (url_for("directory.association_detail", slug=hit.data["slug"]) if hit.data["type"] == "association"
               else url_for("events.event_detail", event_id=hit.data["id"]))
        items.append({"name": hit.data["name"], "name_en": hit.data.get("name_en"), "lat": lat, "lon": lon,
                      "distance_km": hit.distance_km,
                      "url": url})
    return items


def format_km(km: float) -> str:
    """'0,4', '3,2', '12' — in the UI language's number format."""
    return formatting.distance_number(km)


def age_label(data: dict) -> str:
    low, high = data.get("age_min"), data.get("age_max")
    if high is None:
        return f"{low}+"
    return f"{low if low is not None else 0}–{high}"


def search_url(params: SearchParams, **changes) -> str:
    """The URL of this search with some parameters changed (page resets unless given)."""
    if "page" not in changes:
        changes["page"] = 1
    new = params.with_changes(**changes)
    args = new.to_args()
    return url_for("search.search_page") + ("?" + urlencode(args) if args else "")

