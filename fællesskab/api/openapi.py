"""The OpenAPI 3 document of /api/v1, served at GET /api/v1/openapi.json.

Written by hand next to the views it describes (CONTRACT.md's JSON API).
`tests/reliability/test_openapi.py` checks that every /api/v1 route is in it,
and schemathesis fuzzes the API against it (no 5xx, answers match the schemas).
"""
from __future__ import annotations

from flask import jsonify

from ..core.pagination import MAX_PAGE, MAX_PER_PAGE
from ..core.vocab import CATEGORIES, TARGET_GROUPS
from ..geo.addresses import MAX_QUERY_LENGTH as MAX_ADDRESS_LENGTH
from ..geo.suggest import MAX_LIMIT as MAX_SUGGESTIONS
from ..search import MAX_QUERY_LENGTH, MAX_RADIUS_KM, SORTS, TYPES
from . import bp

JSON = "application/json"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
NSTR, NINT, NNUM, NBOOL = _nullable(STR), _nullable(INT), _nullable(NUM), _nullable(BOOL)
STR_LIST = {"type": "array", "items": STR}


def _obj(properties: dict, required: tuple[str, ...] = ()) -> dict:
    out = {"type": "object", "properties": properties}
    if required:
        out["required"] = list(required)
    return out


def _query(name: str, schema: dict, description: str, **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description, **extra}


def _list_query(name: str, values, description: str) -> dict:
    # Repeated (?category=a&category=b) or comma-separated values are both accepted.
    return _query(name, {"type": "array", "items": {"type": "string", "enum": list(values)}}, description,
                  style="form", explode=True)


def _english(description: str) -> dict:
    return {**NSTR, "description": description}


# Listings in English: each Danish text field may have an optional English twin named `<field>_en`
# (null when there is none; the Danish field is always there and unchanged). Added fields, no renames.
EN_NAME = _english("The name in English, or null when the listing has only the Danish `name`.")
EN_SUMMARY = _english("The summary in English, or null when only the Danish `summary` exists.")
EN_DESCRIPTION = _english("The description in English, or null when only the Danish `description` exists.")
EN_TITLE = _english("The title in English, or null when the event has only the Danish `title`.")

LOCATION = _obj({"lat": NUM, "lon": NUM, "precision": STR, "label": STR}, ("lat", "lon", "precision", "label"))

