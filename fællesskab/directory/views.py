"""Public pages of the association directory."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from ..core.pagination import clamp_page, paginate
from ..core.vocab import CATEGORIES
from ..events import services as events
from ..places.services import list_places
from . import services

bp = Blueprint("directory", __name__)


@bp.get("/foreninger")
def association_list():
    page, per_page = clamp_page(request.args.get("page"), request.args.get("per_page"))
    category = request.args.get("category") or None
    if category not in CATEGORIES:
        category = None
    places = list_places()
    place = next((p for p in places if p.slug == request.args.get("place")), None)
    result = paginate(
        services.published_query(category=category, place_id=place.id if place else None), page, per_page
    )
    return render_template(
        "directory/list.html",
        result=result,
        category=category,
        place=place,
        places=places,
        categories=CATEGORIES,
        counts=services.category_counts(place_id=place.id if place else None),
    )


@bp.get("/foreninger/<slug>")
def association_detail(slug: str):
    assoc = services.get_by_slug(slug)
    return render_template(
        "directory/detail.html",
        assoc=assoc,
        events=events.upcoming(limit=5, association_id=assoc.id),
    )
