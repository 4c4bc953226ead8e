"""Event, its sign-ups (Registration) and an untrusted forum's proposed changes (EventRevision)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import UTCDateTime, utcnow
from ..directory.models import Association
from ..extensions import db
from ..places.models import Forum, Place
from . import recurrence

# pending: waits for the coordinator; rejected: the coordinator said no (with a reason);
# approved: public; cancelled: public as cancelled when it had been published.
EVENT_STATUSES = ("pending", "approved", "rejected", "cancelled")
RECURRENCES = tuple(recurrence.INTERVAL_DAYS)  # weekly, fortnightly
REGISTRATION_STATUSES = ("confirmed", "waiting", "cancelled")
REVISION_STATUSES = ("pending", "approved", "rejected", "withdrawn")


def _next_starts_default(context) -> datetime | None:
    """`next_starts_at` for rows inserted without the ORM (bulk Core inserts, benchmarks)."""
    row = context.get_current_parameters()
    first = row.get("starts_at")
    if first is None:
        return None
    return recurrence.stored_next(first, row.get("recurrence"), row.get("repeat_until"), utcnow())


class Event(db.Model):
    """An event hosted by an association and/or a village forum."""

    __tablename__ = "events"
    __table_args__ = (
        sa.Index("ix_events_status_starts_at", "status", "starts_at"),
        sa.Index("ix_events_lat_lon", "lat", "lon"),
        # Lists and counts of upcoming events: status = ? AND next_starts_at >= ? ORDER BY next_starts_at, id.
        sa.Index("ix_events_status_next_starts_at", "status", "next_starts_at", "id"),
        # The same by kind (the front page's welcome meetings, the list's type filter): counts too.
        sa.Index("ix_events_status_kind_next_starts_at", "status", "kind", "next_starts_at", "id"),
        # The few series whose stored next start has passed (see `next_starts_at`).
        sa.Index("ix_events_series_next_starts_at", "next_starts_at",
                 sqlite_where=sa.text("recurrence IS NOT NULL"),
                 postgresql_where=sa.text("recurrence IS NOT NULL")),
        sa.UniqueConstraint("created_by_id", "submission_key", name="uq_events_created_by_id_submission_key"),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'cancelled')", name="status"),
        sa.CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint(
            "(recurrence IS NULL AND repeat_until IS NULL) OR "
            "(recurrence IN ('weekly', 'fortnightly') AND repeat_until IS NOT NULL)",
            name="recurrence_has_end",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Optional English text (CSV `name_en`, `description_en`): shown by the English UI when present.
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # weekly | fortnightly, repeating the start's Copenhagen wall-clock time up to and
    # including the local date `repeat_until`.
    recurrence: Mapped[str | None] = mapped_column(sa.String(16))
    repeat_until: Mapped[date | None] = mapped_column(sa.Date)
    # The stored next start (recurrence.stored_next), kept on every insert and update (the
    # hooks below) and moved on by `flask events refresh-next`: a one-off event's start; a
    # series' first start at or after (when it was computed - RECENT); NULL when a series
    # is over. Reads treat a series whose value has passed as stale and compute it again
    # (services.list_upcoming), so results are exact whether or not the refresh ran.
    next_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=_next_starts_default)
    address: Mapped[str | None] = mapped_column(sa.String(200))
    postcode: Mapped[str | None] = mapped_column(sa.String(4))
    town: Mapped[str | None] = mapped_column(sa.String(80))
    lat: Mapped[float]
    lon: Mapped[float]
    capacity: Mapped[int | None]
    registration_required: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(16), default="approved", index=True)
    association_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("associations.id", ondelete="SET NULL"), index=True
    )
    forum_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("forums.id", ondelete="SET NULL"), index=True
    )
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"), index=True)
    # When it first became public; a cancelled event that never was stays hidden.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # A form's one-time key: a double submit finds the event the first submit made.
    # Unique per account only, so another account's key never finds this event.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64))
    # iCalendar SEQUENCE: raised on every change calendar clients should pick up.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    association: Mapped[Association | None] = relationship()
    forum: Mapped[Forum | None] = relationship()
    place: Mapped[Place | None] = relationship()

    @property
    def host_name(self) -> str | None:
        """Return who hosts the event, forum first."""
        if self.forum is not None:
            return self.forum.name
        if self.association is not None:
            return self.association.name
        return None

    @property
    def duration(self):
        return (self.ends_at - self.starts_at) if self.ends_at else None

    @property
    def is_recurring(self) -> bool:
        return self.recurrence is not None and self.repeat_until is not None

    @property
    def last_starts_at(self) -> datetime:
        """The start of the last occurrence (the only one for a one-off event)."""
        if not self.is_recurring:
            return self.starts_at
        return recurrence.last_start(self.starts_at, self.recurrence, self.repeat_until)

    @property
    def is_upcoming(self) -> bool:
        return self.last_starts_at >= utcnow()

    @property
    def is_public(self) -> bool:
        return self.status == "approved" or (self.status == "cancelled" and self.published_at is not None)

    def occurrences(self, after: datetime | None = None, limit: int = 10) -> list[datetime]:
        """Starts (UTC) of up to `limit` occurrences that start at or after `after`."""
        return recurrence.starts_between(self.starts_at, self.recurrence, self.repeat_until,
                                         after=after, limit=limit)

    def __repr__(self) -> str:
        return f"<Event {self.external_id} {self.title!r}>"


@sa.event.listens_for(Event, "before_insert")
@sa.event.listens_for(Event, "before_update")
def _keep_next_starts_at(_mapper, _connection, event: Event) -> None:
    """Every ORM write (services, importer, moderation, tests) stores the next start afresh."""
    if event.starts_at is not None:
        event.next_starts_at = recurrence.stored_next(event.starts_at, event.recurrence, event.repeat_until,
                                                      utcnow())


class Registration(db.Model):
    """A sign-up (tilmelding) for an event, made without an account.

    Personal data: deleted with the event's data after the event (retention).
    """

    __tablename__ = "registrations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "email"),
        sa.Index("ix_registrations_event_id_status", "event_id", "status"),
        sa.CheckConstraint("status IN ('confirmed', 'waiting', 'cancelled')", name="status"),
        sa.CheckConstraint("party_size >= 1", name="party_size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    # Stored lowercased, so one person has one sign-up per event.
    email: Mapped[str] = mapped_column(sa.String(254))
    party_size: Mapped[int] = mapped_column(default=1)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16))
    language: Mapped[str] = mapped_column(sa.String(2), default="da")
    # Part of the signed cancel token, so a token never fits another person's
    # registration that happens to get the same id later.
    token_key: Mapped[str] = mapped_column(sa.String(32))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # waiting-list order
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The occurrence (its start) the last reminder was about; each is reminded once.
    reminded_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Marked by the forum after the event: this sign-up came (the strategy counts attendance).
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status != "cancelled"

    def __repr__(self) -> str:
        return f"<Registration {self.id} event={self.event_id} {self.status}>"


class EventRevision(db.Model):
    """Changes an untrusted forum proposed to an approved event.

    The approved event stays public, unchanged, until the coordinator approves.
    """

    __tablename__ = "event_revisions"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'withdrawn')", name="status"),
        sa.Index("ix_event_revisions_event_id_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    data: Mapped[dict] = mapped_column(sa.JSON)  # cleaned values, datetimes as ISO 8601
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()

    def __repr__(self) -> str:
        return f"<EventRevision {self.id} event={self.event_id} {self.status}>"
