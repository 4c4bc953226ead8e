"""Read endpoints of /api/v1 (CONTRACT.md)."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import jsonify, request
from flask_babel import gettext as _

from ..core.errors import ValidationError
from ..core.pagination import checked_page
from ..directory import services as directory
from ..events import services as events
from ..places import services as places
from . import bp
from .serializers import association_json, event_json, place_json


@bp.get("/places")
def place_list():
    return jsonify({"results": [place_json(p) for p in places.list_places()]})


@bp.get("/associations/<int:assoc_id>")
def association_detail(assoc_id: int):
    return jsonify(association_json(directory.get_by_id(assoc_id)))


def _date_arg(name: str) -> datetime | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(_("%(name)s skal være en dato (ÅÅÅÅ-MM-DD) eller ISO 8601-tid.", name=name),
                              field=name) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@bp.get("/events")
def event_list():
    page, per_page = checked_page(request.args.get("page"), request.args.get("per_page"))
    place_id = None
    if request.args.get("place"):
        place_id = places.get_place_by_slug(request.args["place"]).id
    # Each event once, at its first date in [from, to) (`next_starts_at`; `starts_at` stays the
    # event's own first start); `total` counts them all.
    result = events.list_upcoming(page, per_page, start=_date_arg("from"), end=_date_arg("to"),
                                  place_id=place_id, count_cap=None)
    return jsonify({"total": result.total, "page": result.page, "per_page": result.per_page,
                    "results": [{**event_json(o.event), "next_starts_at": o.starts_at.isoformat()}
                                for o in result.items]})
