"""Create, update, archive, verify and look up associations.

The one door for every writer: forms, the JSON API, the CSV importer and the
demo seed all call these functions, so validation (and, later, indexing)
happens once, and every change is kept as a revision (revisions.py) and in the
audit log. Services flush; the caller commits.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core import counts, fields
from ..core.cleaning import Cleaner
from ..core.errors import Forbidden, NotFound, ValidationError
from ..core.location import clean_location
from ..core.text import slugify
from ..core.time import utcnow
from ..core.vocab import CATEGORIES, TARGET_GROUPS
from ..extensions import db
from ..geo.gazetteer import PlaceIndex
from . import revisions
from .models import ASSOCIATION_STATUSES, Association

EDITABLE_FIELDS = (
    "name", "summary", "description", "name_en", "summary_en", "description_en", "category", "tags", "target_groups",
    "age_min", "age_max",
    "languages", "address", "postcode", "town", "lat", "lon", "place_id", "email", "phone",
    "website", "meeting_times", "price_dkk_per_year", "welcomes_newcomers",
)

# (field, max length, label) of the optional English text.
ENGLISH_FIELDS = (("name_en", 200, "Det engelske navn"), ("summary_en", 300, "Det engelske resumé"),
                  ("description_en", 20_000, "Den engelske beskrivelse"))


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
    # English text is optional; a CSV file without these columns leaves what the listing has.
    for key, limit, label in ENGLISH_FIELDS:
        if key in raw:
            out[key] = c.field(key, fields.text, max_length=limit, label=label)
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
    values: dict[str, Any], *, actor=None, slugs: set[str] | None = None, flush: bool = True,
    source: str = "coordinator",
) -> Association:
    """Create an association from cleaned values (see clean_association); kept as a "create" revision.

    :param slugs: slugs already taken, for bulk imports (saves a query per row).
    :param source: who is writing: "coordinator" (a form), "import" (CSV), "api", "system".
    """
    external_id = values.get("external_id") or f"F-{uuid.uuid4().hex[:12]}"
    assoc = Association(
        external_id=external_id,
        slug=_unique_slug(values["name"], slugs),
        status=values.get("status") or "published",
        last_verified_at=utcnow(),
        is_contact_trusted=False,
        reminders_sent=0,
        **{k: values.get(k) for k in EDITABLE_FIELDS},
    )
    db.session.add(assoc)
    changes = {k: [None, revisions.jsonable(values.get(k))] for k in EDITABLE_FIELDS
               if values.get(k) not in (None, "", [])}
    if flush:
        db.session.flush()
    revisions.record(assoc, "create", changes, actor=actor, source=source)
    return assoc


def apply_values(assoc: Association, values: dict[str, Any]) -> dict[str, list]:
    """Set the editable fields given in `values`; return field -> [old, new] of what changed.

    A new contact email is a new contact: the old contact's trust does not pass to it.
    """
    changes = revisions.diff(assoc, values, EDITABLE_FIELDS)
    for key in changes:
        setattr(assoc, key, values[key])
    if "email" in changes and assoc.is_contact_trusted:
        assoc.is_contact_trusted = False
        changes["is_contact_trusted"] = [True, False]
    return changes


def update_association(assoc: Association, values: dict[str, Any], *, actor=None, source: str = "coordinator",
                       email: str | None = None) -> bool:
    """Apply cleaned values; return True when anything changed (kept as an "update" revision).

    The slug stays as it was: people bookmark and share association pages.
    """
    changes = apply_values(assoc, values)
    if changes:
        mark_verified(assoc)
        revisions.record(assoc, "update", changes, actor=actor, source=source, email=email)
    return bool(changes)


def mark_verified(assoc: Association) -> None:
    """The listing is known to be right today: no reminders are due."""
    assoc.last_verified_at = utcnow()
    assoc.reminders_sent = 0
    assoc.reminded_at = None


def verify_association(assoc: Association, *, actor=None, source: str = "coordinator",
                       email: str | None = None) -> None:
    """Record that the listing was checked and is correct ("Alt er korrekt")."""
    before = assoc.last_verified_at
    mark_verified(assoc)
    revisions.record(assoc, "verify", {"last_verified_at": [before.isoformat() if before else None,
                                                            assoc.last_verified_at.isoformat()]},
                     actor=actor, source=source, email=email)
    db.session.flush()


def set_status(assoc: Association, status: str, *, actor=None, source: str = "coordinator") -> bool:
    """Publish, unpublish (draft), archive or un-archive an association; return True when it changed.

    An archived listing is hidden from the public and from matching (only published ones are
    indexed), and kept with its history.
    """
    if status not in ASSOCIATION_STATUSES:
        raise ValueError(status)
    if assoc.status == status:
        return False
    revisions.record(assoc, "status", {"status": [assoc.status, status]}, actor=actor, source=source)
    assoc.status = status
    db.session.flush()
    return True


def archive_association(assoc: Association, *, actor=None) -> bool:
    return set_status(assoc, "archived", actor=actor)


def set_contact_trust(assoc: Association, trusted: bool, *, actor) -> bool:
    """Trust (or stop trusting) the listing's contact: their corrections then publish at once."""
    if actor is None or not actor.has_role("coordinator"):
        raise Forbidden(_("Kun fællesskabskoordinatoren kan gøre dette."))
    trusted = bool(trusted)
    if assoc.is_contact_trusted == trusted:
        return False
    if trusted and not assoc.email:
        raise ValidationError(_("Foreningen har ingen kontakt-e-mail, så der er ingen kontakt at stole på."),
                              field="trusted")
    revisions.record(assoc, "trust", {"is_contact_trusted": [assoc.is_contact_trusted, trusted]}, actor=actor)
    assoc.is_contact_trusted = trusted
    db.session.flush()
    return True


