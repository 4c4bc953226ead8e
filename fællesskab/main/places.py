"""Place pages: a town or village with its associations, events and forum."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from ..core.pagination import clamp_page, paginate
from ..directory import services as directory
from ..events import services as events
from ..geo.maps import build_map
from ..places import services

bp = Blueprint("places", __name__)


@bp.get("/steder")
def place_list():
    return render_template("places/list.html", places=services.list_places())


@bp.get("/steder/<slug>")
def place_detail(slug: str):
    place = services.get_place_by_slug(slug)
    page, per_page = clamp_page(request.args.get("page"), request.args.get("per_page"), 30)
    upcoming = events.upcoming(limit=10, place_id=place.id)
    # The place and its neighbours, with the listed events numbered as on the page.
    place_map = build_map(None, [{"title": e.title, "title_en": e.title_en, "lat": e.lat, "lon": e.lon,
                                  "url": url_for("events.event_detail", event_id=e.id)} for e in upcoming],
                          map_id="stedkort", focus=place)
    return render_template(
        "places/detail.html",
        place=place,
        associations=paginate(directory.published_query(place_id=place.id), page, per_page),
        events=upcoming,
        place_map=place_map,
    )
