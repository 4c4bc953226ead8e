"""Sign-ups (tilmeldinger): capacity, waiting list, cancel tokens, reminders.

Every change to an event's sign-ups first locks the event row (locking.py),
so parallel sign-ups never give away more places than the event has.
Capacity counts people (`party_size`), not sign-ups. The waiting list moves
up in sign-up order, first fit: when places free up, each waiting party that
fits gets them, and is emailed.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import audit, fields, metrics
from ..core.cleaning import Cleaner
from ..core.csvio import csv_text
from ..core.errors import InvalidTransition, NotFound, ValidationError
from ..core.retention import period
from ..core.time import COPENHAGEN, to_local, utcnow
from ..extensions import db
from . import emails
from .locking import lock, serialise_writes
from .models import Event, Registration
from .signups import registration_for_token, waiting_position

MAX_PARTY = 20
# Retention: sign-ups are personal data, kept until RETENTION_SIGNUP_DAYS (core/retention.py,
# default 3 months) after the event's last date.
@dataclass
class SignUpResult:
    """What the sign-up form answers; the same whether or not the email was known.

    `status` and `position` say what a new sign-up of this party got (or would
    have got, for an email that already has a sign-up), so the answer never
    tells whether an email is signed up.
    """

    email: str
    status: str  # "confirmed" or "waiting"
    position: int | None  # place on the waiting list
    registration: Registration | None  # the new sign-up; None: the email's sign-up was left as it was

    @property
    def created(self) -> bool:
        return self.registration is not None


def accepts_sign_ups(event: Event, now: datetime | None = None) -> bool:
    """Whether the event takes sign-ups here: approved, hosted by a forum, with a date ahead."""
    if event.status != "approved" or not event.registration_required or event.forum_id is None:
        return False
    return bool(event.occurrences(after=now or utcnow(), limit=1))


def clean_sign_up(raw: dict[str, Any]) -> dict[str, Any]:
    """:raises ValidationError: every problem with name, email, party_size and message."""
    c = Cleaner(raw)
    out = {
        "name": c.field("name", fields.text, max_length=120, required=True, label=_l("Navnet")),
        "email": c.field("email", fields.email),
        **_party_fields(c),
    }
    if out["email"] is None and not any(f == "email" for f, _m in c.errors):
        c.error("email", _("E-mail skal udfyldes."))
    c.raise_if_errors()
    out["email"] = out["email"].lower()
    return out


def clean_change(raw: dict[str, Any]) -> dict[str, Any]:
    """The fields a sign-up's owner may change: party_size and message.

    :raises ValidationError: every problem with them.
    """
    c = Cleaner(raw)
    out = _party_fields(c)
    c.raise_if_errors()
    return out


def _party_fields(c: Cleaner) -> dict[str, Any]:
    out = {
        "party_size": c.field("party_size", fields.integer, minimum=1, maximum=MAX_PARTY,
                              label=_l("Antal personer")),
        "message": c.field("message", fields.text, max_length=1000, label=_l("Beskeden")) or "",
    }
    if out["party_size"] is None and not any(f == "party_size" for f, _m in c.errors):
        out["party_size"] = 1
    return out


def _check_capacity(event: Event, party_size: int) -> None:
    """:raises ValidationError: a party that can never fit the event."""
    if event.capacity is not None and party_size > event.capacity:
        raise ValidationError([("party_size", _("Der er højst plads til %(n)s personer i alt.",
                                                n=event.capacity))])


def people(event_id: int, status: str = "confirmed") -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Registration.party_size), 0))
        .where(Registration.event_id == event_id, Registration.status == status)
    ) or 0


def counts(event_ids: list[int]) -> dict[int, dict[str, int]]:
    """{event_id: {"confirmed": people, "waiting": people, "signups": active sign-ups}}."""
    out = {i: {"confirmed": 0, "waiting": 0, "signups": 0} for i in event_ids}
    if not event_ids:
        return out
    rows = db.session.execute(
        sa.select(Registration.event_id, Registration.status, sa.func.sum(Registration.party_size),
                  sa.func.count())
        .where(Registration.event_id.in_(event_ids), Registration.status != "cancelled")
        .group_by(Registration.event_id, Registration.status)
    )
    for event_id, status, n_people, n_signups in rows:
        out[event_id][status] = int(n_people or 0)
        out[event_id]["signups"] += int(n_signups)
    return out


def places_left(event: Event) -> int | None:
    """Free places, or None for an event without a limit."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - people(event.id))


