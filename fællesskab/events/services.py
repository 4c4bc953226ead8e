"""Create, update, cancel and list events.

Forms, the API, the CSV importer and the demo seed share these functions.
Services flush; the caller commits. A village forum's own doors (create,
edit, cancel with moderation) are in `publishing.py`; the coordinator's in
`moderation.py`; sign-ups in `registrations.py`.
"""
from __future__ import annotations

import heapq
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice
from math import ceil
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..core import counts, fields
from ..core.cleaning import Cleaner
from ..core.errors import NotFound
from ..core.location import clean_location
from ..core.pagination import Page
from ..core.time import UTCDateTime, to_local, utcnow
from ..core.vocab import EVENT_KINDS
from ..directory.models import Association
from ..extensions import db
from ..geo.gazetteer import PlaceIndex
from . import recurrence
from .models import RECURRENCES, Event, EventRevision

EDITABLE_FIELDS = (
    "title", "description", "title_en", "description_en", "kind", "starts_at", "ends_at", "address", "postcode", "town",
    "lat", "lon", "place_id", "capacity", "registration_required", "association_id", "forum_id",
    "recurrence", "repeat_until",
)
# Changes that people who signed up, and calendar clients, must hear about.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "recurrence", "repeat_until", "address", "postcode", "town",
                   "place_id")
RECENT = recurrence.RECENT  # lists still show events that began a moment ago
COUNT_CAP = 10_000  # event lists count this far ("more than 10,000"); counting 190,000 costs a scan


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
    # English text is optional: a file or caller without it leaves what the event has.
    if "title_en" in raw:
        out["title_en"] = c.field("title_en", fields.text, max_length=200, label=_l("Den engelske titel"))
    if "description_en" in raw:
        out["description_en"] = c.field("description_en", fields.text, max_length=20_000,
                                        label=_l("Den engelske beskrivelse"))
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
        if key in ("title_en", "description_en") and key not in values:
            continue  # a file without English columns keeps the English text
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


def stored_is_exact(start: datetime) -> bool:
    """Whether the stored next starts answer "the first date at or after `start`".

    They do from `now - RECENT` on (recurrence.stored_next computes them from an hour further
    back, which covers the moments between a view's clock and this one, and app nodes whose
    clocks differ a little). An earlier `start` (the API's `from` in the past) needs every
    series' dates computed again.
    """
    return start >= utcnow() - RECENT - timedelta(minutes=5)


def upcoming_parts(base: sa.Select, start: datetime, end: datetime | None = None) -> tuple[sa.Select, sa.Select]:
    """Split the events of `base` with a date in [start, end) into two selects.

    * `stored`: events whose stored `next_starts_at` is their first date at or after `start`
      (filter and order by it in SQL);
    * `stale`: the series whose next date must be computed here (`next_dates`): those whose
      stored value has passed since it was last refreshed — few when `flask events
      refresh-next` runs from cron, every running series at worst, but always exact.
    """
    stored = base.where(Event.next_starts_at >= start)
    stale = base.where(Event.recurrence.is_not(None), Event.repeat_until >= to_local(start).date())
    if stored_is_exact(start):
        stale = stale.where(Event.next_starts_at < start)
    else:
        stored = stored.where(Event.recurrence.is_(None))
    if end is not None:
        stored = stored.where(Event.next_starts_at < end)
        stale = stale.where(Event.starts_at < end)
    return stored, stale


def next_dates(stale: sa.Select, start: datetime, end: datetime | None = None) -> list[tuple[datetime, int]]:
    """(next date in [start, end), id) of the series `stale` selects, soonest first."""
    out = []
    for event_id, first, rule, until in db.session.execute(stale.with_only_columns(
            Event.id, Event.starts_at, Event.recurrence, Event.repeat_until)):
        found = recurrence.starts_between(first, rule, until, after=start, before=end, limit=1)
        if found:
            out.append((found[0], event_id))
    out.sort()
    return out


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


@dataclass
class UpcomingPage(Page[Occurrence]):
    """A page of upcoming events; `total_capped`: there are more than `total` (counting stops there)."""

    total_capped: bool = False

    @property
    def pages(self) -> int:
        known = max(1, ceil(self.total / self.per_page))
        return max(known, self.page + 1) if self.total_capped and len(self.items) == self.per_page else known

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def list_upcoming(
    page: int = 1, per_page: int = 20, *, start: datetime | None = None, end: datetime | None = None,
    statuses: tuple[str, ...] = ("approved",), with_total: bool = True, count_cap: int | None = COUNT_CAP,
    **filters,
) -> UpcomingPage:
    """Approved events with a date in [start, end), each once at its first such date, soonest first.

    with_total=False skips counting (the front page needs no page count); `count_cap` stops
    counting there (`total_capped` then says there are more); None counts them all.
    """
    asked_start, start = start, start or utcnow() - RECENT
    base = _filtered(sa.select(Event).where(Event.status.in_(statuses)), **filters)
    stored, stale = upcoming_parts(base, start, end)
    computed = next_dates(stale, start, end)
    offset = (page - 1) * per_page
    # The page of the merge of the stored (SQL order) and computed dates: the stored rows before
    # `skip` all come before the page, since at most len(computed) of the page's predecessors
    # are computed ones; keys only, then objects for the page alone.
    skip = max(0, offset - len(computed))
    keys = db.session.execute(stored.with_only_columns(Event.next_starts_at, Event.id)
                              .order_by(Event.next_starts_at, Event.id)
                              .offset(skip).limit(offset + per_page - skip)).all()
    if skip and not keys:
        wanted = []  # fewer than `skip` stored rows: the page lies beyond the end
    else:
        wanted = list(islice(heapq.merge([tuple(k) for k in keys], computed), offset - skip, offset - skip + per_page))
    loaded = {e.id: e for e in db.session.scalars(
        sa.select(Event).options(*_CARD_LOADS).where(Event.id.in_([i for _w, i in wanted])))} if wanted else {}
    items = [Occurrence(loaded[i], when) for when, i in wanted]
    capped = False
    if with_total:
        counted = stored.with_only_columns(Event.id).order_by(None)
        if count_cap is not None:
            counted = counted.limit(count_cap + 1)
        count = lambda: db.session.scalar(sa.select(sa.func.count()).select_from(counted.subquery())) or 0  # noqa: E731
        if count_cap is None and asked_start is None:
            # The API's full count from now on (~25 ms over 200,000 events): kept a short while,
            # as of the first request in it (core/counts.py). The capped count of the pages is cheap.
            key = (statuses, end, tuple(sorted(filters.items())))
            n_stored = counts.cached("upcoming_events", key, count, tables=("events",))
        else:
            n_stored = count()
        if count_cap is not None and n_stored + len(computed) > count_cap:
            n_stored, capped = count_cap - len(computed), True
        total = n_stored + len(computed)
    else:
        total = offset + len(items)
    return UpcomingPage(items=items, page=page, per_page=per_page, total=total, total_capped=capped)


