"""Contact requests for an email that already has a case wait here for that email's owner.

Anyone can type anyone's email into a public form, so such a request changes
nothing on the case (GDPR art. 7: we must be able to show that the person
consented). It is kept server-side in ContactConfirmation, and a signed,
expiring, single-use link goes to the email. Opening the link shows what was
asked; confirming it (a POST: mail scanners fetch links) adds the consents and
puts the request on the case's timeline, and writes the link's use to the
audit log. The link carries only the row's id and a random key, signed like
the sign-up links (events/registrations.py); the email holds no text typed
into the form, so the form cannot be used to send someone a message.
"""
from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..core import audit
from ..core.errors import DomainError
from ..core.time import utcnow
from ..extensions import db
from ..mail import services as mail
from . import consent, services
from .models import Case, ContactConfirmation

TOKEN_SALT = "outreach-contact-confirm"
LINK_HOURS = 72  # OUTREACH_CONFIRM_LINK_HOURS overrides
# Unconfirmed requests kept per case: past this, a request sends no more mail (no mail bomb through us).
MAX_WAITING = 3
MAIL = "outreach_confirm_request"
SUMMARY_FIELDS = ("name", "phone", "address", "adults", "children_ages", "languages", "interests",
                  "preferred_language")


class LinkError(DomainError):
    """A confirmation link that is forged, damaged, too old or already used (nothing changes)."""

    code = "bad_token"
    status = 400


def N_(msgid: str) -> str:
    """Mark a msgid for extraction; the view translates it."""
    return msgid


EXPIRED = N_("Linket er udløbet. Send din henvendelse igen, så får du et nyt link.")
INVALID = N_("Linket er ugyldigt. Brug linket fra e-mailen, og kopiér det helt.")
USED = N_("Linket er allerede brugt. Din henvendelse er bekræftet.")


def link_hours() -> int:
    return int(current_app.config.get("OUTREACH_CONFIRM_LINK_HOURS") or LINK_HOURS)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def make_token(pending: ContactConfirmation) -> str:
    return _serializer().dumps({"p": pending.id, "k": pending.token_key})


def pending_for_token(token: str) -> ContactConfirmation:
    """The waiting request a link names.

    :raises LinkError: forged, damaged, expired or already used.
    """
    if not token or len(token) > 500:
        raise LinkError(INVALID)
    try:
        data = _serializer().loads(token, max_age=link_hours() * 3600)
    except SignatureExpired:
        raise LinkError(EXPIRED) from None
    except BadSignature:
        raise LinkError(INVALID) from None
    if not isinstance(data, dict) or not services.valid_id(data.get("p")) or not isinstance(data.get("k"), str):
        raise LinkError(INVALID)
    pending = db.session.get(ContactConfirmation, data["p"])
    if pending is None or not secrets.compare_digest(pending.token_key, data["k"]):
        raise LinkError(INVALID)
    if pending.used_at is not None:
        raise LinkError(USED)
    if pending.expires_at <= utcnow() or pending.request is None:
        raise LinkError(EXPIRED)
    return pending


def _to_json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def requested_values(pending: ContactConfirmation) -> dict[str, Any]:
    """The cleaned values of the waiting request, as `requests.clean_contact_request` gave them."""
    values = dict(pending.request or {})
    if values.get("move_in_date"):
        values["move_in_date"] = date.fromisoformat(values["move_in_date"])
    return values


def consents_for(values: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """The (kind, granted, text version) records a request asks for: contact, and the optional ones ticked."""
    out = [(consent.CONTACT, True, consent.CURRENT[consent.CONTACT])]
    if values.get("consent_handover"):
        out.append((consent.HANDOVER, True, consent.CURRENT[consent.HANDOVER]))
    if values.get("consent_survey"):
        out.append((consent.SURVEY, True, consent.CURRENT[consent.SURVEY]))
    return out


def request_confirmation(case: Case, values: dict[str, Any], *, source: str) -> ContactConfirmation | None:
    """Keep the request for `case` and queue the link to its email (flushes).

    Returns None (and sends nothing) when MAX_WAITING requests already wait for this case.
    """
    now = utcnow()
    waiting = db.session.scalar(
        sa.select(sa.func.count()).select_from(ContactConfirmation)
        .where(ContactConfirmation.case_id == case.id, ContactConfirmation.used_at.is_(None),
               ContactConfirmation.expires_at > now)
    ) or 0
    if waiting >= MAX_WAITING:
        return None
    language = values.get("preferred_language") if values.get("preferred_language") in ("da", "en") else "da"
    pending = ContactConfirmation(case_id=case.id, token_key=secrets.token_hex(16), source=source,
                                  language=language, request=_to_json(values), created_at=now,
                                  expires_at=now + timedelta(hours=link_hours()))
    db.session.add(pending)
    db.session.flush()
    mail.queue_template(case.newcomer.email, MAIL, language, {
        "link": mail.external_url("outreach.confirm_request", token=make_token(pending)),
        "hours": link_hours(),
    })
    audit.record(None, "request", "newcomer", case.newcomer_id,
                 f"henvendelse ({source}) med kendt e-mail: bekræftelseslink sendt")
    return pending


def add_to_case(case: Case, values: dict[str, Any], *, source: str) -> None:
    """Add a confirmed request to its open case: the consents, and the request on the timeline.

    The stored details stay as they are; the coordinator sees what was sent and decides.
    """
    newcomer = case.newcomer
    for kind, granted, version in consents_for(values):
        if kind == consent.HANDOVER and newcomer.consent_handover:
            continue
        if kind == consent.SURVEY and newcomer.consent_survey:
            continue
        services.add_consent(newcomer, kind, granted, version=version, source=source)
    summary = {k: values.get(k) for k in SUMMARY_FIELDS}
    summary["move_in_date"] = values["move_in_date"].isoformat() if values.get("move_in_date") else None
    services.add_timeline_entry(case, "request", "", data={"source": source, "submitted": summary,
                                                           "confirmed": True})


def confirm(pending: ContactConfirmation) -> Case:
    """Apply a waiting request whose link was used (flushes); the link cannot be used again.

    When the case has closed meanwhile, the request opens a new one, as a request from a new email does.

    :raises LinkError: the link was used in the meantime (two clicks at once: one wins).
    """
    values = requested_values(pending)
    used = db.session.execute(
        sa.update(ContactConfirmation)
        .where(ContactConfirmation.id == pending.id, ContactConfirmation.used_at.is_(None))
        .values(used_at=utcnow(), request=None)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise LinkError(USED)
    db.session.expire(pending)
    case = db.session.get(Case, pending.case_id)
    newcomer = case.newcomer
    moved_on = (newcomer.email or "").lower() != (values.get("email") or "").lower()  # changed since the link went out
    if case.is_closed or not case.is_contactable or newcomer.erased_at is not None or moved_on:
        case = services.register_newcomer(values, source=pending.source, consents=consents_for(values)).case
    else:
        add_to_case(case, values, source=pending.source)
    audit.record(None, "update", "newcomer", case.newcomer_id,
                 f"henvendelse ({pending.source}) bekræftet med link fra e-mail på sag #{case.id}")
    db.session.flush()
    return case


def purge_expired(*, now=None) -> int:
    """Delete used and expired requests; return how many (flushes)."""
    now = now or utcnow()
    result = db.session.execute(sa.delete(ContactConfirmation).where(
        sa.or_(ContactConfirmation.used_at.is_not(None), ContactConfirmation.expires_at < now)))
    return result.rowcount or 0