def sign_up(event_id: int, raw: dict[str, Any], *, language: str = "da",
            now: datetime | None = None) -> SignUpResult:
    """Sign a person up; an email that already has a sign-up gets a link to it instead.

    The form is anonymous, so it never changes an existing sign-up (confirmed,
    waiting or cancelled): the email's owner is sent a link to see, change or
    cancel it, and the result reads as if the sign-up were new.
    Locks the event, so parallel sign-ups are counted one after another.
    Queues the confirmation (or waiting-list) email and those of people who moved up.

    :raises ValidationError: bad input, or a party that can never fit.
    :raises InvalidTransition: the event takes no sign-ups (now).
    :raises NotFound: no such event.
    """
    values = clean_sign_up(raw)
    event = lock(Event, event_id)
    if event is None or not event.is_public:
        raise NotFound(_("Arrangementet findes ikke."))
    now = now or utcnow()
    if not accepts_sign_ups(event, now):
        raise InvalidTransition(_("Der er lukket for tilmelding til dette arrangement."))
    _check_capacity(event, values["party_size"])
    existing = db.session.scalar(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.email == values["email"])
    )
    if existing is not None:
        status, position = _new_party_outcome(event, values["party_size"])
        emails.already_signed_up(existing, event)
        return SignUpResult(values["email"], status, position, None)
    registration = Registration(event_id=event.id, status="waiting", token_key=secrets.token_hex(8),
                                queued_at=now, language=language, **values)
    db.session.add(registration)
    db.session.flush()
    moved = promote_waiting(event, now=now)
    emails.signed_up(registration, event)
    for other in moved:
        if other is not registration:
            emails.moved_up(other, event)
    db.session.flush()
    position = waiting_position(registration) if registration.status == "waiting" else None
    metrics.SIGN_UPS.labels(registration.status).inc()
    return SignUpResult(registration.email, registration.status, position, registration)


def _new_party_outcome(event: Event, party_size: int) -> tuple[str, int | None]:
    """What a new sign-up of `party_size` would get now: ("confirmed", None) or ("waiting", position).

    Walks the waiting list as `promote_waiting` does (first fit), without changing anything.
    """
    free = None if event.capacity is None else event.capacity - people(event.id)
    still_waiting = 0
    for size in db.session.scalars(
        sa.select(Registration.party_size).where(Registration.event_id == event.id,
                                                 Registration.status == "waiting")
        .order_by(Registration.queued_at, Registration.id)
    ):
        if free is not None and size > free:
            still_waiting += 1
        elif free is not None:
            free -= size
    if free is None or party_size <= free:
        return "confirmed", None
    return "waiting", still_waiting + 1


