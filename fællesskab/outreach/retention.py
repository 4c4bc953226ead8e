"""Retention rules for the outreach data (DESIGN.md: every table of personal data has one).

* A closed case (anchored, declined, unreachable): the person's name, contact
  details, street address and the case's free text are erased
  RETENTION_CLOSED_CASE_DAYS (default 18 months) after it closed; the numbers
  for statistics stay.
* A newcomer without consent to contact holds no personal data from the start
  (see services.minimised); the row itself — the arrivals list's id and the
  household's numbers — is deleted RETENTION_STATISTICS_DAYS after it was created.
* Consent records go with their newcomer; audit rows after RETENTION_AUDIT_DAYS.
* A contact request waiting for its emailed link (confirmations.py) is deleted
  when the link is used or expires.

The periods are in core/retention.py. `purge_expired()` is one step of
`privacy purge` (privacy/purge.py), which `outreach purge` also runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..core import audit
from ..core.retention import period
from ..core.time import utcnow
from ..extensions import db
from . import confirmations, services
from .models import Case, CaseNote, ConsentRecord, ContactConfirmation, HandOver, Newcomer, NewcomerLanguage


@dataclass
class PurgeReport:
    erased: int = 0
    deleted: int = 0
    audit_rows: int = 0
    confirmations: int = 0  # contact requests whose emailed link was used or expired


def purge_expired(*, now: datetime | None = None, include_audit: bool = True) -> PurgeReport:
    """Apply the retention rules (flushes); the caller commits.

    :param include_audit: also delete old audit rows (privacy purge does that as a step of its own).
    """
    now = now or utcnow()
    report = PurgeReport()
    expired = list(db.session.scalars(
        sa.select(Newcomer).join(Case, Case.newcomer_id == Newcomer.id)
        .where(Case.is_closed.is_(True), Case.closed_at < now - period("RETENTION_CLOSED_CASE_DAYS"),
               Newcomer.erased_at.is_(None))
    ))
    for newcomer in expired:
        services.erase_personal_data(newcomer, actor=None, reason="opbevaringsperioden er udløbet")
        report.erased += 1
    old = list(db.session.scalars(sa.select(Newcomer.id).where(
        Newcomer.consent_contact.is_(False), Newcomer.created_at < now - period("RETENTION_STATISTICS_DAYS"))))
    for start in range(0, len(old), 500):
        ids = old[start:start + 500]
        case_ids = sa.select(Case.id).where(Case.newcomer_id.in_(ids))
        db.session.execute(sa.delete(CaseNote).where(CaseNote.case_id.in_(case_ids)))
        db.session.execute(sa.delete(ContactConfirmation).where(ContactConfirmation.case_id.in_(case_ids)))
        db.session.execute(sa.delete(HandOver).where(HandOver.case_id.in_(case_ids)))
        db.session.execute(sa.delete(Case).where(Case.newcomer_id.in_(ids)))
        db.session.execute(sa.delete(ConsentRecord).where(ConsentRecord.newcomer_id.in_(ids)))
        db.session.execute(sa.delete(NewcomerLanguage).where(NewcomerLanguage.newcomer_id.in_(ids)))
        db.session.execute(sa.delete(Newcomer).where(Newcomer.id.in_(ids)))
        report.deleted += len(ids)
    report.confirmations = confirmations.purge_expired(now=now)
    if include_audit:
        report.audit_rows = audit.purge_expired(now=now)
    db.session.flush()
    return report
