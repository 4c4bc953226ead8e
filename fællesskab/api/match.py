"""POST /api/v1/match (CONTRACT.md): a household and an address → ranked associations and events."""
from __future__ import annotations

from flask import jsonify
from flask_babel import get_locale

from ..core.errors import ValidationError
from ..core.params import json_body
from ..matching import reasons
from ..matching.services import MatchItem, MatchRequest, MatchResult, match
from . import bp

FIELDS = ("address", "lat", "lon", "interests", "children_ages", "adults", "languages", "max_km", "limit")


def item_json(item: MatchItem) -> dict:
    out = {
        "type": item.type, "id": item.id, "external_id": item.external_id, "name": item.name,
        "score": item.score, "distance_km": item.distance_km, "reasons": item.reasons,
        "url": item.url, "category": item.category, "place": item.place, "name_en": item.name_en or None,
    }
    if item.type == "event":
        out["kind"] = item.kind
        out["starts_at"] = item.starts_at.isoformat() if item.starts_at else None
    else:
        out["summary_en"] = item.summary_en or None
    return out


def result_json(result: MatchResult) -> dict:
    loc = result.location
    return {
        "location": {"lat": round(loc.lat, 5), "lon": round(loc.lon, 5), "precision": loc.precision,
                     "label": loc.label},
        "results": [item_json(i) for i in result.results],
        # nearby listings that match nothing the household named, kept apart (additive, CONTRACT.md)
        "others": [item_json(i) for i in result.others],
    }


@bp.post("/match")
def match_endpoint():
    """Rank associations and upcoming events for a household (nothing is stored)."""
    locale = reasons.norm_locale(get_locale())
    body = json_body(force=True)
    if not isinstance(body, dict):
        raise ValidationError(reasons.translate(reasons.MSG_BODY, locale), field="body")
    values = {name: body[name] for name in FIELDS if name in body and body[name] is not None}
    # A missing list stays empty; explicit nulls mean "not given".
    req = MatchRequest(**values)
    response = jsonify(result_json(match(req, locale=locale)))
    response.headers["Cache-Control"] = "no-store"  # a household's answer stays out of shared caches
    return response