def change_registration(token: str, raw: dict[str, Any], *, now: datetime | None = None) -> tuple[Registration, bool]:
    """Change party size and message of the sign-up the token names; a cancelled one signs up again.

    Only the emailed link leads here. A confirmed party keeps its places unless
    the new size fits; a cancelled one queues anew, like a new sign-up. Return
    (registration, changed); a change queues an "updated" email and those of
    people who moved up (flushes).

    :raises TokenError: a bad token (nothing changes).
    :raises ValidationError: bad input, or a larger party that does not fit.
    :raises InvalidTransition: the event takes no sign-ups (now).
    """
    registration = registration_for_token(token)
    values = clean_change(raw)
    event = lock(Event, registration.event_id)
    db.session.refresh(registration)
    now = now or utcnow()
    if not accepts_sign_ups(event, now):
        raise InvalidTransition(_("Der er lukket for tilmelding til dette arrangement."))
    _check_capacity(event, values["party_size"])
    cancelled = registration.status == "cancelled"
    if not cancelled and all(getattr(registration, k) == v for k, v in values.items()):
        return registration, False
    if registration.status == "confirmed" and event.capacity is not None:
        others = people(event.id) - registration.party_size
        if others + values["party_size"] > event.capacity:
            raise ValidationError([("party_size",
                                    _("Der er kun plads til %(left)s af jer. Din tilmelding til "
                                      "%(n)s er uændret.", left=event.capacity - others,
                                      n=registration.party_size))])
    if cancelled:
        registration.status, registration.queued_at, registration.cancelled_at = "waiting", now, None
    for key, value in values.items():
        setattr(registration, key, value)
    db.session.flush()
    moved = promote_waiting(event, now=now)
    emails.signed_up(registration, event, updated=True)
    for other in moved:
        if other is not registration:
            emails.moved_up(other, event)
    db.session.flush()
    return registration, True


def promote_waiting(event: Event, *, now: datetime | None = None) -> list[Registration]:
    """Confirm waiting parties that fit, in sign-up order (flushes). The event must be locked."""
    waiting = list(db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.status == "waiting")
        .order_by(Registration.queued_at, Registration.id)
    ))
    if not waiting:
        return []
    free = None if event.capacity is None else event.capacity - people(event.id)
    moved = []
    for registration in waiting:
        if free is not None and registration.party_size > free:
            continue
        registration.status = "confirmed"
        registration.confirmed_at = now or utcnow()
        moved.append(registration)
        if free is not None:
            free -= registration.party_size
    db.session.flush()
    return moved


def promote_and_notify(event: Event) -> list[Registration]:
    """After places were added (capacity raised or removed): move people up and email them."""
    moved = promote_waiting(event)
    for registration in moved:
        emails.moved_up(registration, event)
    return moved


def cancel_registration(token: str, *, now: datetime | None = None) -> Registration:
    """Cancel the sign-up the token names; the waiting list moves up.

    :raises TokenError: a bad token (nothing changes).
    :raises InvalidTransition: already cancelled, or the event is over.
    """
    registration = registration_for_token(token)
    event = lock(Event, registration.event_id)
    db.session.refresh(registration)
    if registration.status == "cancelled":
        raise InvalidTransition(_("Du er allerede afmeldt."))
    now = now or utcnow()
    if event.status == "approved" and not event.occurrences(after=now, limit=1):
        raise InvalidTransition(_("Arrangementet er allerede afholdt."))
    registration.status = "cancelled"
    registration.cancelled_at = now
    db.session.flush()
    emails.cancelled(registration, event)
    if event.status == "approved":
        for other in promote_waiting(event, now=now):
            emails.moved_up(other, event)
    db.session.flush()
    return registration


def active_registrations(event_id: int) -> list[Registration]:
    return list(db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event_id, Registration.status != "cancelled")
        .order_by(Registration.queued_at, Registration.id)
    ))


def notify_event_cancelled(event: Event) -> int:
    regs = active_registrations(event.id)
    for registration in regs:
        emails.event_cancelled(registration, event)
    return len(regs)


def notify_event_changed(event: Event) -> int:
    regs = active_registrations(event.id)
    for registration in regs:
        emails.event_changed(registration, event)
    return len(regs)


