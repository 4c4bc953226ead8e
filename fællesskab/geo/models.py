"""Geodata tables: named streets, the municipality boundary, official addresses
and the online geocoders' cache."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import UTCDateTime, utcnow
from ..extensions import db


class Street(db.Model):
    """One named street within one postcode, with a representative point (OSM, ODbL)."""

    __tablename__ = "streets"
    __table_args__ = (
        sa.UniqueConstraint("name", "postcode", name="uq_streets_name_postcode"),
        sa.Index("ix_streets_name_key", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # Folded form used for lookups (lowercase, 'aa' -> 'å', abbreviations expanded).
    name_key: Mapped[str] = mapped_column(sa.String(120))
    # No foreign key: a few OSM streets lie in a neighbouring postcode (e.g. 6600 Vejen).
    postcode: Mapped[str] = mapped_column(sa.String(4), index=True)
    lat: Mapped[float]
    lon: Mapped[float]
    locality: Mapped[str | None] = mapped_column(sa.String(80))


class Boundary(db.Model):
    """An administrative boundary as a GeoJSON polygon (WGS84)."""

    __tablename__ = "boundaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    geojson: Mapped[str] = mapped_column(sa.Text)


class Address(db.Model):
    """One official access address (adgangsadresse) from an imported DAWA/DAR list."""

    __tablename__ = "addresses"
    __table_args__ = (
        sa.UniqueConstraint("postcode", "street", "house_number", name="uq_addresses_postcode_street_house_number"),
        sa.Index("ix_addresses_street_key_house_number", "street_key", "house_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # DAWA's access-address id (adgangsadresseid, or id in an adgangsadresser export).
    dawa_id: Mapped[str | None] = mapped_column(sa.String(40))
    street: Mapped[str] = mapped_column(sa.String(120))
    street_key: Mapped[str] = mapped_column(sa.String(120))
    house_number: Mapped[str] = mapped_column(sa.String(12))
    postcode: Mapped[str] = mapped_column(sa.String(4))
    postal_district: Mapped[str] = mapped_column(sa.String(80))
    supplementary_town: Mapped[str | None] = mapped_column(sa.String(80))
    lat: Mapped[float]
    lon: Mapped[float]

    @property
    def label(self) -> str:
        town = f"{self.supplementary_town}, " if self.supplementary_town else ""
        return f"{self.street} {self.house_number}, {town}{self.postcode} {self.postal_district}"


class GeocodeCache(db.Model):
    """An online provider's answer to one query, kept until `expires_at`.

    Only a hash of the folded query is stored, not the text a person typed.
    """

    __tablename__ = "geocode_cache_entries"
    __table_args__ = (
        sa.UniqueConstraint("provider", "query_hash", name="uq_geocode_cache_entries_provider_query_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(32))
    query_hash: Mapped[str] = mapped_column(sa.String(64))
    is_found: Mapped[bool] = mapped_column(default=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    precision: Mapped[str | None] = mapped_column(sa.String(16))
    label: Mapped[str | None] = mapped_column(sa.String(300))
    postcode: Mapped[str | None] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
