"""Create, update, archive and look up associations.

The one door for every writer: forms, the JSON API, the CSV importer and the
demo seed all call these functions, so validation (and, later, indexing)
happens once. Services flush; the caller commits.
"""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from flask_babel import gettext as _
from ..core import counts, fields
from ..core.cleaning import Cleaner
from ..core.errors import NotFound
from ..core.location import clean_location
from ..core.text import slugify
from ..core.time import utcnow
from ..core.vocab import CATEGORIES, TARGET_GROUPS
from ..extensions import db
from ..geo.gazetteer import PlaceIndex
from .models import ASSOCIATION_STATUSES, Association

EDITABLE_FIELDS = (
    "name", "summary", "description", "category", "tags", "target_groups", "age_min", "age_max",
    "languages", "address", "postcode", "town", "lat", "lon", "place_id", "email", "phone",
    "website", "meeting_times", "price_dkk_per_year", "welcomes_newcomers",
)


def clean_association(raw: dict[str, Any], *, index: PlaceIndex | None = None) -> dict[str, Any]:
    """Validate raw input (CSV strings, form data or JSON) into model values.

    :raises ValidationError: with every (field, message) found.
    """
    index = index or PlaceIndex()
    c = Cleaner(raw)
    out: dict[str, Any] = {
        "external_id": c.field("external_id", fields.text, max_length=64, label="external_id"),
        "name": c.field("name", fields.text, max_length=200, required=True, label="Navnet"),
        "summary": c.field("summary", fields.text, max_length=300, label="Resuméet") or "",
        "description": c.field("description", fields.text, max_length=20_000, label="Beskrivelsen") or "",
        "tags": (c.field("tags", fields.str_list, lower=True) or [])[:30],
        "target_groups": c.field("target_groups", fields.slug_list, TARGET_GROUPS, label="målgruppe") or [],
        "age_min": c.field("age_min", fields.integer, minimum=0, maximum=120, label="age_min"),
        "age_max": c.field("age_max", fields.integer, minimum=0, maximum=120, label="age_max"),
        "languages": c.field("languages", fields.language_codes) or ["da"],
        "email": c.field("email", fields.email),
        "phone": c.field("phone", fields.phone),
        "website": c.field("website", fields.url),
        "meeting_times": c.field("meeting_times", fields.text, max_length=300, label="Mødetiderne"),
        "price_dkk_per_year": c.field("price_dkk_per_year", fields.integer, minimum=0, maximum=1_000_000,
                                      label="Prisen"),
        "welcomes_newcomers": c.field("welcomes_newcomers", fields.boolean, label="welcomes_newcomers"),
    }
    category = (c.field("category", fields.text, max_length=32, required=True, label="Kategorien") or "").lower()
    if category and category not in CATEGORIES:
        c.error("category", f"Ukendt kategori {category!r} (gyldige: {', '.join(CATEGORIES)}).")
    out["category"] = category
    if out["age_min"] is not None and out["age_max"] is not None and out["age_min"] > out["age_max"]:
        c.error("age_max", "age_max skal være mindst lige så stor som age_min.")
    if any(len(t) > 40 for t in out["tags"]):
        c.error("tags", "Et nøgleord må højst være 40 tegn.")
    out.update(clean_location(c, index))
    c.raise_if_errors()
    return out


def _unique_slug(name: str, taken: set[str] | None = None) -> str:
    base = slugify(name)
    slug, n = base, 2
    while (slug in taken) if taken is not None else db.session.scalar(
        sa.select(Association.id).where(Association.slug == slug)
    ):
        slug, n = f"{base}-{n}", n + 1
    if taken is not None:
        taken.add(slug)
    return slug


def create_association(
    values: dict[str, Any], *, actor=None, slugs: set[str] | None = None, flush: bool = True
) -> Association:
    """Create an association from cleaned values (see clean_association).

    :param slugs: slugs already taken, for bulk imports (saves a query per row).
    """
    external_id = values.get("external_id") or f"F-{uuid.uuid4().hex[:12]}"
    assoc = Association(
        external_id=external_id,
        slug=_unique_slug(values["name"], slugs),
        status=values.get("status") or "published",
        last_verified_at=utcnow(),
        **{k: values[k] for k in EDITABLE_FIELDS},
    )
    db.session.add(assoc)
    if flush:
        db.session.flush()
    return assoc


def update_association(assoc: Association, values: dict[str, Any], *, actor=None) -> bool:
    """Apply cleaned values; return True when anything changed.

    The slug stays as it was: people bookmark and share association pages.
    """
    changed = False
    for key in EDITABLE_FIELDS:
        if getattr(assoc, key) != values[key]:
            setattr(assoc, key, values[key])
            changed = True
    if changed:
        assoc.last_verified_at = utcnow()
    return changed


def set_status(assoc: Association, status: str, *, actor=None) -> None:
    """Publish, unpublish (draft) or archive an association."""
    if status not in ASSOCIATION_STATUSES:
        raise ValueError(status)
    assoc.status = status
    db.session.flush()


def archive_association(assoc: Association, *, actor=None) -> None:
    set_status(assoc, "archived", actor=actor)


def get_by_slug(slug: str, *, include_unpublished: bool = False) -> Association:
    """:raises NotFound: no (published) association has that slug."""
    assoc = db.session.scalar(sa.select(Association).where(Association.slug == slug))
    if assoc is None or (not include_unpublished and not assoc.is_published):
        raise NotFound(_("Foreningen findes ikke."))
    return assoc


def get_by_id(assoc_id: int, *, include_unpublished: bool = False) -> Association:
    assoc = db.session.get(Association, assoc_id)
    if assoc is None or (not include_unpublished and not assoc.is_published):
        raise NotFound(_("Foreningen findes ikke."))
    return assoc


def published_query(*, category: str | None = None, place_id: int | None = None) -> sa.Select:
    """Return a select of published associations, filtered and sorted by name."""
    stmt = sa.select(Association).where(Association.status == "published")
    if category:
        stmt = stmt.where(Association.category == category)
    if place_id:
        stmt = stmt.where(Association.place_id == place_id)
    return stmt.order_by(Association.name, Association.id)


def category_counts(*, place_id: int | None = None) -> dict[str, int]:
    """Published associations per category (in one place), kept a short while (core/counts.py)."""
    def compute() -> dict[str, int]:
        stmt = (
            sa.select(Association.category, sa.func.count())
            .where(Association.status == "published")
            .group_by(Association.category)
        )
        if place_id:
            stmt = stmt.where(Association.place_id == place_id)
        return dict(db.session.execute(stmt).all())

    return counts.cached("category_counts", place_id, compute, tables=("associations",))
