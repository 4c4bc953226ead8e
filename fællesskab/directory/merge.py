"""Merge two duplicate listings: everything that points at the duplicate moves to the survivor.

The duplicate is archived (kept with its history) and its slug redirects to the
survivor. References this package cannot see (the events it hosts, a case's
stored suggestions in outreach) move through steps registered with
`register_step()` (from the app factory), so the directory never imports the
packages above it.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core.errors import Forbidden, ValidationError
from ..core.time import utcnow
from ..extensions import db
from . import revisions
from .models import Association, AssociationRevision, ListingLink

# step(duplicate, survivor) -> how many references it moved
Step = Callable[[Association, Association], int]
_steps: dict[str, Step] = {}


def register_step(name: str, step: Step) -> None:
    """Let a package above the directory move its own references in a merge."""
    _steps[name] = step


def merge_associations(duplicate: Association, survivor: Association, *, actor) -> dict[str, int]:
    """Move the duplicate's references to the survivor, archive the duplicate; return moved counts per kind.

    :raises ValidationError: the two are the same listing, or one of them is already merged away.
    """
    if actor is None or not actor.has_role("coordinator"):
        raise Forbidden(_("Kun fællesskabskoordinatoren kan gøre dette."))
    if duplicate.id == survivor.id:
        raise ValidationError(_("Vælg en anden forening end den, der skal flettes."), field="survivor")
    if survivor.merged_into_id is not None or survivor.status == "archived":
        raise ValidationError(_("Foreningen, der skal beholdes, er arkiveret eller selv flettet ind i en anden."),
                              field="survivor")
    if duplicate.merged_into_id is not None:
        raise ValidationError(_("Foreningen er allerede flettet ind i en anden."), field="survivor")
    moved: dict[str, int] = {}
    for name, step in _steps.items():
        moved[name] = step(duplicate, survivor)
    # The duplicate's waiting corrections and links die with it: they describe a listing that is gone.
    now = utcnow()
    db.session.execute(sa.update(AssociationRevision).where(
        AssociationRevision.association_id == duplicate.id, AssociationRevision.status == "pending")
        .values(status="withdrawn", reviewed_at=now).execution_options(synchronize_session=False))
    db.session.execute(sa.update(ListingLink).where(ListingLink.association_id == duplicate.id,
                                                    ListingLink.used_at.is_(None))
                       .values(used_at=now).execution_options(synchronize_session=False))
    revisions.record(duplicate, "merge", {"status": [duplicate.status, "archived"],
                                          "merged_into_id": [None, survivor.id]},
                     actor=actor, note=f"flettet ind i {survivor.external_id}")
    revisions.record(survivor, "merge", {"merged_from": [None, duplicate.external_id]}, actor=actor,
                     note=", ".join(f"{k}: {v}" for k, v in moved.items()))
    duplicate.status = "archived"
    duplicate.merged_into_id = survivor.id
    db.session.flush()
    return moved