SCHEMAS = {
    "Error": _obj({"error": _obj({"code": STR, "message": STR, "field": NSTR}, ("code", "message"))}, ("error",)),
    "Location": LOCATION,
    "Place": _obj({
        "id": INT, "name": STR, "slug": STR, "kind": STR, "postcode": NSTR, "postal_district": NSTR,
        "lat": NNUM, "lon": NNUM, "population": NINT, "forums": STR_LIST, "url": STR,
    }, ("id", "name", "slug", "url")),
    "PlaceList": _obj({"results": {"type": "array", "items": _ref("Place")}}, ("results",)),
    "Association": _obj({
        "type": {"type": "string", "enum": ["association"]}, "id": INT, "external_id": NSTR, "slug": STR,
        "name": STR, "summary": NSTR, "description": NSTR, "category": NSTR, "tags": _nullable(STR_LIST),
        "target_groups": _nullable(STR_LIST), "age_min": NINT, "age_max": NINT, "languages": _nullable(STR_LIST),
        "address": NSTR, "postcode": NSTR, "town": NSTR, "lat": NNUM, "lon": NNUM, "place": NSTR,
        "email": NSTR, "phone": NSTR, "website": NSTR, "meeting_times": NSTR, "price_dkk_per_year": NNUM,
        "welcomes_newcomers": NBOOL, "last_verified_at": _nullable({"type": "string", "format": "date-time"}),
        "url": STR, "name_en": EN_NAME, "summary_en": EN_SUMMARY, "description_en": EN_DESCRIPTION,
    }, ("type", "id", "slug", "name", "url")),
    "Event": _obj({
        "type": {"type": "string", "enum": ["event"]}, "id": INT, "external_id": NSTR, "title": STR,
        "description": NSTR, "kind": STR, "status": STR, "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": _nullable({"type": "string", "format": "date-time"}), "address": NSTR, "postcode": NSTR,
        "town": NSTR, "lat": NNUM, "lon": NNUM, "place": NSTR, "host": NSTR, "association_id": NINT,
        "capacity": NINT, "registration_required": NBOOL, "url": STR,
        "title_en": EN_TITLE, "description_en": EN_DESCRIPTION,
        "next_starts_at": {"type": "string", "format": "date-time",
                           "description": "In event lists: the date (of a repeating event) that places it there."},
    }, ("type", "id", "title", "kind", "starts_at", "url")),
    "EventList": _obj({"total": INT, "page": INT, "per_page": INT,
                       "results": {"type": "array", "items": _ref("Event")}},
                      ("total", "page", "per_page", "results")),
    "SearchHit": _obj({
        "type": {"type": "string", "enum": list(TYPES)}, "id": INT, "external_id": NSTR, "name": STR,
        "summary": NSTR, "category": NSTR, "place": NSTR, "distance_km": NNUM, "score": NUM, "slug": STR,
        "kind": NSTR, "starts_at": NSTR, "url": STR,
        "name_en": _english("The name (an event's title) in English, or null."),
        "summary_en": _english("An association's summary in English, or null (an event's `summary` is its host)."),
    }, ("type", "id", "name", "score", "url")),
    "SearchResult": _obj({
        "total": INT, "page": INT, "per_page": INT, "location": LOCATION,
        "results": {"type": "array", "items": _ref("SearchHit")},
        "facets": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": INT}},
        "suggestion": NSTR,
    }, ("total", "page", "per_page", "results", "facets", "suggestion")),
    "MatchRequest": {
        **_obj({
            "address": {"type": "string", "maxLength": MAX_ADDRESS_LENGTH,
                        "description": "An address, place or postcode in Kolding Kommune."},
            "lat": NUM, "lon": NUM,
            "interests": {"type": "array", "items": STR, "description": "Free words and/or category slugs."},
            "children_ages": {"type": "array", "items": INT}, "adults": INT,
            "languages": {"type": "array", "items": STR, "description": "ISO 639-1 codes."},
            "max_km": NUM, "limit": INT,
        }),
        "description": "Only `address` (or `lat`+`lon`) is required.",
    },
    "MatchItem": _obj({
        "type": {"type": "string", "enum": list(TYPES)}, "id": INT, "external_id": NSTR, "name": STR,
        "score": NUM, "distance_km": NUM, "reasons": STR_LIST, "url": STR, "category": NSTR, "place": NSTR,
        "kind": NSTR, "starts_at": NSTR,
        "name_en": _english("The name (an event's title) in English, or null."),
        "summary_en": _english("An association's summary in English, or null; events have no summary."),
    }, ("type", "id", "name", "score", "distance_km", "reasons", "url")),
    "MatchResult": _obj({"location": LOCATION, "results": {"type": "array", "items": _ref("MatchItem")}},
                        ("location", "results")),
    "Geocode": _obj({
        "lat": NUM, "lon": NUM, "precision": {"type": "string", "enum": ["address", "street", "postcode", "locality"]},
        "label": STR, "postcode": NSTR, "source": STR, "ambiguous": BOOL, "alternatives": STR_LIST, "note": NSTR,
        "place": _nullable(_obj({"name": STR, "slug": STR, "url": STR})),
        "forum": _nullable(_obj({"slug": STR, "name": STR, "place": STR})),
    }, ("lat", "lon", "precision", "label", "postcode")),
    "Suggestions": _obj({"query": STR, "results": {"type": "array", "items": _obj({
        "kind": {"type": "string", "enum": ["place", "postcode", "street", "address"]}, "label": STR,
        "value": STR, "postcode": NSTR, "lat": NUM, "lon": NUM, "caret": NINT,
        "note": {**NSTR, "description": "Why this suggestion is less exact than what was typed."},
    }, ("kind", "label", "value", "lat", "lon"))},
        "notice": {**NSTR, "description": "A sentence for the person when what was typed cannot be suggested "
                                          "as typed (a street the postcode or town typed does not have)."}},
        ("query", "results")),
}


