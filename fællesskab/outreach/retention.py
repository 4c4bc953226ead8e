"""Retention rules for the outreach data (DESIGN.md: every table of personal data has one).

* A closed case (anchored, declined, unreachable): the person's name, contact
  details, street address and the case's free text are erased CLOSED_RETENTION
  after it closed; the numbers for statistics stay.
* A newcomer without consent to contact holds no personal data from the start
  (see services.minimised); the row itself — the arrivals list's id and the
  household's numbers — is deleted STATISTICS_RETENTION after it was created.
* Consent records go with their newcomer; audit rows after core.audit.RETENTION.

`purge_expired()` is meant for the `privacy purge` command (and `outreach purge`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..core import audit
from ..core.time import utcnow
from ..extensions import db
from . import services
from .models import Case, CaseNote, ConsentRecord, HandOver, Newcomer, NewcomerLanguage

CLOSED_RETENTION = timedelta(days=365)
STATISTICS_RETENTION = timedelta(days=3 * 365)


@dataclass
class PurgeReport:
    erased: int = 0
    deleted: int = 0
    audit_rows: int = 0


def purge_expired(*, now: datetime | None = None) -> PurgeReport:
    """Apply the retention rules (flushes); the caller commits."""
    now = now or utcnow()
    report = PurgeReport()
    expired = list(db.session.scalars(
        sa.select(Newcomer).join(Case, Case.newcomer_id == Newcomer.id)
        .where(Case.is_closed.is_(True), Case.closed_at < now - CLOSED_RETENTION, Newcomer.erased_at.is_(None))
    ))
    for newcomer in expired:
        services.erase_personal_data(newcomer, actor=None, reason="opbevaringsperioden er udløbet")
        report.erased += 1
    old = list(db.session.scalars(sa.select(Newcomer.id).where(
        Newcomer.consent_contact.is_(False), Newcomer.created_at < now - STATISTICS_RETENTION)))
    for start in range(0, len(old), 500):
        ids = old[start:start + 500]
        case_ids = sa.select(Case.id).where(Case.newcomer_id.in_(ids))
        db.session.execute(sa.delete(CaseNote).where(CaseNote.case_id.in_(case_ids)))
        db.session.execute(sa.delete(HandOver).where(HandOver.case_id.in_(case_ids)))
        db.session.execute(sa.delete(Case).where(Case.newcomer_id.in_(ids)))
        db.session.execute(sa.delete(ConsentRecord).where(ConsentRecord.newcomer_id.in_(ids)))
        db.session.execute(sa.delete(NewcomerLanguage).where(NewcomerLanguage.newcomer_id.in_(ids)))
        db.session.execute(sa.delete(Newcomer).where(Newcomer.id.in_(ids)))
        report.deleted += len(ids)
    report.audit_rows = audit.purge_expired(now=now)
    db.session.flush()
    return report
