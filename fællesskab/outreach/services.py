"""Register newcomers, open cases and change them: status, assignment, notes, next action, consent.

The one door for every writer (the arrivals-list importer, the contact forms,
the coordinator's pages, the demo seed). Services take the actor, flush and
never commit; every change to a newcomer's data writes an audit row in the
same transaction. People without consent to contact have no case: they are
counted in statistics and never shown by name or contacted.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..core import audit
from ..core.errors import Forbidden, InvalidTransition, NotFound, ValidationError
from ..core.time import to_local, utcnow
from ..extensions import db
from ..geo.areas import forum_for_point, places_near
from ..places.models import Place
from . import consent, workflow
from .models import Case, CaseNote, ConsentRecord, ContactConfirmation, HandOver, Newcomer, NewcomerLanguage

PROFILE_FIELDS = (
    "name", "search_name", "email", "phone", "address", "postcode", "town", "lat", "lon", "location_precision",
    "place_id", "move_in_date", "adults", "children_ages", "languages", "interests", "preferred_language",
)
# Never stored for someone who has not consented to be contacted.
PERSONAL_FIELDS = ("name", "search_name", "email", "phone", "address", "lat", "lon", "location_precision")
MAX_NOTE = 5000
MAX_BULK = 100


def today() -> date:
    """Today's date in Copenhagen."""
    return to_local(utcnow()).date()


def follow_up_weeks() -> int:
    """Weeks after 'matched' or 'handed over' until a case is due (OUTREACH_FOLLOW_UP_WEEKS, default 4)."""
    raw = current_app.config.get("OUTREACH_FOLLOW_UP_WEEKS") or os.environ.get("OUTREACH_FOLLOW_UP_WEEKS")
    try:
        weeks = int(raw) if raw is not None else workflow.DEFAULT_FOLLOW_UP_WEEKS
    except (TypeError, ValueError):
        weeks = workflow.DEFAULT_FOLLOW_UP_WEEKS
    return max(1, min(weeks, 52))