def refresh_next_starts(*, now: datetime | None = None, batch: int = 1000) -> int:
    """Move the stored next start of every series whose value has passed on; return how many changed.

    `flask events refresh-next` runs this from cron (hourly), so reads find few stale series.
    Also fills values a raw SQL insert left empty. An update that changed the event meanwhile
    wins: a row is only written while its schedule is the one its value was computed from.
    Leaves `updated_at` (the calendar feeds' LAST-MODIFIED) and the search index alone.
    """
    now = now or utcnow()
    table = Event.__table__
    cols = (table.c.id, table.c.starts_at, table.c.recurrence, table.c.repeat_until, table.c.next_starts_at)
    stale = sa.select(*cols).where(sa.or_(
        sa.and_(table.c.recurrence.is_not(None), table.c.next_starts_at < now - recurrence.STORED_FROM),
        sa.and_(table.c.next_starts_at.is_(None),
                sa.or_(table.c.recurrence.is_(None),
                       table.c.repeat_until >= to_local(now - recurrence.STORED_FROM).date())),
    )).order_by(table.c.id)
    write = (sa.update(table)
             .where(table.c.id == sa.bindparam("b_id"),
                    table.c.starts_at == sa.bindparam("b_first", type_=UTCDateTime),
                    table.c.recurrence.is_not_distinct_from(sa.bindparam("b_rule", type_=sa.String)),
                    table.c.repeat_until.is_not_distinct_from(sa.bindparam("b_until", type_=sa.Date)))
             .values(next_starts_at=sa.bindparam("b_next", type_=UTCDateTime), updated_at=table.c.updated_at))
    params = []
    for i, first, rule, until, old in db.session.execute(stale).all():
        new = recurrence.stored_next(first, rule, until, now)
        if new != old:
            params.append({"b_id": i, "b_first": first, "b_rule": rule, "b_until": until, "b_next": new})
    for at in range(0, len(params), batch):
        db.session.execute(write, params[at:at + batch])
    return len(params)


def upcoming(limit: int = 6, **filters) -> list[Occurrence]:
    """The next `limit` events (repeating ones once, at their next date)."""
    return list_upcoming(1, limit, with_total=False, **filters).items


def upcoming_for_association(association: Association) -> list[Occurrence]:
    """The association's next five events, for its page in the directory (registered by the app factory)."""
    return upcoming(limit=5, association_id=association.id)


@dataclass
class ForumOverview:
    """A forum's own events for its front page."""

    upcoming: list[Event]  # still running or to come, first start first
    past: list[Event]  # the latest 30 that are over, latest first
    revisions: dict[int, EventRevision]  # the latest change per upcoming event
    next_dates: dict[int, datetime | None]  # each upcoming event's next date


def forum_overview(forum, now: datetime) -> ForumOverview:
    """Split the forum's events into coming and past, with their latest revisions and next dates."""
    own = list(db.session.scalars(
        sa.select(Event).where(Event.forum_id == forum.id).order_by(Event.starts_at, Event.id)
    ))
    upcoming = [e for e in own if e.last_starts_at >= now - RECENT]
    past = sorted((e for e in own if e.last_starts_at < now - RECENT), key=lambda e: e.starts_at, reverse=True)[:30]
    revisions: dict[int, EventRevision] = {}
    for revision in db.session.scalars(
        sa.select(EventRevision).where(EventRevision.event_id.in_([e.id for e in upcoming])).order_by(EventRevision.id)
    ):
        revisions[revision.event_id] = revision  # the latest per event
    next_dates = {e.id: next_occurrence(e, now - RECENT) for e in upcoming}
    return ForumOverview(upcoming=upcoming, past=past, revisions=revisions, next_dates=next_dates)


def next_occurrence(event: Event, after: datetime | None = None) -> datetime | None:
    """The start of the event's next date (after `after`, default now), or None when it is over."""
    found = event.occurrences(after=after or utcnow(), limit=1)
    return found[0] if found else None


def move_to_survivor(duplicate: Association, survivor: Association) -> int:
    """A merge in the directory: the duplicate's events move to the survivor (sign-ups stay on their events).

    Registered with `directory.merge.register_step` by the app factory; returns how many moved.
    """
    # Through the ORM, not a bulk UPDATE: the search sync re-indexes each event under its new host.
    moved = list(db.session.scalars(sa.select(Event).where(Event.association_id == duplicate.id)))
    for event in moved:
        event.association_id = survivor.id
    return len(moved)
