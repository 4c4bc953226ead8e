"""A village forum's own events: create, edit, cancel, duplicate — with moderation.

* A trusted forum publishes directly; an untrusted forum's new event is
  `pending` until the coordinator approves it.
* An untrusted forum's edit of an *approved* event becomes a pending
  `EventRevision`; the approved version stays public until it is approved.
* Edits of a pending or rejected event change it in place (a rejected one is
  submitted again).
* A forum manages only its own events, at its own places.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core.cleaning import Cleaner
from ..core.errors import Forbidden, InvalidTransition, NotFound, ValidationError
from ..core.time import COPENHAGEN, to_local, utcnow
from ..extensions import db
from ..geo.gazetteer import PlaceIndex, haversine_km
from ..places.models import Forum, Place
from . import registrations, services
from .locking import lock
from .models import Event, EventRevision

# Form field names the generic cleaner's fields are shown at.
FIELD_FOR = {"starts_at": "start_time", "ends_at": "end_time", "lat": "address", "lon": "address",
             "postcode": "place", "town": "place", "title": "title", "kind": "kind",
             "description": "description", "title_en": "title_en", "description_en": "description_en",
             "capacity": "capacity", "recurrence": "recurrence",
             "repeat_until": "repeat_until", "address": "address"}
NEAR_PLACE_KM = 8  # an address further from the chosen place is taken to be a mistake


def forum_of(actor) -> Forum:
    """:raises Forbidden: the actor is not a forum account."""
    if actor is None or getattr(actor, "role", None) != "forum" or actor.forum is None:
        raise Forbidden(_("Kun et lokalråds konto kan gøre dette."))
    return actor.forum


def get_own_event(event_id: int, *, actor) -> Event:
    """:raises NotFound: no such event. :raises Forbidden: it is another forum's event."""
    forum = forum_of(actor)
    event = db.session.get(Event, event_id) if services.valid_id(event_id) else None
    if event is None:
        raise NotFound(_("Arrangementet findes ikke."))
    if event.forum_id != forum.id:
        raise Forbidden(_("Arrangementet hører til et andet lokalråd."))
    return event


