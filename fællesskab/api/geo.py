"""Geo endpoints of /api/v1: geocode an address, and suggestions for the address field.

Both accept GET (`?q=`) as CONTRACT.md says, and also POST (JSON `{"q": …}` or a
form field `q`): the address field's script posts, so that what a person types
never lands in an access log as part of a URL.
"""
from __future__ import annotations

import logging

from flask import jsonify, request, url_for
from flask_babel import gettext as _

from ..core.errors import NotFound, ValidationError
from ..core.params import json_body
from ..extensions import db
from ..geo.addresses import MAX_QUERY_LENGTH, looks_like_address
from ..geo.areas import forum_for_point
from ..geo.geocoder import Gazetteer, get_geocoder
from ..geo.index import get_index
from ..geo.notes import note_text
from ..geo.suggest import MAX_LIMIT, suggest_with_notice
from . import bp

log = logging.getLogger(__name__)


def _param(name: str):
    """A parameter from the query string (GET) or the JSON or form body (POST)."""
    if request.method != "POST":
        return request.args.get(name)
    body = json_body()
    return body.get(name) if isinstance(body, dict) else request.form.get(name)


def _query_param(name: str = "q") -> str | None:
    value = _param(name)
    if value is not None and not isinstance(value, str):
        raise ValidationError(_("q skal være tekst."), field=name)
    return value


def _note(raw: dict) -> str | None:
    return note_text(raw.get("note"), label=raw.get("label", ""), street=raw.get("street"), area=raw.get("area"),
                     ambiguous=bool(raw.get("ambiguous")))


@bp.route("/geocode", methods=["GET", "POST"])
def geocode():
    """Resolve an address, place or postcode in Kolding Kommune to a point."""
    q = (_query_param() or "").strip()
    if not q:
        raise ValidationError(_("Skriv en adresse, et stednavn eller et postnummer i q."), field="q")
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationError(_("Adressen er for lang (højst %(n)d tegn).", n=MAX_QUERY_LENGTH), field="q")
    if not looks_like_address(q):
        raise ValidationError(_("Det ligner ikke en adresse. Skriv fx »Skolegade 3, 6000 Kolding«."), field="q")
    query = " ".join(q.split())
    try:
        location = get_geocoder().geocode(query)
    except Exception:  # never a 5xx for a geocode: the offline gazetteer answers
        log.exception("geocoder failed; answering from the gazetteer")
        db.session.rollback()
        location = Gazetteer().geocode(query)
    if location is None:
        raise NotFound(_("Adressen blev ikke fundet i Kolding Kommune."))
    raw = location.raw
    body = {
        "lat": round(location.latitude, 6), "lon": round(location.longitude, 6),
        "precision": raw["precision"], "label": raw["label"], "postcode": raw.get("postcode"),
        "source": raw.get("source", "gazetteer"), "ambiguous": bool(raw.get("ambiguous")),
        "alternatives": list(raw.get("alternatives") or []), "note": _note(raw),
        "place": None, "forum": None,
    }
    place = get_index().place_by_id.get(raw.get("place_id"))
    if place is not None:
        body["place"] = {"name": place.name, "slug": place.slug,
                         "url": url_for("places.place_detail", slug=place.slug)}
    route = forum_for_point(location.latitude, location.longitude)
    if route is not None:
        body["forum"] = {"slug": route.forum.slug, "name": route.forum.name, "place": route.place.name}
    db.session.commit()  # a cache entry that joined this transaction (SQLite) is kept
    return jsonify(body)


@bp.route("/geocode/autocomplete", methods=["GET", "POST"])
def geocode_autocomplete():
    """Suggest places, postcodes, streets and house numbers for what has been typed."""
    q = _query_param() or ""
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationError(_("Teksten er for lang (højst %(n)d tegn).", n=MAX_QUERY_LENGTH), field="q")
    raw_limit = _param("limit")
    try:
        if isinstance(raw_limit, (bool, float)):
            raise TypeError
        limit = int(raw_limit) if raw_limit not in (None, "") else 8
    except (TypeError, ValueError):
        raise ValidationError(_("limit skal være et helt tal."), field="limit") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(_("limit skal være mellem 1 og %(n)d.", n=MAX_LIMIT), field="limit")
    results, notice = suggest_with_notice(q, limit)
    # `notice`: a sentence when what was typed cannot be suggested as typed (CONTRACT.md: extended, not renamed).
    response = jsonify({"query": q, "results": [s.as_json() for s in results], "notice": notice})
    response.headers["Cache-Control"] = "no-store"  # what people type stays out of shared caches
    return response
