"""What both search engines share that is not analysis: the ranking blend's constants,
place names for the "drop the place" relaxation, and where a search is centred.

Imported by the Whoosh engine (services.py) and the PostgreSQL engine
(pg/backend.py), so neither engine imports the other.
"""
from __future__ import annotations

import threading

from cachetools import TTLCache, cached
from flask import current_app
from flask_babel import gettext as _

from ..core.errors import ValidationError
from ..geo.lookup import locate_text
from .params import SearchParams
from .port import Location

BLEND_RELEVANCE, BLEND_PROXIMITY, PROXIMITY_HALF_KM = 0.6, 0.4, 5.0
# "Matches the words well enough" for the `near` order: in the demo data the clubs and choirs a word is
# about score 0.36–0.55 of the best, listings that mention it in passing or through a synonym 0.07–0.24.
GOOD_MATCH = 0.3
PAST_GRACE_SECONDS = 3 * 3600  # an event that began a moment ago still shows
LOCATE_CACHE_SECONDS = 600.0
FACET_LIMIT = {"place": 60}

# Matching's candidates (both engines): how much a matching word counts by where it was found,
# from its posting weight (name 5, tags 3, summary and place 2, description and category words 1
# per mention; the PostgreSQL engine sums its tsvector labels to the same weights).
FULL_WEIGHT, FULL_SOURCE = 3.0, 1.0
MEDIUM_WEIGHT, MEDIUM_SOURCE = 2.0, 0.85
WEAK_SOURCE = 0.7
MULTI_TERM_SOURCE = 0.9  # every term of a multi-term alternative is there
SENIOR_WORDS = "senior seniorer seniors ældre pensionist pensionister retired"


def source_strength(weight: float) -> float:
    """How much one matching term counts by its posting weight (before the alternative's boost)."""
    return FULL_SOURCE if weight >= FULL_WEIGHT else (MEDIUM_SOURCE if weight >= MEDIUM_WEIGHT else WEAK_SOURCE)

# By database (tests run several apps in one process); each entry is fresh for LOCATE_CACHE_SECONDS.
_place_terms: TTLCache = TTLCache(maxsize=16, ttl=LOCATE_CACHE_SECONDS)
_locate_cache: TTLCache = TTLCache(maxsize=500, ttl=LOCATE_CACHE_SECONDS)
_cache_lock = threading.Lock()


def _database_key() -> str:
    return str(current_app.config.get("SQLALCHEMY_DATABASE_URI"))


@cached(_place_terms, key=lambda: _database_key(), lock=_cache_lock)
def place_terms() -> set[str]:
    """Index terms of every place, postal district and postcode (cached for a while)."""
    import sqlalchemy as sa

    from ..extensions import db
    from ..places.models import Place, Postcode
    from .analysis import text_terms

    names = list(db.session.scalars(sa.select(Place.name))) + list(db.session.scalars(sa.select(Postcode.name)))
    return set(text_terms(" ".join(names)))


# --- location ----------------------------------------------------------------------


@cached(_locate_cache, key=lambda near: (_database_key(), near.lower()), lock=_cache_lock)
def _locate(near: str):
    """Geocode a place typed in `near` (a miss, None, is kept too)."""
    return locate_text(near)


def resolve_location(params: SearchParams) -> Location | None:
    """Geocode `near` (cached for a while) or take lat/lon as given."""
    if params.near:
        located = _locate(params.near)
        if located is None:
            raise ValidationError(
                _("Vi kunne ikke finde stedet »%(place)s«. Skriv et bynavn eller et postnummer i Kolding Kommune.",
                  place=params.near),
                field="near")
        return Location(located.lat, located.lon, located.precision, located.label)
    if params.lat is not None:
        return Location(params.lat, params.lon, "coordinates", f"{params.lat:.3f}, {params.lon:.3f}")
    return None
