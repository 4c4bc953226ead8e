"""The emails about sign-ups, in the language the person used (Danish or English).

Each function queues one message in the outbox (mail.services.queue); the
door that caused it sends it after its commit.
"""
from __future__ import annotations

from datetime import datetime

from ..core import formatting
from ..core.time import to_local
from ..mail import services as mail
from ..mail.services import external_url  # noqa: F401  (used here and by the modules importing it from here)
from .models import Event, Registration
from .services import next_occurrence
from .signups import make_token, waiting_position

LANGUAGES = ("da", "en")


SERIES = {
    "da": ({"weekly": "hver uge", "fortnightly": "hver anden uge"}, "til og med"),
    "en": ({"weekly": "every week", "fortnightly": "every other week"}, "until"),
}


def series_text(event: Event, language: str) -> str:
    """'hver uge til og med 15. juni 2027' for a repeating event, else ''."""
    if not event.is_recurring:
        return ""
    rules, until = SERIES.get(language, SERIES["da"])
    return f"{rules[event.recurrence]} {until} {formatting.date_text(event.repeat_until, 'long', language)}"


def when_text(starts_at: datetime, ends_at: datetime | None, language: str) -> str:
    text = formatting.datetime_text(starts_at, "letter", language)
    if ends_at is not None:
        if to_local(ends_at).date() == to_local(starts_at).date():
            text += "–" + formatting.time_text(ends_at, language)
        else:
            text += " – " + formatting.datetime_text(ends_at, "letter", language)
    return text


def _context(registration: Registration, event: Event, *, starts_at: datetime | None = None, **extra) -> dict:
    language = registration.language if registration.language in LANGUAGES else "da"
    start = starts_at or next_occurrence(event) or event.starts_at
    end = start + event.duration if event.ends_at is not None else None
    token = make_token(registration)
    where = ", ".join(p for p in (event.address, " ".join(x for x in (event.postcode, event.town) if x)) if p)
    context = {
        "registration": registration, "event": event, "language": language,
        "when": when_text(start, end, language) + (
            f" ({series_text(event, language)})" if event.is_recurring else ""),
        "where": where or (event.place.name if event.place else ""),
        "host": event.host_name or "",
        "event_url": external_url("events.event_detail", event_id=event.id),
        "ics_url": external_url("events.event_ics", event_id=event.id),
        "cancel_url": external_url("events.cancel_registration", token=token),
        "manage_url": external_url("events.manage_registration", token=token),
        "position": waiting_position(registration) if registration.status == "waiting" else None,
        "series": event.is_recurring,
    }
    context.update(extra)
    return context


def _queue(name: str, registration: Registration, event: Event, **extra) -> None:
    context = _context(registration, event, **extra)
    mail.queue_template(registration.email, name, context["language"], context)


def signed_up(registration: Registration, event: Event, *, updated: bool = False) -> None:
    """Confirmation of a place, or of a place on the waiting list."""
    name = "registration_confirmed" if registration.status == "confirmed" else "registration_waiting"
    _queue(name, registration, event, updated=updated)


def already_signed_up(registration: Registration, event: Event) -> None:
    """Someone used this email on the sign-up form again: a link to see, change or cancel the sign-up."""
    _queue("registration_exists", registration, event)


def moved_up(registration: Registration, event: Event) -> None:
    _queue("registration_moved_up", registration, event)


def cancelled(registration: Registration, event: Event) -> None:
    _queue("registration_cancelled", registration, event)


def reminder(registration: Registration, event: Event, starts_at: datetime) -> None:
    _queue("registration_reminder", registration, event, starts_at=starts_at)


def event_cancelled(registration: Registration, event: Event) -> None:
    _queue("event_cancelled", registration, event)


def event_changed(registration: Registration, event: Event) -> None:
    _queue("event_changed", registration, event)