def get_by_slug(slug: str, *, include_unpublished: bool = False) -> Association:
    """:raises NotFound: no (published) association has that slug."""
    assoc = db.session.scalar(sa.select(Association).where(Association.slug == slug)) if "\x00" not in slug else None
    if assoc is None or (not include_unpublished and not assoc.is_published):
        raise NotFound(_("Foreningen findes ikke."))
    return assoc


def merged_target(slug: str) -> Association | None:
    """The published listing a merged duplicate's slug now leads to (None when the slug is no merged duplicate)."""
    if "\x00" in slug:
        return None
    assoc = db.session.scalar(sa.select(Association).where(Association.slug == slug))
    for _hop in range(10):  # merges of merges: follow the chain, but never round in a circle
        if assoc is None or assoc.merged_into_id is None:
            break
        assoc = db.session.get(Association, assoc.merged_into_id)
        if assoc is not None and assoc.is_published:
            return assoc
    return None


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


# What the coordinator's list can show (`vis`), besides the listings in use (published and drafts).
ADMIN_VIEWS = ("unverified", "no-location", "no-contact", "archived")


def admin_query(*, q: str | None = None, category: str | None = None, place_id: int | None = None,
                view: str | None = None, now=None, stale_days: int = 365) -> sa.Select:
    """The coordinator's list: search by name and filter; archived listings only when asked for."""
    stmt = sa.select(Association)
    if view == "archived":
        stmt = stmt.where(Association.status == "archived")
    else:
        stmt = stmt.where(Association.status != "archived")
    if view == "unverified":
        cutoff = (now or utcnow()) - timedelta(days=stale_days)
        stmt = stmt.where(sa.or_(Association.last_verified_at.is_(None), Association.last_verified_at < cutoff))
    elif view == "no-location":  # no street address: the point is only a town's or postcode's centre
        stmt = stmt.where(sa.or_(Association.address.is_(None), Association.address == ""))
    elif view == "no-contact":
        stmt = stmt.where(*[sa.or_(col.is_(None), col == "")
                            for col in (Association.email, Association.phone, Association.website)])
    if q:
        words = q.split()[:8]
        for word in words:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(Association.name.ilike(f"%{escaped}%", escape="\\"))
    if category:
        stmt = stmt.where(Association.category == category)
    if place_id:
        stmt = stmt.where(Association.place_id == place_id)
    return stmt.order_by(Association.name, Association.id)


def unverified_ids(days: int, *, now=None) -> set[int]:
    """Published listings not verified within `days` (DIRECTORY_HIDE_UNVERIFIED_DAYS hides them from matching)."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    return set(db.session.scalars(sa.select(Association.id).where(
        Association.status == "published",
        sa.or_(Association.last_verified_at.is_(None), Association.last_verified_at < cutoff))))


def status_counts() -> dict[str, int]:
    """How many listings have each status (draft, published, archived, …)."""
    return dict(db.session.execute(
        sa.select(Association.status, sa.func.count()).group_by(Association.status)
    ).all())


def least_recently_verified(limit: int = 10) -> list[Association]:
    """The published listings verified longest ago (never verified first)."""
    return list(db.session.scalars(
        sa.select(Association).where(Association.status == "published")
        .order_by(Association.last_verified_at.asc().nulls_first(), Association.id).limit(limit)
    ))
