"""Keep the directory true: contacts confirm or correct their own listing, and stale listings are chased.

* `/foreninger/<slug>/ret`: someone types an email. Only when it is the listing's
  contact email does a signed, single-use link (LINK_DAYS) go to that address;
  otherwise the coordinator gets the request, with the email given, in the
  approval queue. The page answers the same either way, so the form tells
  nobody which address a listing has.
* The link opens one listing's form: "Alt er korrekt" (sets last verified) or a
  correction, which waits in the approval queue as a diff unless the coordinator
  trusts the contact. Either uses the link up; a GET never changes anything.
* `directory remind-stale` mails the same kind of link to the contact of each
  listing not verified for a year, once more after SECOND_REMINDER_AFTER, and
  then the listing shows on the coordinator's front page.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..core import audit
from ..core.errors import DomainError, Forbidden, InvalidTransition
from ..core.time import utcnow
from ..extensions import db
from ..mail import services as mail
from . import revisions, services
from .models import Association, AssociationRevision, ListingLink

TOKEN_SALT = "directory-listing-link"
LINK_DAYS = 7  # a link asked for on the listing's page
REMINDER_LINK_DAYS = 30  # a reminder's link lasts until the next reminder
STALE_DAYS = 365
SECOND_REMINDER_AFTER = timedelta(days=30)
MAX_WAITING_LINKS = 3  # unused links per listing: past this, asking sends no more mail (no mail bomb via us)
MAX_WAITING_CLAIMS = 3  # requests from other addresses waiting per listing
LINK_MAIL = "directory_link"
REMINDER_MAIL = "directory_reminder"


def N_(msgid: str) -> str:
    """Mark a msgid for extraction; the view translates it."""
    return msgid


EXPIRED = N_("Linket er udløbet. Bed om et nyt på foreningens side.")
INVALID = N_("Linket er ugyldigt. Brug linket fra e-mailen, og kopiér det helt.")
USED = N_("Linket er allerede brugt. Bed om et nyt på foreningens side, hvis der er mere at rette.")


class LinkError(DomainError):
    """A listing link that is forged, damaged, for another listing, too old or already used."""

    code = "bad_token"
    status = 400


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def make_token(link: ListingLink) -> str:
    return _serializer().dumps({"l": link.id, "k": link.token_key})


def link_for_token(token: str, assoc: Association) -> ListingLink:
    """The unused link `token` names, for `assoc` only.

    :raises LinkError: forged, damaged, another listing's, expired or used.
    """
    if not token or len(token) > 500:
        raise LinkError(INVALID)
    try:
        data = _serializer().loads(token, max_age=REMINDER_LINK_DAYS * 24 * 3600)
    except SignatureExpired:
        raise LinkError(EXPIRED) from None
    except BadSignature:
        raise LinkError(INVALID) from None
    if not isinstance(data, dict) or not isinstance(data.get("k"), str) or not isinstance(data.get("l"), int) \
            or isinstance(data.get("l"), bool) or not 1 <= data["l"] <= 2**31 - 1:
        raise LinkError(INVALID)
    link = db.session.get(ListingLink, data["l"])
    if link is None or not secrets.compare_digest(link.token_key, data["k"]) or link.association_id != assoc.id:
        raise LinkError(INVALID)
    if link.used_at is not None:
        raise LinkError(USED)
    if link.expires_at <= utcnow():
        raise LinkError(EXPIRED)
    return link


def new_link(assoc: Association, *, purpose: str, days: int, now: datetime | None = None) -> ListingLink:
    now = now or utcnow()
    link = ListingLink(association_id=assoc.id, token_key=secrets.token_hex(16), email=assoc.email,
                       purpose=purpose, created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(link)
    db.session.flush()
    return link


def link_url(assoc: Association, link: ListingLink) -> str:
    return mail.external_url("directory.correct_listing", slug=assoc.slug, token=make_token(link))


def _waiting_links(assoc: Association) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ListingLink).where(
        ListingLink.association_id == assoc.id, ListingLink.used_at.is_(None), ListingLink.expires_at > utcnow())) or 0


def _waiting_claims(assoc: Association) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AssociationRevision).where(
        AssociationRevision.association_id == assoc.id, AssociationRevision.kind == "claim",
        AssociationRevision.status == "pending")) or 0


def request_link(assoc: Association, email: str) -> str:
    """Someone on the listing's page asks to correct it, giving `email` (already cleaned).

    Return "sent" (the contact email: a link is queued to it), "queued" (another address:
    the coordinator decides) or "ignored" (enough already waits). The page must answer
    the same in every case.
    """
    if assoc.email and email.strip().lower() == assoc.email.strip().lower():
        if _waiting_links(assoc) >= MAX_WAITING_LINKS:
            return "ignored"
        link = new_link(assoc, purpose="correct", days=LINK_DAYS)
        mail.queue_template(assoc.email, LINK_MAIL, "da", {"assoc": assoc, "link": link_url(assoc, link),
                                                            "days": LINK_DAYS})
        audit.record(None, "email", "association", assoc.id, "rettelseslink sendt til foreningens kontakt-e-mail")
        return "sent"
    if _waiting_claims(assoc) >= MAX_WAITING_CLAIMS:
        return "ignored"
    revisions.record(assoc, "claim", {}, source="contact", status="pending", email=email.strip().lower())
    db.session.flush()
    return "queued"


def _use(link: ListingLink) -> None:
    """Spend the link; of two clicks at once, one wins. :raises LinkError: already used."""
    used = db.session.execute(
        sa.update(ListingLink).where(ListingLink.id == link.id, ListingLink.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        raise LinkError(USED)
    db.session.expire(link)


def confirm_listing(link: ListingLink) -> Association:
    """"Alt er korrekt": the listing is verified today (flushes; the link is used up)."""
    _use(link)
    assoc = db.session.get(Association, link.association_id)
    services.verify_association(assoc, source="contact", email=link.email)
    return assoc


def submit_correction(link: ListingLink, values: dict[str, Any]) -> str:
    """A contact's corrected listing (cleaned values); the link is used up.

    Return "verified" (nothing changed: confirmed as it is), "published" (a trusted
    contact: applied now) or "pending" (waits in the approval queue as a diff).
    """
    _use(link)
    assoc = db.session.get(Association, link.association_id)
    changes = revisions.diff(assoc, values, services.EDITABLE_FIELDS)
    if not changes:
        services.verify_association(assoc, source="contact", email=link.email)
        return "verified"
    same_contact = (assoc.email or "").strip().lower() == (link.email or "").strip().lower()
    if assoc.is_contact_trusted and same_contact:
        services.update_association(assoc, values, source="contact", email=link.email)
        db.session.flush()
        return "published"
    for older in db.session.scalars(sa.select(AssociationRevision).where(
            AssociationRevision.association_id == assoc.id, AssociationRevision.kind == "correction",
            AssociationRevision.status == "pending")):
        older.status = "withdrawn"  # the newest correction replaces the one still waiting
    revisions.record(assoc, "correction", changes, source="contact", status="pending", email=link.email)
    db.session.flush()
    return "pending"


def _check_coordinator(actor) -> None:
    if actor is None or not actor.has_role("coordinator"):
        raise Forbidden(_("Kun fællesskabskoordinatoren kan gøre dette."))


def _pending(revision: AssociationRevision) -> AssociationRevision:
    db.session.refresh(revision)
    if revision.status != "pending":
        raise InvalidTransition(_("Ændringen er allerede behandlet."))
    return revision


def approve(revision: AssociationRevision, *, actor) -> list[str]:
    """Publish a waiting correction (and set last verified), or, for a request from another
    address, make that address the listing's contact and send it a link. Return the changed fields."""
    _check_coordinator(actor)
    revision = _pending(revision)
    assoc = revision.association
    if revision.kind == "claim":
        changed = services.apply_values(assoc, {"email": revision.email})
        if changed:
            revisions.record(assoc, "update", changed, actor=actor, note="kontakt-e-mail fra anmodning")
        db.session.flush()
        link = new_link(assoc, purpose="correct", days=LINK_DAYS)
        mail.queue_template(assoc.email, LINK_MAIL, "da", {"assoc": assoc, "link": link_url(assoc, link),
                                                            "days": LINK_DAYS})
    else:
        values = {k: new for k, (_old, new) in revision.changes.items() if k in services.EDITABLE_FIELDS}
        changed = services.apply_values(assoc, values)
        services.mark_verified(assoc)
    revision.status, revision.reviewed_at, revision.reviewed_by_id = "approved", utcnow(), actor.id
    revisions.audit_for(revision, assoc.id, actor)
    db.session.flush()
    return list(changed)


