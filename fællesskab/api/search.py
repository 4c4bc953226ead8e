"""GET /api/v1/search (CONTRACT.md)."""
from __future__ import annotations

from flask import jsonify, request, url_for

from ..core.pagination import checked_page
from ..search import Hit, SearchResult, after_search, parse_params, search
from . import bp


def hit_json(hit: Hit, with_distance: bool) -> dict:
    data = hit.data
    out = {
        "type": data["type"], "id": data["id"], "external_id": data["external_id"], "name": data["name"],
        "summary": data["summary"], "category": data["category"], "place": data["place"],
        # English text (null when none, or when the index predates it until `flask search reindex`)
        "name_en": data.get("name_en"), "summary_en": data.get("summary_en"),
    }
    if with_distance:
        out["distance_km"] = hit.distance_km
    out["score"] = hit.score
    if data["type"] == "association":
        out["slug"] = data["slug"]
        out["url"] = url_for("directory.association_detail", slug=data["slug"])
    else:
        out["kind"] = data["kind"]
        out["starts_at"] = data["starts_at"]
        out["url"] = url_for("events.event_detail", event_id=data["id"])
    return out


def result_json(result: SearchResult) -> dict:
    body = {"total": result.total, "page": result.params.page, "per_page": result.params.per_page}
    if result.location is not None:
        body["location"] = result.location.to_json()
    body["results"] = [hit_json(h, result.location is not None) for h in result.hits]
    body["facets"] = result.facets
    body["suggestion"] = result.suggestion
    return body


@bp.get("/search")
def search_endpoint():
    """Full-text search over associations and events, with filters, facets and distance."""
    checked_page(request.args.get("page"), request.args.get("per_page"))  # a 400 beyond the caps
    params = parse_params(request.args)
    result = search(params)
    after_search(params, result)  # e.g. the zero-result search log (surveys/search_log.py)
    return jsonify(result_json(result))
