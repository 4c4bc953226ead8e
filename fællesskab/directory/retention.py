"""Retention for the directory's personal data: who asked to correct a listing, and their links.

* `association_revisions.email`: the address a contact's correction or request came
  from. Kept with a settled revision for RETENTION_DIRECTORY_EMAIL_DAYS after it was
  made (who asked for a change is what the coordinator needs for a while afterwards),
  then blanked; the revision itself (what changed) stays as the listing's history.
  A revision still waiting in the approval queue keeps its address: approving a
  request uses it.
* `association_links`: a used or expired single-use link is deleted
  RETENTION_DIRECTORY_LINK_DAYS after it was used or expired; a link still valid stays.

Run by `privacy purge` (privacy/purge.py); `erase_email` by a person's erasure
(privacy/erase.py). The caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..core.retention import period
from ..core.time import utcnow
from ..extensions import db
from .models import AssociationRevision, ListingLink


@dataclass
class DirectoryPurge:
    emails: int = 0  # revisions whose email was blanked
    links: int = 0  # links deleted


def purge_expired(*, now: datetime | None = None) -> DirectoryPurge:
    """Blank old revisions' emails and delete old used or expired links; return the counts."""
    now = now or utcnow()
    email_cutoff = now - period("RETENTION_DIRECTORY_EMAIL_DAYS")
    link_cutoff = now - period("RETENTION_DIRECTORY_LINK_DAYS")
    revisions = AssociationRevision.__table__
    emails = db.session.execute(
        sa.update(revisions)
        .where(revisions.c.email.is_not(None), revisions.c.status != "pending",
               revisions.c.created_at < sa.bindparam("cutoff", type_=AssociationRevision.created_at.type))
        .values(email=None),
        {"cutoff": email_cutoff},
    ).rowcount or 0
    links = ListingLink.__table__
    at = ListingLink.expires_at.type
    deleted = db.session.execute(
        sa.delete(links).where(sa.or_(
            links.c.used_at < sa.bindparam("used_cutoff", type_=at),
            links.c.expires_at < sa.bindparam("expired_cutoff", type_=at),
        )),
        {"used_cutoff": link_cutoff, "expired_cutoff": link_cutoff},
    ).rowcount or 0
    return DirectoryPurge(emails=emails, links=deleted)


def erase_email(email: str) -> int:
    """Forget `email` in the directory (a person's erasure); return the rows changed.

    The revisions keep what changed, without the address; a request or correction still
    waiting is withdrawn, as it cannot be answered any more; the person's links are deleted.
    """
    revisions = AssociationRevision.__table__
    mine = sa.func.lower(revisions.c.email) == email
    changed = db.session.execute(
        sa.update(revisions).where(mine, revisions.c.status == "pending").values(email=None, status="withdrawn")
    ).rowcount or 0
    changed += db.session.execute(sa.update(revisions).where(mine).values(email=None)).rowcount or 0
    links = ListingLink.__table__
    changed += db.session.execute(sa.delete(links).where(sa.func.lower(links.c.email) == email)).rowcount or 0
    return changed