def _parse(value: Any, parse) -> tuple[Any, bool]:
    """(parsed value or None, whether the input was readable)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, str):
        try:
            return parse(value.strip()), True
        except ValueError:
            return None, False
    return value, True


def _at(day: date | None, clock: time | None) -> datetime | None:
    if day is None or clock is None:
        return None
    return datetime.combine(day, clock.replace(tzinfo=None, second=0, microsecond=0), tzinfo=COPENHAGEN)


def clean_forum_event(raw: dict[str, Any], *, forum: Forum, now: datetime | None = None) -> dict[str, Any]:
    """Validate a forum's form into event values (see services.clean_event).

    `raw`: title, kind, description, title_en, description_en, place (slug), address, date, start_time,
    end_time, capacity, registration_required, recurrence, repeat_until.

    :raises ValidationError: with every (form field, message).
    """
    now = now or utcnow()
    c = Cleaner(raw)
    places = {p.slug: p for p in forum.places}
    place: Place | None = places.get((raw.get("place") or "").strip())
    if place is None:
        c.error("place", _("Vælg et af lokalrådets steder."))
    day, day_ok = _parse(raw.get("date"), date.fromisoformat)
    if day is not None and not now.year - 1 <= day.year <= now.year + 5:
        day, day_ok = None, False
    start_clock, start_ok = _parse(raw.get("start_time"), time.fromisoformat)
    end_clock, end_ok = _parse(raw.get("end_time"), time.fromisoformat)
    starts_at, ends_at = _at(day, start_clock), _at(day, end_clock)
    if not day_ok:
        c.error("date", _("Datoen kan ikke læses, eller den ligger mere end fem år ude i fremtiden. "
                          "Skriv den som ÅÅÅÅ-MM-DD."))
    elif day is None:
        c.error("date", _("Vælg en dato."))
    if not start_ok:
        c.error("start_time", _("Starttidspunktet kan ikke læses. Skriv det som TT:MM."))
    elif start_clock is None:
        c.error("start_time", _("Angiv et starttidspunkt."))
    if not end_ok:
        c.error("end_time", _("Sluttidspunktet kan ikke læses. Skriv det som TT:MM."))
    if starts_at is not None and starts_at <= now:
        c.error("date", _("Starttidspunktet ligger i fortiden. Vælg en dato og et tidspunkt frem i tiden."))
    if starts_at is not None and ends_at is not None and ends_at < starts_at:
        c.error("end_time", _("Sluttidspunktet ligger før starttidspunktet."))
        ends_at = None
    generic = {
        "title": raw.get("title"), "kind": raw.get("kind"), "description": raw.get("description"),
        "title_en": raw.get("title_en"), "description_en": raw.get("description_en"),
        "starts_at": starts_at, "ends_at": ends_at, "capacity": raw.get("capacity"),
        "registration_required": bool(raw.get("registration_required")),
        "recurrence": raw.get("recurrence") or None, "repeat_until": raw.get("repeat_until") or None,
        "address": raw.get("address"),
    }
    lat = lon = None
    if place is not None:
        lat, lon = place.lat, place.lon
        address = (raw.get("address") or "").strip()
        if address:
            located = PlaceIndex().locate(address, place.postcode, place.name)
            if located is not None and haversine_km(located.lat, located.lon, place.lat, place.lon) <= NEAR_PLACE_KM:
                lat, lon = located.lat, located.lon
        generic.update(postcode=place.postcode, town=place.name, lat=f"{lat:.6f}", lon=f"{lon:.6f}")
    else:
        generic.update(lat="55.5", lon="9.47")  # placeholder: the place error is already reported
    values = None
    try:
        values = services.clean_event(generic)
    except ValidationError as exc:
        for field_name, message in exc.errors:
            if field_name == "starts_at" and starts_at is None:
                continue  # already said above, in the form's words
            c.error(FIELD_FOR.get(field_name, field_name), message)
    c.raise_if_errors()
    values.update(place_id=place.id, forum_id=forum.id, association_id=None, external_id=None)
    if not values.get("address"):
        values["address"] = None
    return values


def create_forum_event(values: dict[str, Any], *, actor, submission_key: str | None = None) -> tuple[Event, bool]:
    """Create the forum's event: approved for a trusted forum, else pending.

    A second submit of the same form (same `submission_key`) by the same
    account returns the event the first one made, with created=False. The key
    is the account's own: another account's key never finds this event.
    """
    forum = forum_of(actor)
    if values.get("forum_id") != forum.id:
        raise Forbidden(_("Arrangementet hører til et andet lokalråd."))
    if submission_key:
        lock(Forum, forum.id)  # two submits of one form run one after the other
        existing = db.session.scalar(sa.select(Event).where(
            Event.submission_key == submission_key, Event.created_by_id == actor.id))
        if existing is not None:
            return existing, False
    event = services.create_event(values, actor=actor, status="approved" if forum.is_trusted else "pending")
    event.submission_key = submission_key or None
    event.moderated_at = event.published_at
    db.session.flush()
    return event, True


def _encode(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key in services.EDITABLE_FIELDS:
        value = values.get(key)
        out[key] = value.isoformat() if isinstance(value, (datetime, date)) else value
    return out


def revision_values(revision: EventRevision) -> dict[str, Any]:
    """The revision's values, with dates and times parsed back."""
    values = dict(revision.data)
    for key in ("starts_at", "ends_at"):
        if values.get(key):
            values[key] = datetime.fromisoformat(values[key])
    if values.get("repeat_until"):
        values["repeat_until"] = date.fromisoformat(values["repeat_until"])
    return values


def pending_revision(event: Event) -> EventRevision | None:
    return db.session.scalar(
        sa.select(EventRevision).where(EventRevision.event_id == event.id, EventRevision.status == "pending")
        .order_by(EventRevision.id.desc()).limit(1)
    )


def latest_revision(event: Event) -> EventRevision | None:
    return db.session.scalar(
        sa.select(EventRevision).where(EventRevision.event_id == event.id)
        .order_by(EventRevision.id.desc()).limit(1)
    )


def apply_changes(event: Event, values: dict[str, Any], *, actor) -> list[str]:
    """Change the event and tell whom it concerns; return the changed fields. The event must be locked."""
    old_capacity = event.capacity
    changed = services.changed_fields(event, values)
    services.update_event(event, values, actor=actor)
    db.session.flush()
    if event.status == "approved":
        if any(f in services.SCHEDULE_FIELDS for f in changed):
            registrations.notify_event_changed(event)
        if "capacity" in changed and (event.capacity is None or (old_capacity or 0) < event.capacity):
            registrations.promote_and_notify(event)
    return changed


