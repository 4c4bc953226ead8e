"""iCalendar (RFC 5545) feeds and single-event files, built with `icalendar`.

* UID: `<external_id>@faellesskab.kolding` — stable across edits, re-imports
  and restores (external_id never changes).
* Times: DTSTART/DTEND with TZID=Europe/Copenhagen and a VTIMEZONE generated
  from the tz database for the span the feed covers, so summer time is right.
* Repeating events: one VEVENT with an RRULE (FREQ=WEEKLY, INTERVAL 1 or 2, UNTIL).
* Cancelled (published) events stay in the feed with STATUS:CANCELLED, so
  subscribed calendars strike them out instead of silently dropping them.
* SEQUENCE rises with every change; DTSTAMP is the last change.
"""
from __future__ import annotations

from datetime import date, timedelta

import icalendar
import sqlalchemy as sa

from ..core.time import TIMEZONE, to_local, utcnow
from ..extensions import db
from . import recurrence, services
from .models import Event

PRODID = "-//Kolding Kommune//Fællesskab Kolding//DA"
UID_DOMAIN = "faellesskab.kolding"
# Recently cancelled events stay in feeds this long after they would have started.
KEEP_CANCELLED = timedelta(days=14)


def uid(event: Event) -> str:
    return f"{event.external_id}@{UID_DOMAIN}"


def feed_events(*, place_id: int | None = None, forum_id: int | None = None) -> list[Event]:
    """Approved upcoming events (and published cancelled ones) for a feed."""
    now = utcnow()
    start = now - services.RECENT
    stmt = sa.select(Event).where(
        sa.or_(Event.status == "approved",
               sa.and_(Event.status == "cancelled", Event.published_at.is_not(None))),
        sa.or_(
            sa.and_(Event.recurrence.is_(None), Event.starts_at >= start),
            sa.and_(Event.recurrence.is_not(None), Event.repeat_until >= to_local(start).date()),
        ),
    )
    if place_id:
        stmt = stmt.where(Event.place_id == place_id)
    if forum_id:
        stmt = stmt.where(Event.forum_id == forum_id)
    events = list(db.session.scalars(stmt.order_by(Event.starts_at, Event.id)))
    return [e for e in events if e.status == "approved" or e.last_starts_at >= now - KEEP_CANCELLED]


def vevent(event: Event, url: str | None = None) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", uid(event))
    component.add("dtstamp", event.updated_at or event.created_at)
    component.add("created", event.created_at)
    component.add("last-modified", event.updated_at or event.created_at)
    component.add("sequence", event.sequence or 0)
    component.add("summary", event.title)
    if event.description:
        component.add("description", event.description + (f"\n\n{url}" if url else ""))
    elif url:
        component.add("description", url)
    component.add("dtstart", to_local(event.starts_at))
    if event.ends_at is not None:
        component.add("dtend", to_local(event.ends_at))
    else:
        component.add("duration", timedelta(hours=2))  # a calendar entry needs a length
    location = ", ".join(p for p in (event.address, " ".join(x for x in (event.postcode, event.town) if x)) if p)
    if location:
        component.add("location", location)
    component.add("geo", (event.lat, event.lon))
    if event.host_name:
        component.add("organizer", "mailto:" + (_host_email(event) or "noreply@localhost"),
                      parameters={"CN": event.host_name})
    component.add("categories", [event.kind])
    component.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    if event.is_recurring:
        component.add("rrule", {
            "freq": "weekly", "interval": recurrence.INTERVAL_DAYS[event.recurrence] // 7,
            "until": recurrence.until_as_utc(event.repeat_until),
        })
    if url:
        component.add("url", url)
    return component


def _host_email(event: Event) -> str | None:
    if event.forum is not None and event.forum.email:
        return event.forum.email
    if event.association is not None and event.association.email:
        return event.association.email
    return None


def calendar(events: list[Event], *, name: str, url_for_event=None) -> bytes:
    """A VCALENDAR with one VEVENT per event and the VTIMEZONE they need."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TIMEZONE)
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")
    for event in events:
        cal.add_component(vevent(event, url_for_event(event) if url_for_event else None))
    if events:
        first = min(to_local(e.starts_at).date() for e in events) - timedelta(days=1)
        last = max(_last_day(e) for e in events) + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()


def _last_day(event: Event) -> date:
    end = event.ends_at or event.starts_at
    day = to_local(end).date()
    if event.is_recurring:
        day = max(day, event.repeat_until)
    return day

