"""Everything the service holds about one email address, as plain data (GDPR art. 15 and 20).

The same dict feeds the self-service page and its JSON download, so what a
person sees and what they download never differ.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from ..events.models import Registration
from ..extensions import db
from ..mail.models import OutboxMessage
from ..outreach import consent
from ..outreach.models import CaseNote, Newcomer

PROFILE = ("name", "email", "phone", "address", "postcode", "town", "move_in_date", "adults", "children_ages",
           "languages", "interests", "preferred_language", "source", "created_at")


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def newcomers_for(email: str) -> list[Newcomer]:
    return list(db.session.scalars(
        sa.select(Newcomer).where(sa.func.lower(Newcomer.email) == email, Newcomer.erased_at.is_(None))
        .order_by(Newcomer.id)))


def _newcomer(newcomer: Newcomer) -> dict[str, Any]:
    data: dict[str, Any] = {"id": newcomer.id, **{k: _plain(getattr(newcomer, k)) for k in PROFILE}}
    data["place"] = newcomer.place_label or None
    data["consents_now"] = {"contact": newcomer.consent_contact, "handover": newcomer.consent_handover,
                            "survey": newcomer.consent_survey}
    data["consent_history"] = [{
        "purpose": record.kind, "granted": record.granted, "at": _plain(record.recorded_at),
        "how": record.source, "text_version": record.text_version,
        "text": consent.text(record.text_version, newcomer.preferred_language),
    } for record in newcomer.consents]
    case = newcomer.case
    if case is not None:
        notes = db.session.scalars(sa.select(CaseNote).where(CaseNote.case_id == case.id)
                                   .order_by(CaseNote.created_at, CaseNote.id))
        data["case"] = {
            "id": case.id, "status": case.status, "opened_at": _plain(case.created_at),
            "closed_at": _plain(case.closed_at),
            "handed_to_forum": case.handed_to_forum.name if case.handed_to_forum is not None else None,
            "timeline": [{"at": _plain(n.created_at), "kind": n.kind, "text": n.text} for n in notes],
        }
    else:
        data["case"] = None
    return data


def collect(email: str) -> dict[str, Any]:
    """The person's data under `email` (lowercased): newcomer records, sign-ups, emails sent."""
    email = email.strip().lower()
    registrations = db.session.scalars(
        sa.select(Registration).where(sa.func.lower(Registration.email) == email).order_by(Registration.created_at))
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(sa.func.lower(OutboxMessage.to_address) == email)
        .order_by(OutboxMessage.created_at, OutboxMessage.id))
    return {
        "email": email,
        "newcomers": [_newcomer(n) for n in newcomers_for(email)],
        "registrations": [{
            "event": r.event.title, "event_starts_at": _plain(r.event.starts_at), "name": r.name,
            "party_size": r.party_size, "status": r.status, "message": r.message,
            "signed_up_at": _plain(r.created_at), "attended_at": _plain(r.attended_at),
        } for r in registrations],
        "messages": [{
            "kind": m.kind, "subject": m.subject, "status": m.status, "created_at": _plain(m.created_at),
            "sent_at": _plain(m.sent_at), "text": m.text_body,
        } for m in messages],
    }


def holds_anything(data: dict[str, Any]) -> bool:
    """Whether there is more than the self-service emails themselves."""
    return bool(data["newcomers"] or data["registrations"]
                or any(m["kind"] != ACCESS_MAIL for m in data["messages"]))


ACCESS_MAIL = "privacy_access"
