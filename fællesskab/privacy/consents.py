"""Withdraw one consent purpose, with its effects, whoever asks.

The consent records themselves live in outreach (models.ConsentRecord,
consent.py for the texts, services.add_consent); this is the one door for
withdrawing, used by the newcomer's self-service page and the coordinator's
case page:

* contact  — the case is no longer contactable: personal data erased, case closed
             (outreach.services.withdraw_contact);
* handover — active hand-overs end and no new one can start (handover.py checks
             consent_handover); a handed-over case goes back to "matched";
* survey   — no survey is sent (surveys/ reads Newcomer.consent_survey).
"""
from __future__ import annotations

from ..core import audit
from ..core.errors import ValidationError
from ..extensions import db
from ..outreach import consent, services
from ..outreach.models import Newcomer

LABELS = {
    consent.CONTACT: "kontakt fra fællesskabskoordinatoren",
    consent.HANDOVER: "overdragelse til lokalråd",
    consent.SURVEY: "spørgeskemaer",
}


def current(newcomer: Newcomer) -> dict[str, bool]:
    """The person's current consent per purpose."""
    return {consent.CONTACT: newcomer.consent_contact, consent.HANDOVER: newcomer.consent_handover,
            consent.SURVEY: newcomer.consent_survey}


def withdraw(newcomer: Newcomer, purpose: str, *, actor=None, source: str) -> bool:
    """Withdraw consent `purpose` and apply its effects (flushes). Returns False if it was not given.

    :param source: the channel — "self-service" (the person) or "coordinator".
    :raises ValidationError: an unknown purpose.
    """
    if purpose not in consent.PURPOSES:
        raise ValidationError([("purpose", "Ukendt formål.")])
    if not current(newcomer)[purpose]:
        return False
    if purpose == consent.CONTACT:
        services.withdraw_contact(newcomer, actor=actor, source=source)
        return True
    services.add_consent(newcomer, purpose, False, version=consent.CURRENT[purpose], source=source, actor=actor)
    case = newcomer.case
    if purpose == consent.HANDOVER and case is not None:
        services.stop_handover(case)
    if case is not None:
        services.add_timeline_entry(case, "consent", "", actor=actor,
                                    data={"kind": purpose, "granted": False, "source": source})
    audit.record(actor, "update", "newcomer", newcomer.id,
                 f"samtykke til {LABELS[purpose]} trukket tilbage ({source})")
    db.session.flush()
    return True
