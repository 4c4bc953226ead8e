"""Create, update, cancel and list events.

Forms, the API, the CSV importer and the demo seed share these functions.
Services flush; the caller commits. A village forum's own doors (create,
edit, cancel with moderation) are in `publishing.py`; the coordinator's in
`moderation.py`; sign-ups in `registrations.py`.
"""
from __future__ import annotations

import heapq
import uuid
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from flask_babel import gettext as _, lazy_gettext as _l
from ..core import fields
from ..core.cleaning import Cleaner
from ..core.errors import NotFound
from ..core.location import clean_location
from ..core.pagination import Page
from ..core.time import to_local, utcnow
from ..core.vocab import EVENT_KINDS
from ..directory.models import Association
from ..extensions import db
from ..geo.gazetteer import PlaceIndex
from . import recurrence
from .models import RECURRENCES, Event

EDITABLE_FIELDS = (
    "title", "description", "kind", "starts_at", "ends_at", "address", "postcode", "town",
    "lat", "lon", "place_id", "capacity", "registration_required", "association_id", "forum_id",
    "recurrence", "repeat_until",
)
# Changes that people who signed up, and calendar clients, must hear about.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "recurrence", "repeat_until", "address", "postcode", "town",
                   "place_id")
RECENT = timedelta(hours=3)  # lists still show events that began a moment ago


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
        "title": c.field("title", fields.text, max_length=200, required=True, label=_l("Titlen")),
        "description": c.field("description", fields.text, max_length=20_000, label=_l("Beskrivelsen")) or "",
        "starts_at": c.field("starts_at", fields.aware_datetime, label="starts_at"),
        "ends_at": c.field("ends_at", fields.aware_datetime, label="ends_at"),
        "capacity": c.field("capacity", fields.integer, minimum=1, maximum=100_000, label=_l("Antal pladser")),
        "registration_required": bool(c.field("registration_required", fields.boolean,
                                              label="registration_required")),
        "association_id": raw.get("association_id"),
        "forum_id": raw.get("forum_id"),
    }
    kind = (c.field("kind", fields.text, max_length=32, required=True, label=_l("Typen")) or "").lower()
    if kind and kind not in EVENT_KINDS:
        c.error("kind", _("Ukendt type %(kind)s (gyldige: %(names)s).",
                          kind=repr(kind), names=', '.join(EVENT_KINDS)))
    out["kind"] = kind
    if out["starts_at"] is None and not any(f == "starts_at" for f, _m in c.errors):
        c.error("starts_at", _("starts_at skal udfyldes."))
    if out["starts_at"] and out["ends_at"] and out["ends_at"] < out["starts_at"]:
        c.error("ends_at", _("ends_at ligger før starts_at."))
    out.update(_clean_recurrence(c, out["starts_at"]))
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


def _clean_recurrence(c: Cleaner, starts_at: datetime | None) -> dict[str, Any]:
    """`recurrence` (weekly | fortnightly | empty) and `repeat_until` (a local date, required with it)."""
    rule = (c.field("recurrence", fields.text, max_length=16, label=_l("Gentagelsen")) or "").lower() or None
    if rule is not None and rule not in RECURRENCES:
        c.error("recurrence", _("Ukendt gentagelse %(rule)s (gyldige: %(names)s).",
                                rule=repr(rule), names=', '.join(RECURRENCES)))
        rule = None
    until = c.raw.get("repeat_until")
    if isinstance(until, str):
        try:
            until = date.fromisoformat(until.strip()) if until.strip() else None
        except ValueError:
            c.error("repeat_until", _("Slutdatoen for gentagelsen skal være en dato (ÅÅÅÅ-MM-DD)."))
            return {"recurrence": None, "repeat_until": None}
    elif isinstance(until, datetime):
        until = until.date()
    elif until is not None and not isinstance(until, date):
        c.error("repeat_until", _("Slutdatoen for gentagelsen skal være en dato."))
        until = None
    if rule and until is None:
        c.error("repeat_until", _("Angiv, hvornår gentagelsen slutter."))
    elif until is not None and not rule:
        c.error("recurrence", _("Vælg, hvor ofte arrangementet gentages, eller lad slutdatoen stå tom."))
    elif rule and until is not None and starts_at is not None:
        first_day = to_local(starts_at).date()
        if until < first_day:
            c.error("repeat_until", _("Gentagelsen kan ikke slutte, før arrangementet begynder."))
        elif until > first_day + timedelta(days=recurrence.MAX_SERIES_DAYS):
            c.error("repeat_until", _("En gentagelse kan højst løbe et år. Opret en ny, når den slutter."))
    if rule is None or until is None:
        return {"recurrence": None, "repeat_until": None}
    return {"recurrence": rule, "repeat_until": until}


