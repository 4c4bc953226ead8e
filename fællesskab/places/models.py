"""Place, Postcode and Forum models."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import UTCDateTime, utcnow
from ..extensions import db

PLACE_KINDS = ("town", "suburb", "village")

forum_places = sa.Table(
    "forum_places",
    db.metadata,
    sa.Column("forum_id", sa.ForeignKey("forums.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("place_id", sa.ForeignKey("places.id", ondelete="CASCADE"), primary_key=True),
)


class Postcode(db.Model):
    """A Danish postcode (postnummer) that covers part of the municipality."""

    __tablename__ = "postcodes"

    code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    lat: Mapped[float]
    lon: Mapped[float]

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


class Place(db.Model):
    """A town, suburb or village in the municipality."""

    __tablename__ = "places"
    __table_args__ = (sa.Index("ix_places_lat_lon", "lat", "lon"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    postcode: Mapped[str] = mapped_column(sa.ForeignKey("postcodes.code"), index=True)
    postal_district: Mapped[str] = mapped_column(sa.String(80))
    lat: Mapped[float]
    lon: Mapped[float]
    population: Mapped[int | None]
    former_municipality: Mapped[str | None] = mapped_column(sa.String(80))
    source: Mapped[str | None] = mapped_column(sa.Text)

    forums: Mapped[list[Forum]] = relationship(
        secondary=forum_places, back_populates="places", order_by="Forum.name"
    )

    def __repr__(self) -> str:
        return f"<Place {self.slug}>"


class Forum(db.Model):
    """A village forum (lokalråd / landsbyforum / borgerforening)."""

    __tablename__ = "forums"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    is_trusted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    places: Mapped[list[Place]] = relationship(
        secondary=forum_places, back_populates="forums", order_by=Place.name
    )

    def __repr__(self) -> str:
        return f"<Forum {self.slug}>"