def _error(description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": _ref("Error")}}}


RESPONSES = {
    "BadRequest": _error("Invalid input; `error.field` names the parameter when there is one."),
    "NotFound": _error("Nothing found."),
    "MethodNotAllowed": _error("The path does not take this method."),
    "TooLarge": _error("The request body is larger than the server accepts."),
    "RateLimited": _error("Too many requests from this address; wait and try again."),
    "Unavailable": _error("The service (usually its database) is temporarily unavailable; try again soon."),
}


def _answers(ok_schema: str, description: str, *errors: str) -> dict:
    out = {"200": {"description": description, "content": {JSON: {"schema": _ref(ok_schema)}}}}
    codes = {"BadRequest": "400", "NotFound": "404", "MethodNotAllowed": "405", "TooLarge": "413",
             "RateLimited": "429", "Unavailable": "503"}
    for name in ("BadRequest", *errors, "RateLimited", "Unavailable"):
        out[codes[name]] = {"$ref": f"#/components/responses/{name}"}
    return out


def _page_params() -> list[dict]:
    return [
        _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
               f"Page number, 1–{MAX_PAGE} (default 1; anything else is a 400)."),
        _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
               f"Results per page, 1–{MAX_PER_PAGE} (default 20; anything else is a 400)."),
    ]


