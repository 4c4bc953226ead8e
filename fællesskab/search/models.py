"""The search change log: one row per changed document, written in the same
transaction as the change, so every app node can replay it into its own index."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import UTCDateTime, utcnow
from ..extensions import db


class SearchChange(db.Model):
    """`doc_id` ("association:12", "event:7") changed; nodes re-read its row.

    Rows hold no document: a node applies the row's current state from the
    database, so replaying a change twice or late is harmless.
    """

    __tablename__ = "search_changes"
    # AUTOINCREMENT on SQLite: ids never come back after the newest rows are pruned.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    doc_id: Mapped[str] = mapped_column(sa.String(40))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
