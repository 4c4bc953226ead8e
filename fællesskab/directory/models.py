"""The Association model, its revisions (who changed what) and the links that let a contact correct it."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import UTCDateTime, utcnow
from ..extensions import db
from ..places.models import Place

ASSOCIATION_STATUSES = ("draft", "published", "archived")


class Association(db.Model):
    """An association (forening) listed in the directory."""

    __tablename__ = "associations"
    __table_args__ = (
        sa.Index("ix_associations_lat_lon", "lat", "lon"),
        sa.CheckConstraint("status IN ('draft', 'published', 'archived')", name="status"),
        sa.CheckConstraint(
            "age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="age_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Optional English text: the English UI shows it when present, else the Danish ("Only in Danish").
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    summary_en: Mapped[str | None] = mapped_column(sa.String(300))
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(32), index=True)
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    target_groups: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=lambda: ["da"])
    address: Mapped[str | None] = mapped_column(sa.String(200))
    postcode: Mapped[str | None] = mapped_column(sa.String(4))
    town: Mapped[str | None] = mapped_column(sa.String(80))
    lat: Mapped[float]
    lon: Mapped[float]
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id"), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    meeting_times: Mapped[str | None] = mapped_column(sa.String(300))
    price_dkk_per_year: Mapped[int | None]
    welcomes_newcomers: Mapped[bool | None]
    status: Mapped[str] = mapped_column(sa.String(16), default="published", index=True)
    last_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A trusted contact's corrections publish at once; reset when the contact email changes.
    is_contact_trusted: Mapped[bool] = mapped_column(default=False)
    # Reminders to confirm the listing (directory remind-stale) since it was last verified.
    reminders_sent: Mapped[int] = mapped_column(default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A duplicate merged into another listing: archived, and its slug redirects there.
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    place: Mapped[Place | None] = relationship()
    merged_into: Mapped[Association | None] = relationship(remote_side=[id])

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def age_label(self) -> str | None:
        """Return '6–10 år', '60+ år' or None."""
        if self.age_min is None and self.age_max is None:
            return None
        if self.age_max is None:
            return f"{self.age_min}+"
        if self.age_min is None:
            return f"0–{self.age_max}"
        return f"{self.age_min}–{self.age_max}"

    def __repr__(self) -> str:
        return f"<Association {self.external_id} {self.slug}>"


REVISION_KINDS = ("create", "update", "status", "merge", "verify", "trust", "correction", "claim")
REVISION_STATUSES = ("applied", "pending", "approved", "rejected", "withdrawn")


class AssociationRevision(db.Model):
    """One change of a listing (who, when, what: `changes` maps field -> [old, new]).

    Applied at once ("applied"), or, for a contact's correction or a request for
    a correction link ("claim"), waiting in the coordinator's approval queue
    ("pending" until approved, rejected or withdrawn).
    """

    __tablename__ = "association_revisions"
    __table_args__ = (
        sa.Index("ix_association_revisions_association_id_id", "association_id", "id"),
        sa.Index("ix_association_revisions_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("associations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16), default="applied")
    source: Mapped[str] = mapped_column(sa.String(16), default="coordinator")  # coordinator|import|contact|system
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # The address a contact's correction or request came from (kept with the change it made).
    email: Mapped[str | None] = mapped_column(sa.String(254))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    association: Mapped[Association] = relationship()

    def __repr__(self) -> str:
        return f"<AssociationRevision {self.id} {self.kind} {self.status}>"


class ListingLink(db.Model):
    """A signed, single-use link sent to a listing's contact email: confirm or correct that listing only."""

    __tablename__ = "association_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("associations.id", ondelete="CASCADE"), index=True)
    token_key: Mapped[str] = mapped_column(sa.String(32))  # part of the signed link: a link fits one row only
    email: Mapped[str] = mapped_column(sa.String(254))
    purpose: Mapped[str] = mapped_column(sa.String(16))  # "correct" (asked for) | "reminder"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    association: Mapped[Association] = relationship()