SEARCH_PARAMS = [
    _query("q", {"type": "string", "maxLength": MAX_QUERY_LENGTH},
           f"Free text, Danish or English; longer than {MAX_QUERY_LENGTH} characters is refused with 400."),
    _query("near", {"type": "string", "maxLength": MAX_QUERY_LENGTH}, "An address, place or postcode."),
    _query("lat", {"type": "number", "minimum": -90, "maximum": 90}, "Latitude (with lon)."),
    _query("lon", {"type": "number", "minimum": -180, "maximum": 180}, "Longitude (with lat)."),
    _query("radius_km", {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": MAX_RADIUS_KM},
           "Only results within this distance."),
    _list_query("category", CATEGORIES, "Category slugs."),
    _list_query("target_group", TARGET_GROUPS, "Target group slugs."),
    _query("language", {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z]{2}$"}},
           "ISO 639-1 language codes.", style="form", explode=True),
    _query("place", {"type": "array", "items": STR}, "Place slugs.", style="form", explode=True),
    _query("type", {"type": "string", "enum": list(TYPES)}, "Only associations or only events."),
    _query("age", {"type": "integer", "minimum": 0, "maximum": 120}, "A person's age."),
    _query("newcomers", {"type": "string", "enum": ["1", "0"]}, "Only associations that welcome newcomers."),
    _query("upcoming", {"type": "string", "enum": ["1", "0"]}, "Hide past events (default 1)."),
    _query("sort", {"type": "string", "enum": list(SORTS)},
           "Order of the results. Default with a place (`near`, `lat`/`lon`): `near`, nearest first among the "
           "good matches (relevance at least 0.3 of the best), then the weaker ones; without a place: "
           "`relevance`. `distance`: nearest first, however weak the match; `blend`: relevance and "
           "closeness mixed."),
    *_page_params(),
]

GEO_Q = _query("q", {"type": "string", "minLength": 1, "maxLength": MAX_ADDRESS_LENGTH},
               "An address, place or postcode in Kolding Kommune.")


def _geo_body(extra: dict | None = None) -> dict:
    schema = _obj({"q": {"type": "string", "maxLength": MAX_ADDRESS_LENGTH}, **(extra or {})})
    return {"required": False, "content": {
        JSON: {"schema": schema}, "application/x-www-form-urlencoded": {"schema": schema}}}


PATHS = {
    "/api/v1/search": {"get": {
        "operationId": "search", "summary": "Search associations and events",
        "parameters": SEARCH_PARAMS, "responses": _answers("SearchResult", "One page of results, with facets."),
    }},
    "/api/v1/match": {"post": {
        "operationId": "match", "summary": "Rank associations and upcoming events for a household",
        "requestBody": {"required": True, "content": {JSON: {"schema": _ref("MatchRequest")}}},
        "responses": _answers("MatchResult", "Best first; `reasons` in the request's language.",
                              "NotFound", "TooLarge"),
    }},
    "/api/v1/geocode": {
        "get": {"operationId": "geocode", "summary": "Resolve an address to a point",
                "parameters": [GEO_Q], "responses": _answers("Geocode", "The point.", "NotFound")},
        "post": {"operationId": "geocodePost", "summary": "Resolve an address to a point (kept out of URLs)",
                 "requestBody": _geo_body(),
                 "responses": _answers("Geocode", "The point.", "NotFound", "TooLarge")},
    },
    "/api/v1/geocode/autocomplete": {
        "get": {"operationId": "autocomplete", "summary": "Suggestions for an address field",
                "parameters": [_query("q", {"type": "string", "maxLength": MAX_ADDRESS_LENGTH}, "What was typed."),
                               _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS},
                                      "How many suggestions (default 8).")],
                "responses": _answers("Suggestions", "Suggestions, best first.")},
        "post": {"operationId": "autocompletePost", "summary": "Suggestions for an address field (POST)",
                 "requestBody": _geo_body({"limit": {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS}}),
                 "responses": _answers("Suggestions", "Suggestions, best first.", "TooLarge")},
    },
    "/api/v1/associations/{assoc_id}": {"get": {
        "operationId": "association", "summary": "One published association",
        "parameters": [{"name": "assoc_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": _answers("Association", "The association.", "NotFound"),
    }},
    "/api/v1/events": {"get": {
        "operationId": "events", "summary": "Upcoming approved events",
        "parameters": [
            _query("from", {"type": "string", "format": "date-time"}, "From this date or time (ISO 8601)."),
            _query("to", {"type": "string", "format": "date-time"}, "Until this date or time (ISO 8601)."),
            _query("place", STR, "A place slug."),
            *_page_params(),
        ],
        "responses": _answers("EventList", "One page of events, soonest first.", "NotFound"),
    }},
    "/api/v1/places": {"get": {
        "operationId": "places", "summary": "Towns and villages of Kolding Kommune",
        "responses": _answers("PlaceList", "Every place."),
    }},
    "/api/v1/openapi.json": {"get": {
        "operationId": "openapi", "summary": "This document",
        "responses": {"200": {"description": "OpenAPI 3.0 document.",
                              "content": {JSON: {"schema": {"type": "object"}}}},
                      "429": {"$ref": "#/components/responses/RateLimited"}},
    }},
}


def build_spec() -> dict:
    """Return the OpenAPI document as a dict."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Fællesskab Kolding API", "version": "1",
            "description": "Find communities and welcome events in Kolding Kommune. UTF-8 JSON; errors are "
                           '`{"error": {"code", "message"}}` with a 4xx status (5xx only when the service itself '
                           "is down: 503). Every endpoint is rate-limited per client address (429). Messages "
                           "follow `Accept-Language` (Danish by default, English). Listings are written "
                           "in Danish; an association's optional English text is in `name_en`, `summary_en` "
                           "and `description_en`, an event's in `title_en` and `description_en` (null when "
                           "there is none; the Danish fields are always given).",
        },
        "servers": [{"url": "/"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS, "responses": RESPONSES},
    }


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3 description of this API."""
    return jsonify(build_spec())