def is_staff(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", True) and actor.has_role("coordinator")


def require_staff(actor) -> None:
    """:raises Forbidden: only coordinators and admins work cases."""
    if not is_staff(actor):
        raise Forbidden(_("Kun fællesskabskoordinatorer har adgang til tilflytternes sager."))


def valid_id(value: Any) -> bool:
    return isinstance(value, int) and 0 < value < 2**31


# ---------- places and forums ----------

def route(lat: float | None, lon: float | None, place_id: int | None,
          cache: dict | None = None) -> tuple[int | None, int | None]:
    """Return (place_id, forum_id) for a point or a place: the geo issue's forum routing."""
    key = (None if lat is None else round(lat, 4), None if lon is None else round(lon, 4), place_id)
    if cache is not None and key in cache:
        return cache[key]
    forum_id = None
    if lat is not None and lon is not None:
        found = forum_for_point(lat, lon)
        if found is not None:
            forum_id = found.forum.id
            place_id = place_id or found.place.id
        elif place_id is None:
            near = places_near(lat, lon, 12.0)
            place_id = near[0][0].id if near else None
    elif place_id is not None:
        place = db.session.get(Place, place_id)
        if place is not None and place.forums:
            forum_id = min(place.forums, key=lambda f: (len(f.places), f.name)).id
    if cache is not None:
        cache[key] = (place_id, forum_id)
    return place_id, forum_id


# ---------- newcomers ----------

def resolve_place(values: dict[str, Any], cache: dict | None = None) -> dict[str, Any]:
    """Fill in the place nearest to a located point that the geocoder gave no place for."""
    if values.get("place_id") is None and values.get("lat") is not None and values.get("lon") is not None:
        values = {**values, "place_id": route(values["lat"], values["lon"], None, cache)[0]}
    return values


def new_external_id(source: str) -> str:
    prefix = {"journey": "J", "self": "S"}.get(source, "N")
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def minimised(values: dict[str, Any]) -> dict[str, Any]:
    """Values without the personal data we may not keep for someone who has not consented."""
    if values.get("consent_contact"):
        return values
    return {**values, **{k: None for k in PERSONAL_FIELDS}}


def _sync_languages(newcomer: Newcomer) -> None:
    wanted = set(newcomer.languages or [])
    have = set(db.session.scalars(
        sa.select(NewcomerLanguage.code).where(NewcomerLanguage.newcomer_id == newcomer.id)))
    if wanted - have:
        db.session.add_all(NewcomerLanguage(newcomer_id=newcomer.id, code=c) for c in sorted(wanted - have))
    if have - wanted:
        db.session.execute(sa.delete(NewcomerLanguage).where(
            NewcomerLanguage.newcomer_id == newcomer.id, NewcomerLanguage.code.in_(sorted(have - wanted))))


def _apply_profile(newcomer: Newcomer, values: dict[str, Any]) -> list[str]:
    changed = []
    for key in PROFILE_FIELDS:
        if key in values and getattr(newcomer, key) != values[key]:
            setattr(newcomer, key, values[key])
            changed.append(key)
    return changed


def add_consent(newcomer: Newcomer, kind: str, granted: bool, *, version: str, source: str, actor=None) -> None:
    """Record a consent given or withdrawn, and set the newcomer's current consent."""
    if kind not in consent.PURPOSES:
        raise ValueError(kind)
    newcomer.consents.append(ConsentRecord(
        kind=kind, granted=granted, text_version=version, source=source, recorded_at=utcnow(),
        recorded_by_id=getattr(actor, "id", None),
    ))
    if kind == consent.CONTACT:
        newcomer.consent_contact = granted
    elif kind == consent.HANDOVER:
        newcomer.consent_handover = granted
    else:
        newcomer.consent_survey = granted


def register_newcomer(values: dict[str, Any], *, source: str, actor=None,
                      consents: Iterable[tuple[str, bool, str]] = (), consent_source: str | None = None,
                      route_cache: dict | None = None, note: str = "") -> Newcomer:
    """Create a newcomer from cleaned values, and a case when they consent to contact.

    :param consents: (kind, granted, text version) records to add.
    """
    values = minimised(resolve_place(values, route_cache))
    newcomer = Newcomer(external_id=values.get("external_id") or new_external_id(source), source=source,
                        children_ages=[], languages=[], interests=[])
    _apply_profile(newcomer, values)
    db.session.add(newcomer)
    for kind, granted, version in consents:
        add_consent(newcomer, kind, granted, version=version, source=consent_source or source, actor=actor)
    db.session.flush()
    _sync_languages(newcomer)
    if newcomer.consent_contact:
        open_case(newcomer, actor=actor, route_cache=route_cache, note=note)
    audit.record(actor, "create", "newcomer", newcomer.id, f"kilde: {source}")
    return newcomer


def update_newcomer(newcomer: Newcomer, values: dict[str, Any], *, actor=None, source: str = "coordinator",
                    route_cache: dict | None = None) -> list[str]:
    """Apply cleaned values; keep place, forum area and 'has children' of the case in step.

    Returns the names of the fields that changed.
    """
    values = resolve_place(values, route_cache)
    _place_id, forum_id = route(values.get("lat"), values.get("lon"), values.get("place_id"), route_cache)
    changed = _apply_profile(newcomer, minimised(values))
    if not changed:
        return []
    _sync_languages(newcomer)
    case = newcomer.case
    if case is not None:
        case.place_id = newcomer.place_id
        case.forum_id = forum_id
        case.has_children = newcomer.has_children
        if newcomer.consent_contact:
            add_timeline_entry(case, "profile",
                               ", ".join(_FIELD_LABELS.get(f, f) for f in changed if f != "search_name"),
                  actor=actor, data={"fields": changed, "source": source})
    audit.record(actor, "update", "newcomer", newcomer.id, "ændret: " + ", ".join(changed))
    db.session.flush()
    return changed


_FIELD_LABELS = {
    "name": "navn", "email": "e-mail", "phone": "telefon", "address": "adresse", "postcode": "postnummer",
    "town": "by", "lat": "position", "lon": "position", "location_precision": "position", "place_id": "sted",
    "move_in_date": "indflytningsdato", "adults": "voksne", "children_ages": "børn", "languages": "sprog",
    "interests": "interesser", "preferred_language": "skriftsprog",
}


def withdraw_contact(newcomer: Newcomer, *, actor=None, source: str = "coordinator") -> None:
    """Consent to contact is withdrawn: erase the personal data and close the case for good.

    What statistics need (place, household size, dates) stays; the audit log keeps who did it.
    """
    add_consent(newcomer, consent.CONTACT, False, version=consent.CURRENT[consent.CONTACT], source=source,
                actor=actor)
    if newcomer.consent_handover:
        add_consent(newcomer, consent.HANDOVER, False, version=consent.CURRENT[consent.HANDOVER], source=source,
                    actor=actor)
    if newcomer.consent_survey:  # without contact details nobody can be asked
        add_consent(newcomer, consent.SURVEY, False, version=consent.CURRENT[consent.SURVEY], source=source,
                    actor=actor)
    erase_personal_data(newcomer, actor=actor, reason="samtykke trukket tilbage")


def erase_personal_data(newcomer: Newcomer, *, actor=None, reason: str) -> None:
    """Remove name, contact details, street address and free text; keep the statistics."""
    for key in PERSONAL_FIELDS:
        setattr(newcomer, key, None)
    newcomer.erased_at = utcnow()
    case = newcomer.case
    if case is not None:
        _end_handovers(case, reason="erased")
        if not case.is_closed:
            _set_status(case, workflow.DECLINED)
        case.is_contactable = False
        case.suggestions = None
        case.welcome_draft = None
        db.session.execute(sa.delete(CaseNote).where(CaseNote.case_id == case.id))
        # Requests waiting for their emailed link hold what was typed into the form.
        db.session.execute(sa.delete(ContactConfirmation).where(ContactConfirmation.case_id == case.id))
        db.session.expire(case, ["notes"])
        add_timeline_entry(case, "consent", f"Personoplysninger slettet ({reason}).", actor=actor)
    audit.record(actor, "erase", "newcomer", newcomer.id, reason)
    db.session.flush()


# ---------- cases ----------

def add_timeline_entry(case: Case, kind: str, text: str = "", *, actor=None, data: dict | None = None,
                       forum_id: int | None = None) -> CaseNote:
    """Add an entry to the case's timeline (no audit row: the caller writes one)."""
    note = CaseNote(case=case, kind=kind, text=text, data=data, author_id=getattr(actor, "id", None),
                    forum_id=forum_id, created_at=utcnow())
    db.session.add(note)
    return note


def open_case(newcomer: Newcomer, *, actor=None, route_cache: dict | None = None, note: str = "") -> Case:
    """Open (or reopen) the case of a newcomer who consents to contact."""
    place_id, forum_id = route(newcomer.lat, newcomer.lon, newcomer.place_id, route_cache)
    case = newcomer.case
    if case is None:
        case = Case(newcomer=newcomer, status=workflow.NEW, is_closed=False, is_contactable=True,
                    next_action_on=workflow.next_action_on(workflow.NEW, today()), status_changed_at=utcnow(),
                    created_at=utcnow())
        db.session.add(case)
        kind, text = "created", note
    else:  # consent given again after it was withdrawn
        _set_status(case, workflow.NEW)
        case.is_contactable = True
        kind, text = "consent", note or "Samtykke givet igen; sagen er åbnet igen."

    case.place_id, case.forum_id = place_id, forum_id
    case.has_children = newcomer.has_children
    db.session.flush()
    add_timeline_entry(case, kind, text, actor=actor, data={"source": newcomer.source})
    return case


def get_case(case_id: Any, *, actor) -> Case:
    """A case the coordinator may open.

    :raises NotFound: no such case, or its person withdrew consent (never shown).
    :raises Forbidden: the actor is not a coordinator or admin.
    """
    require_staff(actor)
    case = db.session.get(Case, case_id) if valid_id(case_id) else None
    if case is None or not case.is_contactable or not case.newcomer.consent_contact:
        raise NotFound(_("Sagen findes ikke."))
    return case


def record_view(case: Case, *, actor, what: str = "sag") -> None:
    """Write that `actor` looked at this person's data."""
    audit.record(actor, "view", "newcomer", case.newcomer_id, f"{what} #{case.id}")


def require_contactable(case: Case) -> None:
    """:raises NotFound: the person withdrew consent to contact (their case is never shown again)."""
    if not case.is_contactable or not case.newcomer.consent_contact:
        raise NotFound(_("Sagen findes ikke."))


def _set_status(case: Case, new: str) -> None:
    now = utcnow()
    case.status = new
    case.is_closed = new in workflow.CLOSED
    case.status_changed_at = now
    case.closed_at = now if case.is_closed else None
    case.next_action_on = workflow.next_action_on(new, today(), follow_up_weeks=follow_up_weeks())


def transition(case: Case, new: str, *, actor, note: str = "", via_action: bool = False) -> None:
    """Move a case to `new` if the workflow table allows it.

    :raises InvalidTransition: not allowed from the current status, or only through its own action.
    """
    require_staff(actor)
    require_contactable(case)
    if new in workflow.VIA_ACTION and not via_action:
        raise InvalidTransition(_("Brug »Overdrag til lokalråd« for at overdrage sagen."))
    workflow.check_transition(case.status, new)
    note = clean_note(note, required=False)
    old = case.status
    _set_status(case, new)
    if old == workflow.HANDED_OVER and new == workflow.MATCHED or case.is_closed:
        _end_handovers(case, reason="taken back" if new == workflow.MATCHED else new)
    add_timeline_entry(case, "status", note or "", actor=actor, data={"from": old, "to": new})
    audit.record(actor, "update", "newcomer", case.newcomer_id, f"status {old} → {new} (sag #{case.id})")
    db.session.flush()


def _end_handovers(case: Case, *, reason: str) -> None:
    now = utcnow()
    for handover in db.session.scalars(sa.select(HandOver).where(HandOver.case_id == case.id,
                                                                 HandOver.ended_at.is_(None))):
        handover.ended_at = now
        handover.end_reason = reason[:40]
    case.handed_to_forum_id = None if reason != workflow.ANCHORED else case.handed_to_forum_id


def coordinators() -> list[User]:
    """Active accounts that may be given cases: coordinators and admins."""
    return list(db.session.scalars(
        sa.select(User).where(User.role.in_(("coordinator", "admin")), User.is_active.is_(True))
        .order_by(User.name, User.email)
    ))


def get_coordinator(user_id: Any) -> User:
    """:raises ValidationError: not an active coordinator or admin."""
    user = db.session.get(User, user_id) if valid_id(user_id) else None
    if user is None or not user.is_active or user.role not in ("coordinator", "admin"):
        raise ValidationError(_("Vælg en koordinator."), field="assignee")
    return user


def assign(case: Case, user: User | None, *, actor) -> bool:
    """Give the case to `user` (None: nobody). Return False when nothing changed."""
    require_staff(actor)
    require_contactable(case)
    new_id = user.id if user is not None else None
    if case.assigned_to_id == new_id:
        return False
    case.assigned_to_id = new_id
    add_timeline_entry(case, "assignment", (user.name or user.email) if user is not None else "", actor=actor,
          data={"to": new_id})
    audit.record(actor, "update", "newcomer", case.newcomer_id,
                 f"tildelt {user.email if user else 'ingen'} (sag #{case.id})")
    db.session.flush()
    return True


def clean_note(text: Any, *, required: bool) -> str:
    """A note's text, stripped; :raises ValidationError: empty (when required) or too long."""
    text = text if isinstance(text, str) else ""
    text = text.replace("\x00", "").strip()
    if required and not text:
        raise ValidationError(_("Skriv en note."), field="text")
    if len(text) > MAX_NOTE:
        raise ValidationError(_("Noten er for lang (%(n)s tegn; højst %(max)s).", n=len(text), max=MAX_NOTE),
                              field="text")
    return text


def add_note(case: Case, text: Any, *, actor) -> CaseNote:
    require_staff(actor)
    require_contactable(case)
    note = add_timeline_entry(case, "note", clean_note(text, required=True), actor=actor)
    audit.record(actor, "update", "newcomer", case.newcomer_id, f"note (sag #{case.id})")
    db.session.flush()
    return note


def set_next_action(case: Case, day: Any, *, actor) -> bool:
    """Set the date the case should next be looked at.

    :raises ValidationError: no date, a date in the past or more than two years ahead.
    :raises InvalidTransition: the case is closed.
    """
    require_staff(actor)
    require_contactable(case)
    if case.is_closed:
        raise InvalidTransition(_("En afsluttet sag har ingen næste handling."))
    from ..core.fields import FieldError
    from .cleaning import local_date

    try:
        parsed = local_date(day, label=_l("Datoen"))
    except FieldError as exc:
        raise ValidationError(str(exc), field="next_action_on") from None
    if parsed is None:
        raise ValidationError(_("Vælg en dato."), field="next_action_on")
    if parsed < today() or parsed > today() + timedelta(days=730):
        raise ValidationError(_("Vælg en dato fra i dag og højst to år frem."), field="next_action_on")
    if parsed == case.next_action_on:
        return False
    old = case.next_action_on
    case.next_action_on = parsed
    add_timeline_entry(case, "next_action", "", actor=actor, data={"from": old.isoformat() if old else None,
                                                      "to": parsed.isoformat()})
    audit.record(actor, "update", "newcomer", case.newcomer_id, f"næste handling {parsed} (sag #{case.id})")
    db.session.flush()
    return True


def record_handover_consent(case: Case, granted: bool, *, actor) -> bool:
    """The newcomer told the coordinator they do (or no longer do) consent to a hand-over."""
    require_staff(actor)
    require_contactable(case)
    newcomer = case.newcomer
    if newcomer.consent_handover == granted:
        return False
    add_consent(newcomer, consent.HANDOVER, granted, version=consent.ORAL_HANDOVER, source="coordinator",
                actor=actor)
    if not granted:
        stop_handover(case)
    add_timeline_entry(case, "consent", "", actor=actor, data={"kind": consent.HANDOVER, "granted": granted,
                                                  "version": consent.ORAL_HANDOVER})
    audit.record(actor, "update", "newcomer", newcomer.id,
                 f"samtykke til overdragelse {'givet' if granted else 'trukket tilbage'} (sag #{case.id})")
    db.session.flush()
    return True


def stop_handover(case: Case) -> None:
    """Consent to hand-over is gone: end active hand-overs; a handed-over case goes back to 'matched'."""
    _end_handovers(case, reason="consent withdrawn")
    if case.status == workflow.HANDED_OVER:
        _set_status(case, workflow.MATCHED)


def cases_by_ids(ids: Iterable[Any]) -> list[Case]:
    """The contactable cases among `ids` (others are silently left out)."""
    wanted = sorted({i for i in ids if valid_id(i)})[:MAX_BULK]
    if not wanted:
        return []
    return list(db.session.scalars(sa.select(Case).where(Case.id.in_(wanted), Case.is_contactable.is_(True))
                                   .order_by(Case.id)))


def bulk_assign(ids: Iterable[Any], user: User | None, *, actor) -> tuple[int, int]:
    """Assign many cases; return (changed, unchanged)."""
    require_staff(actor)
    changed = skipped = 0
    for case in cases_by_ids(ids):
        if assign(case, user, actor=actor):
            changed += 1
        else:
            skipped += 1
    return changed, skipped


def bulk_mark_contacted(ids: Iterable[Any], *, actor) -> tuple[int, int]:
    """Mark new cases as contacted; return (changed, skipped: not new)."""
    require_staff(actor)
    changed = skipped = 0
    for case in cases_by_ids(ids):
        if workflow.can_transition(case.status, workflow.CONTACTED) and case.status == workflow.NEW:
            transition(case, workflow.CONTACTED, actor=actor)
            changed += 1
        else:
            skipped += 1
    return changed, skipped


def timeline(case: Case, *, limit: int = 200) -> list[CaseNote]:
    return list(db.session.scalars(
        sa.select(CaseNote).where(CaseNote.case_id == case.id)
        .order_by(CaseNote.created_at.desc(), CaseNote.id.desc()).limit(limit)
    ))
