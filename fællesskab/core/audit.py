"""The audit log: who looked at or changed whose personal data, and when.

DESIGN.md: every read of personal data by staff is written here. Rows hold
ids and a short description, never the personal data itself, so the log can
be kept longer than the data it describes (RETENTION). `record()` adds a row
to the caller's transaction (it does not flush or commit): a change and its
audit row are committed together, and a rolled-back change leaves no row.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .retention import DEFAULTS as _RETENTION_DEFAULTS
from .retention import period
from .time import UTCDateTime, utcnow

# The default (RETENTION_AUDIT_DAYS, two years): long enough to answer a
# person's access request about last year.
RETENTION = timedelta(days=_RETENTION_DEFAULTS["RETENTION_AUDIT_DAYS"])
MAX_DETAIL = 2000


class AuditEntry(db.Model):
    """One staff action on personal data (a view, a change, an export, an email)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_subject", "subject_type", "subject_id", "at"),
        sa.Index("ix_audit_log_actor_id_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Who: the account (kept as a label too, should the account be deleted); None is the system (CLI, cron).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(sa.String(300), default="")
    # What: view | list | update | create | export | email | letter | handover | import | erase | ...
    action: Mapped[str] = mapped_column(sa.String(32))
    subject_type: Mapped[str] = mapped_column(sa.String(32))  # newcomer | cases | ...
    subject_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(sa.Text, default="")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.subject_type}:{self.subject_id} by {self.actor_id}>"


def actor_label(actor) -> str:
    if actor is None:
        return "system"
    role = getattr(actor, "role", "")
    forum = getattr(actor, "forum", None) if role == "forum" else None
    label = f"{getattr(actor, 'email', '?')} ({role}{', ' + forum.name if forum is not None else ''})"
    return label[:300]


def record(actor, action: str, subject_type: str, subject_id: int | None = None, detail: str = "") -> AuditEntry:
    """Add an audit row for `actor` (a User, or None for the system) to the current transaction."""
    entry = AuditEntry(
        at=utcnow(), actor_id=getattr(actor, "id", None), actor_label=actor_label(actor), action=action[:32],
        subject_type=subject_type[:32], subject_id=subject_id, detail=(detail or "")[:MAX_DETAIL],
    )
    db.session.add(entry)
    return entry


def entries_for(subject_type: str, subject_id: int, *, limit: int = 20) -> list[AuditEntry]:
    """The latest audit rows about one subject, newest first."""
    return list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    ))


def purge_expired(*, now: datetime | None = None) -> int:
    """Delete audit rows older than RETENTION_AUDIT_DAYS; return how many (flushes)."""
    cutoff = (now or utcnow()) - period("RETENTION_AUDIT_DAYS")
    result = db.session.execute(sa.delete(AuditEntry).where(AuditEntry.at < cutoff))
    db.session.flush()
    return result.rowcount or 0