def send_reminders(*, now: datetime | None = None) -> int:
    """Queue a reminder for every confirmed sign-up to a date that is tomorrow (Copenhagen).

    Each registration is reminded once per date (`reminded_for`), however often
    this runs. Return how many reminders were queued (flushes).
    """
    now = now or utcnow()
    tomorrow = to_local(now).date() + timedelta(days=1)
    window_start = datetime.combine(tomorrow, time(0), tzinfo=COPENHAGEN)
    window_end = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=COPENHAGEN)
    candidates = db.session.scalars(
        sa.select(Event.id).where(
            Event.status == "approved", Event.starts_at < window_end,
            sa.or_(Event.starts_at >= window_start,
                   sa.and_(Event.recurrence.is_not(None), Event.repeat_until >= tomorrow)),
            sa.exists().where(Registration.event_id == Event.id, Registration.status == "confirmed"),
        ).order_by(Event.id)
    ).all()
    serialise_writes()
    sent = 0
    for event_id in candidates:
        event = lock(Event, event_id)
        found = event.occurrences(after=window_start, limit=1)
        if not found or found[0] >= window_end or found[0] <= now:
            continue
        occurrence = found[0]
        for registration in db.session.scalars(
            sa.select(Registration).where(
                Registration.event_id == event.id, Registration.status == "confirmed",
                sa.or_(Registration.reminded_for.is_(None), Registration.reminded_for != occurrence),
            ).order_by(Registration.id)
        ):
            emails.reminder(registration, event, occurrence)
            registration.reminded_for = occurrence
            sent += 1
    db.session.flush()
    return sent


def purge_expired(*, now: datetime | None = None) -> int:
    """Delete the sign-ups of events whose last date is more than RETENTION_SIGNUP_DAYS ago; return how many.

    Meant for the `privacy purge` command (flushes).
    """
    cutoff = (now or utcnow()) - period("RETENTION_SIGNUP_DAYS")
    candidates = db.session.scalars(sa.select(Event).where(
        Event.starts_at < cutoff,
        sa.or_(Event.recurrence.is_(None), Event.repeat_until < to_local(cutoff).date()),
        sa.exists().where(Registration.event_id == Event.id),
    ))
    expired = [e.id for e in candidates if e.last_starts_at < cutoff]
    if not expired:
        return 0
    result = db.session.execute(sa.delete(Registration).where(Registration.event_id.in_(expired)))
    db.session.flush()
    return result.rowcount or 0


CSV_COLUMNS = ("navn", "e-mail", "antal personer", "status", "nr. på venteliste", "besked", "tilmeldt", "mødt op")
STATUS_WORDS = {"confirmed": "tilmeldt", "waiting": "venteliste", "cancelled": "afmeldt"}
def set_attended(event: Event, registration_id: int, attended: bool, *, actor=None,
                 now: datetime | None = None) -> Registration:
    """Mark one of the event's sign-ups as having come (or undo it). Flushes.

    :raises NotFound: the sign-up is not one of this event's.
    :raises InvalidTransition: the event has not started yet, or the sign-up has no place.
    """
    now = now or utcnow()
    registration = db.session.get(Registration, registration_id) if 0 < registration_id < 2**31 else None
    if registration is None or registration.event_id != event.id:
        raise NotFound(_("Tilmeldingen findes ikke ved dette arrangement."))
    if event.starts_at > now:
        raise InvalidTransition(_("Fremmøde kan først registreres, når arrangementet er gået i gang."))
    if registration.status != "confirmed":
        raise InvalidTransition(_("Kun tilmeldte med en plads kan registreres som mødt op."))
    if attended != (registration.attended_at is not None):
        registration.attended_at = now if attended else None
        audit.record(actor, "attendance", "registration", registration.id,
                     f"{'mødt op' if attended else 'ikke mødt op'}: arrangement #{event.id}")
    db.session.flush()
    return registration


def export_csv(event: Event) -> str:
    """The event's sign-ups as CSV for Excel (UTF-8 with BOM, `;`-separated)."""
    order = sa.case({"confirmed": 0, "waiting": 1}, value=Registration.status, else_=2)
    rows = []
    position = 0
    for r in db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id)
        .order_by(order, Registration.queued_at, Registration.id)
    ):
        if r.status == "waiting":
            position += 1
        rows.append((
            r.name, r.email, r.party_size, STATUS_WORDS.get(r.status, r.status),
            position if r.status == "waiting" else "", r.message,
            to_local(r.created_at).strftime("%Y-%m-%d %H:%M"), "ja" if r.attended_at else "",
        ))
    return csv_text(CSV_COLUMNS, rows, delimiter=";")
