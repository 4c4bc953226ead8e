"""Hand a case over to the village forum serving the newcomer's place, and the forum's side of it.

Only with the newcomer's consent to the hand-over. While a hand-over is
active, that forum — and no other — sees the person (name, contact,
household, interests; not the street address) and records "contacted" and
"came to a welcome event"; both appear on the coordinator's timeline.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..core import audit
from ..core.errors import Forbidden, InvalidTransition, NotFound, ValidationError
from ..core.time import utcnow
from ..events.models import Event
from ..extensions import db
from ..mail import services as mail
from . import services, workflow
from .labels import mail_language
from .models import Case, CaseNote, HandOver, Newcomer

FORUM_UPDATES = ("contacted", "attended")


def can_hand_over(case: Case) -> str | None:
    """Why the case cannot be handed over now, or None when it can."""
    if not case.newcomer.consent_handover:
        return _("Tilflytteren har ikke givet samtykke til, at oplysningerne gives videre til lokalrådet.")
    if case.forum is None:
        return _("Intet lokalråd dækker tilflytterens sted.")
    if not workflow.can_transition(case.status, workflow.HANDED_OVER):
        return _("Sagen skal være matchet, før den kan overdrages.")
    return None


def hand_over(case: Case, *, actor, note: str = "") -> HandOver:
    """Hand the case to the forum serving the newcomer's place; tell the forum's accounts.

    :raises InvalidTransition: no consent, no forum for the place, or the status does not allow it.
    """
    services.require_staff(actor)
    services.require_contactable(case)
    reason = can_hand_over(case)
    if reason:
        raise InvalidTransition(reason)
    forum = case.forum
    note = services.clean_note(note, required=False)
    handover = HandOver(case=case, forum=forum, handed_at=utcnow(), handed_by_id=actor.id)
    db.session.add(handover)
    case.handed_to_forum_id = forum.id
    # The note is the coordinator's message to the forum: it goes on the hand-over entry
    # (which the forum sees), not on the status change (which it does not).
    services.transition(case, workflow.HANDED_OVER, actor=actor, via_action=True)
    services.add_timeline_entry(case, "handover", note, actor=actor, forum_id=forum.id,
                                data={"forum_id": forum.id, "forum_name": forum.name})
    audit.record(actor, "handover", "newcomer", case.newcomer_id, f"overdraget til {forum.name} (sag #{case.id})")
    _notify_forum(case, forum)
    db.session.flush()
    return handover


def _notify_forum(case: Case, forum) -> None:
    """An email to the forum's accounts that someone waits; no personal data in it."""
    from ..events.emails import external_url

    accounts = db.session.scalars(sa.select(User).where(User.forum_id == forum.id, User.role == "forum",
                                                        User.is_active.is_(True)).order_by(User.id))
    url = external_url("forum_cases.case_detail", case_id=case.id)
    for user in accounts:
        mail.queue_template(user.email, "outreach_handover", mail_language(user),
                            {"forum": forum, "case_url": url, "place": case.newcomer.place_label})


def active_handover(case: Case) -> HandOver | None:
    return db.session.scalar(sa.select(HandOver).where(HandOver.case_id == case.id, HandOver.ended_at.is_(None))
                             .order_by(HandOver.id.desc()).limit(1))


def handover_note(handover: HandOver) -> CaseNote | None:
    """The timeline entry of this hand-over: who wrote it, and the coordinator's message to the forum."""
    return db.session.scalar(
        sa.select(CaseNote).where(CaseNote.case_id == handover.case_id, CaseNote.kind == "handover",
                                  CaseNote.forum_id == handover.forum_id, CaseNote.created_at >= handover.handed_at)
        .order_by(CaseNote.created_at, CaseNote.id).limit(1))


def _require_forum(actor) -> int:
    forum_id = getattr(actor, "forum_id", None)
    if actor is None or getattr(actor, "role", None) != "forum" or forum_id is None:
        raise Forbidden(_("Kun lokalråd har adgang til denne side."))
    return forum_id


def forum_case(case_id: Any, *, actor) -> tuple[Case, HandOver]:
    """A case handed to the actor's forum.

    :raises NotFound: no such case. :raises Forbidden: it is not (or no longer) handed to this forum.
    """
    forum_id = _require_forum(actor)
    case = db.session.get(Case, case_id) if services.valid_id(case_id) else None
    if case is None:
        raise NotFound(_("Sagen findes ikke."))
    handover = active_handover(case) if case.is_contactable and case.newcomer.consent_contact else None
    if handover is None or handover.forum_id != forum_id or not case.newcomer.consent_handover:
        raise Forbidden(_("Denne tilflytter er ikke overdraget til jeres lokalråd."))
    return case, handover


def forum_handovers(actor) -> list[HandOver]:
    """The active hand-overs to the actor's forum, newest first."""
    forum_id = _require_forum(actor)
    return list(db.session.scalars(
        sa.select(HandOver).join(Case, Case.id == HandOver.case_id).join(Newcomer, Newcomer.id == Case.newcomer_id)
        .where(HandOver.forum_id == forum_id, HandOver.ended_at.is_(None), Case.is_contactable.is_(True),
               Newcomer.consent_contact.is_(True), Newcomer.consent_handover.is_(True))
        .options(joinedload(HandOver.case).joinedload(Case.newcomer))
        .order_by(HandOver.handed_at.desc(), HandOver.id.desc())
    ))


def forum_events(forum_id: int) -> list[Event]:
    """The forum's own approved events of the last 60 days and the next 60, for 'came to …'."""
    from datetime import timedelta

    now = utcnow()
    return list(db.session.scalars(
        sa.select(Event).where(Event.forum_id == forum_id, Event.status == "approved",
                               Event.starts_at >= now - timedelta(days=60), Event.starts_at <= now + timedelta(days=60))
        .order_by(Event.starts_at, Event.id)
    ))


def record_forum_update(case: Case, handover: HandOver, what: str, *, actor, note: Any = "",
                        event_id: Any = None) -> bool:
    """The forum contacted the person, or saw them at a welcome event. Return False if already recorded.

    :raises ValidationError: an unknown update, or an event that is not the forum's.
    """
    forum_id = _require_forum(actor)
    if handover.forum_id != forum_id or handover.ended_at is not None:
        raise Forbidden(_("Denne tilflytter er ikke overdraget til jeres lokalråd."))
    if what not in FORUM_UPDATES:
        raise ValidationError(_("Ukendt opdatering."), field="what")
    text = services.clean_note(note, required=False)
    event = None
    if what == "attended" and event_id not in (None, ""):
        try:
            event_id = int(event_id)
        except (TypeError, ValueError):
            event_id = None
        event = db.session.get(Event, event_id) if services.valid_id(event_id) else None
        if event is None or event.forum_id != forum_id:
            raise ValidationError(_("Vælg et af jeres egne arrangementer."), field="event_id")
    now = utcnow()
    if what == "contacted":
        if handover.contacted_at is not None and not text:
            return False
        handover.contacted_at = handover.contacted_at or now
    else:
        if handover.attended_at is not None and not text and (event is None or event.id == handover.attended_event_id):
            return False
        handover.attended_at = handover.attended_at or now
        if event is not None:
            handover.attended_event_id = event.id
    services.add_timeline_entry(case, f"forum_{what}", text, actor=actor, forum_id=forum_id,
                   data={"event_id": event.id, "event_title": event.title} if event is not None else None)
    audit.record(actor, "update", "newcomer", case.newcomer_id, f"lokalråd: {what} (sag #{case.id})")
    db.session.flush()
    return True
