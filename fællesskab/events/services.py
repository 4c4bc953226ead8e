"""Create, update, cancel and list events.

Forms, the API, the CSV importer and the demo seed share these functions.
Services flush; the caller commits.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..core import fields
from ..core.cleaning import Cleaner
from ..core.errors import NotFound
from ..core.location import clean_location
from ..core.time import utcnow
from ..core.vocab import EVENT_KINDS
from ..directory.models import Association
from ..extensions import db
from ..geo.gazetteer import PlaceIndex
from .models import Event

EDITABLE_FIELDS = (
    "title", "description", "kind", "starts_at", "ends_at", "address", "postcode", "town",
    "lat", "lon", "place_id", "capacity", "registration_required", "association_id", "forum_id",
)


def clean_event(
    raw: dict[str, Any], *, index: PlaceIndex | None = None, associations: dict[str, int] | None = None
) -> dict[str, Any]:
    """Validate raw input into model values.

    :param associations: external_id -> id, for bulk imports (saves a query per row).
    :raises ValidationError: with every (field, message) found.
    """
    index = index or PlaceIndex()
    c = Cleaner(raw)
    out: dict[str, Any] = {
        "external_id": c.field("external_id", fields.text, max_length=64, label="external_id"),
        "title": c.field("title", fields.text, max_length=200, required=True, label="Titlen"),
        "description": c.field("description", fields.text, max_length=20_000, label="Beskrivelsen") or "",
        "starts_at": c.field("starts_at", fields.aware_datetime, label="starts_at"),
        "ends_at": c.field("ends_at", fields.aware_datetime, label="ends_at"),
        "capacity": c.field("capacity", fields.integer, minimum=1, maximum=100_000, label="Antal pladser"),
        "registration_required": bool(c.field("registration_required", fields.boolean,
                                              label="registration_required")),
        "association_id": raw.get("association_id"),
        "forum_id": raw.get("forum_id"),
    }
    kind = (c.field("kind", fields.text, max_length=32, required=True, label="Typen") or "").lower()
    if kind and kind not in EVENT_KINDS:
        c.error("kind", f"Ukendt type {kind!r} (gyldige: {', '.join(EVENT_KINDS)}).")
    out["kind"] = kind
    if out["starts_at"] is None and not any(f == "starts_at" for f, _m in c.errors):
        c.error("starts_at", "starts_at skal udfyldes.")
    if out["starts_at"] and out["ends_at"] and out["ends_at"] < out["starts_at"]:
        c.error("ends_at", "ends_at ligger før starts_at.")
    ext = (raw.get("association_external_id") or "").strip()
    if ext:
        if associations is None:
            assoc_id = db.session.scalar(sa.select(Association.id).where(Association.external_id == ext))
        else:
            assoc_id = associations.get(ext)
        if assoc_id is None:
            c.error("association_external_id", f"Ingen forening har external_id {ext!r}.")
        out["association_id"] = assoc_id
    out.update(clean_location(c, index))
    c.raise_if_errors()
    return out


def create_event(values: dict[str, Any], *, actor=None, status: str = "approved", flush: bool = True) -> Event:
    """Create an event from cleaned values (see clean_event)."""
    event = Event(
        external_id=values.get("external_id") or f"F-{uuid.uuid4().hex[:12]}",
        status=status,
        **{k: values.get(k) for k in EDITABLE_FIELDS},
    )
    db.session.add(event)
    if flush:
        db.session.flush()
    return event


def update_event(event: Event, values: dict[str, Any], *, actor=None) -> bool:
    """Apply cleaned values; return True when anything changed."""
    changed = False
    for key in EDITABLE_FIELDS:
        if key in ("association_id", "forum_id") and values.get(key) is None:
            continue  # an import without a host keeps the host it had
        if getattr(event, key) != values.get(key):
            setattr(event, key, values.get(key))
            changed = True
    return changed


def cancel_event(event: Event, *, actor=None) -> None:
    event.status = "cancelled"
    db.session.flush()


def get_public_event(event_id: int) -> Event:
    """:raises NotFound: no approved or cancelled event has that id."""
    event = db.session.get(Event, event_id)
    if event is None or event.status == "pending":
        raise NotFound("Arrangementet findes ikke.")
    return event


def upcoming_query(
    *, place_id: int | None = None, kind: str | None = None, start: datetime | None = None,
    end: datetime | None = None, forum_id: int | None = None, association_id: int | None = None,
) -> sa.Select:
    """Approved events from `start` (default: now), soonest first."""
    start = start or utcnow() - timedelta(hours=3)  # still show events that began a moment ago
    stmt = sa.select(Event).where(Event.status == "approved", Event.starts_at >= start)
    if end:
        stmt = stmt.where(Event.starts_at < end)
    if place_id:
        stmt = stmt.where(Event.place_id == place_id)
    if kind:
        stmt = stmt.where(Event.kind == kind)
    if forum_id:
        stmt = stmt.where(Event.forum_id == forum_id)
    if association_id:
        stmt = stmt.where(Event.association_id == association_id)
    return stmt.order_by(Event.starts_at, Event.id)


def upcoming(limit: int = 6, **filters) -> list[Event]:
    return list(db.session.scalars(upcoming_query(**filters).limit(limit)))
