"""Survey tokens, anonymous survey answers and the log of searches that found nothing.

An answer holds only what the dashboard needs (kind, scores, area, quarter,
language): no token, no case, no timestamp that could be matched against a
token's use. A token names a newcomer only until it is used.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import UTCDateTime, utcnow
from ..extensions import db

KINDS = ("newcomer", "leaver")
BELONGING = ("yes", "on_way", "no")
FOUND = ("yes", "no")
MOVE_REASONS = ("work", "study", "family", "housing", "nature", "services", "community", "other")
CHANNELS = ("invited", "open")


class SurveyToken(db.Model):
    """A single-use survey link; only its SHA-256 hash is stored.

    `newcomer_id` is set for an emailed newcomer survey until the answer
    comes in, then cleared, so no used token points at a person.
    """

    __tablename__ = "survey_tokens"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('newcomer', 'leaver')", name="kind"),
        sa.Index("ix_survey_tokens_used_expires", "is_used", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    newcomer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("newcomers.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.String(2), default="da")
    # The forum or locality the answer is counted under (None: unknown).
    area: Mapped[str | None] = mapped_column(sa.String(120))
    is_used: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SurveyResponse(db.Model):
    """One anonymous answer to the newcomer or the leaver survey."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('newcomer', 'leaver')", name="kind"),
        sa.CheckConstraint("channel IN ('invited', 'open')", name="channel"),
        sa.CheckConstraint("ease_score IS NULL OR ease_score BETWEEN 1 AND 5", name="ease_range"),
        sa.CheckConstraint("nps_score IS NULL OR nps_score BETWEEN 0 AND 10", name="nps_range"),
        sa.Index("ix_survey_responses_kind_quarter", "kind", "quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    channel: Mapped[str] = mapped_column(sa.String(8))
    # "2026-Q3", in Copenhagen time: the finest time grain kept.
    quarter: Mapped[str] = mapped_column(sa.String(7))
    area: Mapped[str | None] = mapped_column(sa.String(120))
    language: Mapped[str] = mapped_column(sa.String(2), default="da")
    ease_score: Mapped[int | None]
    belonging: Mapped[str | None] = mapped_column(sa.String(8))
    nps_score: Mapped[int | None]
    move_reason: Mapped[str | None] = mapped_column(sa.String(16))
    move_reason_other: Mapped[str | None] = mapped_column(sa.String(200))
    found_community: Mapped[str | None] = mapped_column(sa.String(8))
    comment: Mapped[str | None] = mapped_column(sa.Text)


class SearchMiss(db.Model):
    """How often a normalised query found nothing on a day (no personal data kept)."""

    __tablename__ = "search_misses"
    __table_args__ = (sa.UniqueConstraint("day", "query"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    query: Mapped[str] = mapped_column(sa.String(100))
    count: Mapped[int] = mapped_column(default=1)