def create_event(values: dict[str, Any], *, actor=None, status: str = "approved", flush: bool = True) -> Event:
    """Create an event from cleaned values (see clean_event)."""
    event = Event(
        external_id=values.get("external_id") or f"F-{uuid.uuid4().hex[:12]}",
        status=status,
        published_at=utcnow() if status in ("approved", "cancelled") else None,
        created_by_id=getattr(actor, "id", None),
        sequence=0,
        **{k: values.get(k) for k in EDITABLE_FIELDS},
    )
    db.session.add(event)
    if flush:
        db.session.flush()
    return event


def changed_fields(event: Event, values: dict[str, Any]) -> list[str]:
    """The editable fields whose value in `values` differs from the event's."""
    out = []
    for key in EDITABLE_FIELDS:
        if key in ("association_id", "forum_id") and values.get(key) is None:
            continue  # an import without a host keeps the host it had
        if getattr(event, key) != values.get(key):
            out.append(key)
    return out


def update_event(event: Event, values: dict[str, Any], *, actor=None) -> bool:
    """Apply cleaned values; return True when anything changed."""
    changed = changed_fields(event, values)
    for key in changed:
        setattr(event, key, values.get(key))
    if changed:
        event.sequence = (event.sequence or 0) + 1
    return bool(changed)


def cancel_event(event: Event, *, actor=None) -> bool:
    """Cancel the event; tell the people who signed up. Return False when it already was cancelled."""
    if event.status == "cancelled":
        return False
    from .models import EventRevision
    from .registrations import notify_event_cancelled

    event.status = "cancelled"
    event.sequence = (event.sequence or 0) + 1
    for revision in db.session.scalars(
        sa.select(EventRevision).where(EventRevision.event_id == event.id, EventRevision.status == "pending")
    ):
        revision.status = "withdrawn"
    db.session.flush()
    if event.published_at is not None:
        notify_event_cancelled(event)
    return True


MAX_ID = 2**31 - 1  # an id from a URL beyond this cannot exist (and would overflow the column)


def valid_id(value: int) -> bool:
    return isinstance(value, int) and 0 < value <= MAX_ID


def get_event(event_id: int) -> Event:
    """:raises NotFound: no event has that id."""
    event = db.session.get(Event, event_id) if valid_id(event_id) else None
    if event is None:
        raise NotFound(_("Arrangementet findes ikke."))
    return event


def get_public_event(event_id: int) -> Event:
    """:raises NotFound: no approved, or published and cancelled, event has that id."""
    event = db.session.get(Event, event_id) if valid_id(event_id) else None
    if event is None or not event.is_public:
        raise NotFound(_("Arrangementet findes ikke."))
    return event


def _filtered(stmt: sa.Select, *, place_id=None, kind=None, forum_id=None, association_id=None) -> sa.Select:
    if place_id:
        stmt = stmt.where(Event.place_id == place_id)
    if kind:
        stmt = stmt.where(Event.kind == kind)
    if forum_id:
        stmt = stmt.where(Event.forum_id == forum_id)
    if association_id:
        stmt = stmt.where(Event.association_id == association_id)
    return stmt


def upcoming_query(
    *, place_id: int | None = None, kind: str | None = None, start: datetime | None = None,
    end: datetime | None = None, forum_id: int | None = None, association_id: int | None = None,
) -> sa.Select:
    """Approved events from `start` (default: now), first start first.

    A repeating event is included while it has occurrences left; its
    `starts_at` is the first occurrence (see `list_upcoming` for next dates).
    """
    start = start or utcnow() - RECENT
    stmt = sa.select(Event).where(Event.status == "approved", sa.or_(
        sa.and_(Event.recurrence.is_(None), Event.starts_at >= start),
        sa.and_(Event.recurrence.is_not(None), Event.repeat_until >= to_local(start).date()),
    ))
    if end:
        stmt = stmt.where(Event.starts_at < end)
    stmt = _filtered(stmt, place_id=place_id, kind=kind, forum_id=forum_id, association_id=association_id)
    return stmt.order_by(Event.starts_at, Event.id)


