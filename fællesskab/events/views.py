"""Public event pages."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from ..core.pagination import clamp_page, paginate
from ..core.vocab import EVENT_KINDS
from ..places.services import list_places
from . import services

bp = Blueprint("events", __name__)


@bp.get("/arrangementer")
def event_list():
    page, per_page = clamp_page(request.args.get("page"), request.args.get("per_page"))
    kind = request.args.get("kind") if request.args.get("kind") in EVENT_KINDS else None
    places = list_places()
    place = next((p for p in places if p.slug == request.args.get("place")), None)
    result = paginate(services.upcoming_query(kind=kind, place_id=place.id if place else None), page, per_page)
    return render_template("events/list.html", result=result, kind=kind, kinds=EVENT_KINDS,
                           place=place, places=places)


@bp.get("/arrangementer/<int:event_id>")
def event_detail(event_id: int):
    event = services.get_public_event(event_id)
    return render_template("events/detail.html", event=event)
