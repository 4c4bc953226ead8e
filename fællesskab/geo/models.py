"""Reference geodata tables: named streets and the municipality boundary."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

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