class Occurrence:
    """One date of an event: reads like the event, with this date's start and end.

    Lists show a repeating event once, at its next date; templates use it
    exactly like an Event (`occurrence.title`, `occurrence.starts_at`, …).
    """

    __slots__ = ("event", "starts_at", "ends_at")

    def __init__(self, event: Event, starts_at: datetime):
        self.event = event
        self.starts_at = starts_at
        self.ends_at = starts_at + event.duration if event.ends_at is not None else None

    def __getattr__(self, name: str):
        return getattr(self.event, name)

    def sort_key(self) -> tuple[datetime, int]:
        return (self.starts_at, self.event.id)

    def __repr__(self) -> str:
        return f"<Occurrence {self.event.external_id} {self.starts_at.isoformat()}>"


# What an event card shows besides the event (its host's name, its place): one query each per
# list, not one per card.
_CARD_LOADS = (selectinload(Event.association), selectinload(Event.forum), selectinload(Event.place))


def list_upcoming(
    page: int = 1, per_page: int = 20, *, start: datetime | None = None, end: datetime | None = None,
    statuses: tuple[str, ...] = ("approved",), with_total: bool = True, **filters,
) -> Page[Occurrence]:
    """Approved events with a date in [start, end), each once at its first such date, soonest first.

    with_total=False skips counting every matching event (the front page needs no page count).
    """
    start = start or utcnow() - RECENT
    base = _filtered(sa.select(Event).where(Event.status.in_(statuses)), **filters)
    one_off = base.where(Event.recurrence.is_(None), Event.starts_at >= start)
    series_stmt = base.where(Event.recurrence.is_not(None), Event.repeat_until >= to_local(start).date())
    if end:
        one_off = one_off.where(Event.starts_at < end)
        series_stmt = series_stmt.where(Event.starts_at < end)
    offset = (page - 1) * per_page
    # Series: their next dates from plain rows (there may be thousands at national scale), then
    # Event objects only for the few that can be on this page.
    nexts = []
    for event_id, first, rule, until in db.session.execute(series_stmt.with_only_columns(
            Event.id, Event.starts_at, Event.recurrence, Event.repeat_until)):
        found = recurrence.starts_between(first, rule, until, after=start, limit=1)
        if found and (end is None or found[0] < end):
            nexts.append((found[0], event_id))
    wanted = heapq.nsmallest(offset + per_page, nexts)
    loaded = {e.id: e for e in db.session.scalars(
        sa.select(Event).options(*_CARD_LOADS).where(Event.id.in_([i for _s, i in wanted])))} if wanted else {}
    series = [Occurrence(loaded[i], when) for when, i in wanted]
    one_off_total = db.session.scalar(sa.select(sa.func.count()).select_from(one_off.subquery())) or 0 \
        if with_total else 0
    # The page's one-off events are among the first offset+per_page of them (series are few).
    firsts = db.session.scalars(one_off.options(*_CARD_LOADS).order_by(Event.starts_at, Event.id)
                                .limit(offset + per_page))
    merged = heapq.merge((Occurrence(e, e.starts_at) for e in firsts), series, key=Occurrence.sort_key)
    items = list(islice(merged, offset, offset + per_page))
    total = one_off_total + len(nexts) if with_total else offset + len(items)
    return Page(items=items, page=page, per_page=per_page, total=total)


def upcoming(limit: int = 6, **filters) -> list[Occurrence]:
    """The next `limit` events (repeating ones once, at their next date)."""
    return list_upcoming(1, limit, with_total=False, **filters).items


def next_occurrence(event: Event, after: datetime | None = None) -> datetime | None:
    """The start of the event's next date (after `after`, default now), or None when it is over."""
    found = event.occurrences(after=after or utcnow(), limit=1)
    return found[0] if found else None
