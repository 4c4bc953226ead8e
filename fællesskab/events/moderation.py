"""The coordinator's moderation: approve or reject (with a reason) events and
proposed changes from untrusted forums, and mark forums trusted."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import fields
from ..core.errors import Forbidden, InvalidTransition, ValidationError
from ..core.time import utcnow
from ..extensions import db
from ..places.models import Forum, Place
from . import publishing, services
from .locking import lock
from .models import Event, EventRevision

REASON_MAX = 1000


def _check_coordinator(actor) -> None:
    if actor is None or not actor.has_role("coordinator"):
        raise Forbidden(_("Kun fællesskabskoordinatoren kan godkende arrangementer."))


def _clean_reason(reason) -> str:
    try:
        cleaned = fields.text(reason, max_length=REASON_MAX, required=True, label=_l("Begrundelsen"))
    except fields.FieldError as exc:
        raise ValidationError([("reason", str(exc))]) from None
    return cleaned


@dataclass
class ChangeRow:
    field: str
    old: object
    new: object


@dataclass
class QueueItem:
    """One thing to decide: a new event, or a proposed change (revision) of an approved one."""

    event: Event
    revision: EventRevision | None = None
    changes: list[ChangeRow] | None = None


def queue() -> list[QueueItem]:
    """Pending events and pending changes, soonest event first."""
    items = [QueueItem(e) for e in db.session.scalars(
        sa.select(Event).where(Event.status == "pending").order_by(Event.starts_at, Event.id)
    )]
    for revision in db.session.scalars(
        sa.select(EventRevision).join(Event).where(EventRevision.status == "pending", Event.status == "approved")
        .order_by(Event.starts_at, EventRevision.id)
    ):
        values = publishing.revision_values(revision)
        changes = [ChangeRow(f, _shown(f, getattr(revision.event, f)), _shown(f, values.get(f)))
                   for f in services.changed_fields(revision.event, values)]
        items.append(QueueItem(revision.event, revision, changes))
    items.sort(key=lambda item: (item.event.starts_at, item.revision is not None, item.event.id))
    return items


def _shown(field: str, value):
    """A value as the coordinator should read it (a place's name rather than its id)."""
    if field == "place_id" and value is not None:
        place = db.session.get(Place, value)
        return place.name if place else value
    return value


def queue_size() -> int:
    events = db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(Event.status == "pending"))
    revisions = db.session.scalar(
        sa.select(sa.func.count()).select_from(EventRevision).join(Event)
        .where(EventRevision.status == "pending", Event.status == "approved")
    )
    return (events or 0) + (revisions or 0)


def approve_event(event: Event, *, actor) -> None:
    """Publish a pending event. :raises InvalidTransition: it is not pending (any more)."""
    _check_coordinator(actor)
    event = lock(Event, event.id)
    if event.status != "pending":
        raise InvalidTransition(_not_pending(event))
    now = utcnow()
    event.status = "approved"
    event.published_at = event.published_at or now
    event.moderated_at, event.moderated_by_id, event.rejection_reason = now, actor.id, None
    event.sequence = (event.sequence or 0) + 1
    db.session.flush()


def reject_event(event: Event, reason: str, *, actor) -> None:
    """Send a pending event back to its forum with a reason the forum sees."""
    _check_coordinator(actor)
    reason = _clean_reason(reason)
    event = lock(Event, event.id)
    if event.status != "pending":
        raise InvalidTransition(_not_pending(event))
    event.status = "rejected"
    event.rejection_reason = reason
    event.moderated_at, event.moderated_by_id = utcnow(), actor.id
    db.session.flush()


def approve_revision(revision: EventRevision, *, actor) -> list[str]:
    """Apply a proposed change to its approved event; return the changed fields."""
    _check_coordinator(actor)
    event = lock(Event, revision.event_id)
    db.session.refresh(revision)
    if revision.status != "pending":
        raise InvalidTransition(_("Ændringen er allerede behandlet."))
    if event.status != "approved":
        revision.status = "withdrawn"
        db.session.flush()
        raise InvalidTransition(_("Arrangementet er aflyst, så ændringen er trukket tilbage."))
    changed = publishing.apply_changes(event, publishing.revision_values(revision), actor=actor)
    revision.status, revision.reviewed_at, revision.reviewed_by_id = "approved", utcnow(), actor.id
    event.moderated_at, event.moderated_by_id = revision.reviewed_at, actor.id
    db.session.flush()
    return changed


def reject_revision(revision: EventRevision, reason: str, *, actor) -> None:
    """Keep the approved version; the forum sees the reason."""
    _check_coordinator(actor)
    reason = _clean_reason(reason)
    lock(Event, revision.event_id)
    db.session.refresh(revision)
    if revision.status != "pending":
        raise InvalidTransition(_("Ændringen er allerede behandlet."))
    revision.status, revision.rejection_reason = "rejected", reason
    revision.reviewed_at, revision.reviewed_by_id = utcnow(), actor.id
    db.session.flush()


def set_forum_trust(forum: Forum, trusted: bool, *, actor) -> bool:
    """Mark or unmark a forum as trusted; return True when it changed."""
    _check_coordinator(actor)
    if forum.is_trusted == bool(trusted):
        return False
    forum.is_trusted = bool(trusted)
    db.session.flush()
    return True


def _not_pending(event: Event) -> str:
    return {
        "approved": _("Arrangementet er allerede godkendt."),
        "rejected": _("Arrangementet er allerede afvist."),
        "cancelled": _("Arrangementet er aflyst af lokalrådet."),
    }.get(event.status) or _("Arrangementet venter ikke på godkendelse.")
