"""Turn models into the JSON shapes of CONTRACT.md."""
from __future__ import annotations

from flask import url_for

from ..directory.models import Association
from ..events.models import Event
from ..places.models import Place


def place_json(place: Place) -> dict:
    return {
        "id": place.id, "name": place.name, "slug": place.slug, "kind": place.kind,
        "postcode": place.postcode, "postal_district": place.postal_district,
        "lat": place.lat, "lon": place.lon, "population": place.population,
        "forums": [f.slug for f in place.forums],
        "url": url_for("places.place_detail", slug=place.slug),
    }


def association_json(a: Association) -> dict:
    return {
        "type": "association", "id": a.id, "external_id": a.external_id, "slug": a.slug,
        "name": a.name, "summary": a.summary, "description": a.description,
        "category": a.category, "tags": a.tags, "target_groups": a.target_groups,
        "age_min": a.age_min, "age_max": a.age_max, "languages": a.languages,
        "address": a.address, "postcode": a.postcode, "town": a.town, "lat": a.lat, "lon": a.lon,
        "place": a.place.name if a.place else None, "email": a.email, "phone": a.phone,
        "website": a.website, "meeting_times": a.meeting_times,
        "price_dkk_per_year": a.price_dkk_per_year, "welcomes_newcomers": a.welcomes_newcomers,
        "last_verified_at": a.last_verified_at.isoformat() if a.last_verified_at else None,
        "url": url_for("directory.association_detail", slug=a.slug),
        # English text, when the listing has it (null otherwise): see the OpenAPI document
        "name_en": a.name_en or None, "summary_en": a.summary_en or None, "description_en": a.description_en or None,
    }


def event_json(e: Event) -> dict:
    return {
        "type": "event", "id": e.id, "external_id": e.external_id, "title": e.title,
        "description": e.description, "kind": e.kind, "status": e.status,
        "starts_at": e.starts_at.isoformat(), "ends_at": e.ends_at.isoformat() if e.ends_at else None,
        "address": e.address, "postcode": e.postcode, "town": e.town, "lat": e.lat, "lon": e.lon,
        "place": e.place.name if e.place else None, "host": e.host_name,
        "association_id": e.association_id, "capacity": e.capacity,
        "registration_required": e.registration_required,
        "url": url_for("events.event_detail", event_id=e.id),
        "title_en": e.title_en or None, "description_en": e.description_en or None,
    }
