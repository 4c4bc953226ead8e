"""Query places and postcodes, and keep forums.

The places own the names and points of towns, villages and postcodes; `geo` builds
its gazetteer on them and loads the reference data (`geo.reference`).
"""
from __future__ import annotations

import sqlalchemy as sa

from ..core.errors import NotFound, ValidationError
from ..core.text import slugify
from ..extensions import db
from .models import Forum, Place

# Counted by Statistics Denmark as part of the Kolding urban area (seed/places/SOURCES.md).
KOLDING_SUBURBS = {"Bramdrupdam", "Seest", "Vonsild", "Strandhuse", "Tved", "Dalby"}
TOWN_POPULATION = 2000


def apply_values(obj, values: dict) -> bool:
    """Set the attributes that differ; return True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def place_kind(name: str, population: int | None) -> str:
    if name in KOLDING_SUBURBS:
        return "suburb"
    if population is not None and population >= TOWN_POPULATION:
        return "town"
    return "village"


def get_place_by_slug(slug: str) -> Place:
    """:raises NotFound: no place has that slug."""
    place = db.session.scalar(sa.select(Place).where(Place.slug == slug))
    if place is None:
        raise NotFound("Stedet findes ikke.")
    return place


def list_places() -> list[Place]:
    return list(db.session.scalars(sa.select(Place).order_by(Place.name)))


def upsert_forum(data: dict, *, actor=None) -> tuple[Forum, bool]:
    """Create or update a forum by slug; `data['places']` holds place names.

    :raises ValidationError: an unknown place name or a missing name.
    """
    slug = (data.get("slug") or slugify(data.get("name", ""))).strip()
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError("Navn mangler.", field="name")
    wanted = [p.strip() for p in data.get("places", []) if p.strip()]
    found = {p.name: p for p in db.session.scalars(sa.select(Place).where(Place.name.in_(wanted)))}
    missing = [p for p in wanted if p not in found]
    if missing:
        raise ValidationError(f"Ukendt sted: {', '.join(missing)}", field="places")
    forum = db.session.scalar(sa.select(Forum).where(Forum.slug == slug))
    created = forum is None
    if created:
        forum = Forum(slug=slug, name=name)
        db.session.add(forum)
    values = {
        "name": name,
        "description": (data.get("description") or "").strip(),
        "email": data.get("email") or None,
        "phone": data.get("phone") or None,
        "website": data.get("website") or None,
        "is_trusted": bool(data.get("is_trusted", False)),
    }
    changed = apply_values(forum, values)
    places = [found[n] for n in wanted]
    if sorted(p.name for p in forum.places) != sorted(p.name for p in places):
        forum.places = places
        changed = True
    db.session.flush()
    return forum, created or changed
