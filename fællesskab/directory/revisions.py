"""A listing's history: every change kept as a revision (who, when, field -> [old, new]) and in the audit log.

Services call `record()` as they change a listing, so the coordinator's form,
the CSV importer, a contact's correction and the reminders leave the same trail.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..core import audit
from ..core.time import utcnow
from ..extensions import db
from .models import Association, AssociationRevision

# What the audit row says per kind (ids and field names only: the audit log holds no personal data).
AUDIT_ACTION = {"create": "create", "update": "update", "status": "update", "merge": "merge", "verify": "update",
                "trust": "update", "correction": "update", "claim": "request"}


def jsonable(value: Any) -> Any:
    """A value as the JSON column keeps it (lists stay lists; tuples become lists)."""
    if isinstance(value, tuple):
        return list(value)
    return value


def diff(assoc: Association, values: dict[str, Any], keys) -> dict[str, list]:
    """field -> [old, new] for every key whose value in `values` differs from the listing's."""
    out = {}
    for key in keys:
        if key not in values:
            continue
        old, new = getattr(assoc, key), values[key]
        if old != new:
            out[key] = [jsonable(old), jsonable(new)]
    return out


def record(assoc: Association, kind: str, changes: dict | None = None, *, actor=None, source: str = "coordinator",
           status: str = "applied", email: str | None = None, note: str = "") -> AssociationRevision:
    """Add a revision of `assoc` to the session and, for applied changes and requests, an audit row.

    The listing may not have an id yet (a bulk import): the revision hangs on the relationship.
    """
    revision = AssociationRevision(
        association=assoc, kind=kind, status=status, source=source, changes=changes or {}, note=note[:2000],
        email=email, actor_id=getattr(actor, "id", None), actor_label=audit.actor_label(actor), created_at=utcnow(),
    )
    db.session.add(revision)
    if assoc.id is not None:
        audit_for(revision, assoc.id, actor)
    return revision


def audit_for(revision: AssociationRevision, assoc_id: int, actor) -> None:
    fields = ", ".join(sorted(revision.changes)) or "-"
    audit.record(actor, AUDIT_ACTION.get(revision.kind, "update"), "association", assoc_id,
                 f"{revision.kind} ({revision.source}, {revision.status}): {fields}")


def history(assoc: Association, *, limit: int = 50) -> list[AssociationRevision]:
    """The listing's revisions, newest first."""
    return list(db.session.scalars(
        sa.select(AssociationRevision).where(AssociationRevision.association_id == assoc.id)
        .order_by(AssociationRevision.id.desc()).limit(limit)
    ))


def pending() -> list[AssociationRevision]:
    """Contacts' corrections and requests waiting for the coordinator, oldest first."""
    return list(db.session.scalars(
        sa.select(AssociationRevision).where(AssociationRevision.status == "pending")
        .order_by(AssociationRevision.id)
    ))


def pending_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AssociationRevision)
                             .where(AssociationRevision.status == "pending")) or 0
