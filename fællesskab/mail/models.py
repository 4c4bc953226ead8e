"""The outbox: every email, queued in the transaction that caused it."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import UTCDateTime, utcnow
from ..extensions import db

OUTBOX_STATUSES = ("queued", "sent")


class OutboxMessage(db.Model):
    """One email to one recipient, kept until it has been sent.

    Personal data (an address and a message about a person): sent messages
    may be deleted after a while; queued ones are kept until they are sent.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint("status IN ('queued', 'sent')", name="status"),
        sa.Index("ix_outbox_messages_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), default="")
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(2), default="da")
    # Fixed when queued, so a retried message keeps its Message-ID (receivers de-duplicate).
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A sender (a worker, `mail retry`, or the request in MAIL_DELIVERY=request) holds the
    # message until then; another sender leaves it alone, so it is sent once (mail/delivery.py).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After a failed attempt: the worker waits until then (back-off); `mail retry` does not.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