def reject(revision: AssociationRevision, *, actor) -> None:
    """Keep the listing as it is."""
    _check_coordinator(actor)
    revision = _pending(revision)
    revision.status, revision.reviewed_at, revision.reviewed_by_id = "rejected", utcnow(), actor.id
    revisions.audit_for(revision, revision.association_id, actor)
    db.session.flush()


# --- reminders --------------------------------------------------------------------------------


def due_reminders(*, older_than_days: int = STALE_DAYS, now: datetime | None = None) -> list[tuple[Association, int]]:
    """(listing, 1 or 2) for each published listing with a contact email, not verified within
    `older_than_days`, whose first reminder is due or whose second is (SECOND_REMINDER_AFTER later)."""
    now = now or utcnow()
    cutoff = now - timedelta(days=older_than_days)
    stmt = (sa.select(Association).where(
        Association.status == "published", Association.email.is_not(None), Association.email != "",
        sa.or_(Association.last_verified_at.is_(None), Association.last_verified_at < cutoff),
        sa.or_(Association.reminders_sent == 0,
               sa.and_(Association.reminders_sent == 1, Association.reminded_at <= now - SECOND_REMINDER_AFTER)))
        .order_by(Association.last_verified_at.asc().nulls_first(), Association.id))
    return [(assoc, assoc.reminders_sent + 1) for assoc in db.session.scalars(stmt)]


def send_reminder(assoc: Association, which: int, *, now: datetime | None = None) -> None:
    """Queue reminder number `which` (1 or 2) to the listing's contact (flushes)."""
    now = now or utcnow()
    link = new_link(assoc, purpose="reminder", days=REMINDER_LINK_DAYS, now=now)
    mail.queue_template(assoc.email, REMINDER_MAIL, "da", {
        "assoc": assoc, "link": link_url(assoc, link), "days": REMINDER_LINK_DAYS, "second": which >= 2,
        "page": mail.external_url("directory.association_detail", slug=assoc.slug),
    })
    assoc.reminders_sent, assoc.reminded_at = which, now
    audit.record(None, "email", "association", assoc.id, f"påmindelse {which} om at bekræfte oplysningerne")
    db.session.flush()


def unanswered(*, limit: int = 20) -> list[Association]:
    """Published listings whose contact did not answer two reminders: the coordinator's to chase."""
    return list(db.session.scalars(
        sa.select(Association).where(Association.status == "published", Association.reminders_sent >= 2)
        .order_by(Association.reminded_at, Association.id).limit(limit)))