def edit_forum_event(event: Event, values: dict[str, Any], *, actor) -> str:
    """Apply, or propose, the forum's changes. Return what happened:

    "unchanged", "applied", "resubmitted" (a rejected event goes back to the
    coordinator), "published" (a rejected event of a now trusted forum), or
    "proposed" (a pending revision of an approved event).

    :raises Forbidden: another forum's event. :raises InvalidTransition: a cancelled event.
    """
    forum = forum_of(actor)
    if event.forum_id != forum.id:
        raise Forbidden(_("Arrangementet hører til et andet lokalråd."))
    event = lock(Event, event.id)
    if event.status == "cancelled":
        raise InvalidTransition(_("Et aflyst arrangement kan ikke ændres. Kopiér det, og opret et nyt."))
    values = {**values, "forum_id": forum.id}
    if event.status == "approved" and not forum.is_trusted:
        revision = pending_revision(event)
        if not services.changed_fields(event, values):
            if revision is not None:
                revision.status = "withdrawn"  # the forum went back to the approved version
                db.session.flush()
            return "unchanged"
        if revision is None:
            revision = EventRevision(event_id=event.id, status="pending")
            db.session.add(revision)
        revision.data = _encode(values)
        revision.submitted_by_id = actor.id
        db.session.flush()
        return "proposed"
    revision = pending_revision(event)
    if revision is not None:  # proposed while the forum was not trusted; this edit replaces it
        revision.status = "withdrawn"
    changed = apply_changes(event, values, actor=actor)
    if event.status == "rejected":
        event.rejection_reason = None
        if forum.is_trusted:
            event.status, event.published_at = "approved", event.published_at or utcnow()
            db.session.flush()
            return "published"
        event.status = "pending"
        db.session.flush()
        return "resubmitted"
    return "applied" if changed else "unchanged"


def cancel_forum_event(event: Event, *, actor) -> bool:
    """Cancel (or, before it was ever public, withdraw) the forum's event; False if it already was."""
    forum = forum_of(actor)
    if event.forum_id != forum.id:
        raise Forbidden(_("Arrangementet hører til et andet lokalråd."))
    event = lock(Event, event.id)
    return cancel_event(event, actor=actor)


def form_data(event: Event, values: dict[str, Any] | None = None, *, shift: timedelta | None = None) -> dict:
    """The form's fields for an event (or a revision's values), optionally moved in time (duplicate)."""
    v = values or {k: getattr(event, k) for k in services.EDITABLE_FIELDS}
    # moved in Copenhagen wall-clock time, so 19:00 stays 19:00 across summer time
    starts = to_local(v["starts_at"]) + (shift or timedelta())
    ends = to_local(v["ends_at"]) + (shift or timedelta()) if v.get("ends_at") else None
    place = db.session.get(Place, v["place_id"]) if v.get("place_id") else None
    until = v.get("repeat_until")
    if until and shift:
        until = until + shift
    return {
        "title": v["title"], "kind": v["kind"], "description": v.get("description") or "",
        "title_en": v.get("title_en") or "", "description_en": v.get("description_en") or "",
        "place": place.slug if place else "", "address": v.get("address") or "",
        "date": starts.date(), "start_time": starts.time().replace(second=0, microsecond=0),
        "end_time": ends.time().replace(second=0, microsecond=0) if ends else None,
        "capacity": v.get("capacity"), "registration_required": bool(v.get("registration_required")),
        "recurrence": v.get("recurrence") or "", "repeat_until": until,
    }


def duplicate_shift(event: Event, now: datetime | None = None) -> timedelta:
    """How far a copy is moved: whole weeks, so it lands on the same weekday in the future."""
    now = now or utcnow()
    weeks = 1
    while event.starts_at + timedelta(weeks=weeks) <= now:
        weeks += 1
    return timedelta(weeks=weeks)


def cancel_event(event: Event, *, actor=None) -> bool:
    """Cancel the event; tell the people who signed up. Return False when it already was cancelled."""
    if event.status == "cancelled":
        return False
    event.status = "cancelled"
    event.sequence = (event.sequence or 0) + 1
    for revision in db.session.scalars(
        sa.select(EventRevision).where(EventRevision.event_id == event.id, EventRevision.status == "pending")
    ):
        revision.status = "withdrawn"
    db.session.flush()
    if event.published_at is not None:
        registrations.notify_event_cancelled(event)
    return True
