"""The Event model."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import UTCDateTime, utcnow
from ..directory.models import Association
from ..extensions import db
from ..places.models import Forum, Place

EVENT_STATUSES = ("pending", "approved", "cancelled")


class Event(db.Model):
    """An event hosted by an association and/or a village forum."""

    __tablename__ = "events"
    __table_args__ = (
        sa.Index("ix_events_status_starts_at", "status", "starts_at"),
        sa.Index("ix_events_lat_lon", "lat", "lon"),
        sa.CheckConstraint("status IN ('pending', 'approved', 'cancelled')", name="status"),
        sa.CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
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
    def is_upcoming(self) -> bool:
        return self.starts_at >= utcnow()

    def __repr__(self) -> str:
        return f"<Event {self.external_id} {self.title!r}>"
