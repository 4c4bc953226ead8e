"""Contact requests from newcomers: the journey's "get help" and the "Jeg vil gerne kontaktes" form.

Both create a newcomer and a case with the consent records (text version and
time). A second request with the email of an open case is added to that
case's timeline instead of opening another — without changing the stored
details, since anyone can type anyone's email into a public form.
"""
from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from flask_babel import gettext as _
from ..core.errors import ValidationError
from ..extensions import db
from ..geo.gazetteer import Located
from . import consent, services
from .cleaning import clean_newcomer
from .models import Case, Newcomer

log = logging.getLogger(__name__)


def form_locator(address: str | None, postcode: str | None, town: str | None) -> Located | None:
    """Locate a typed address with the configured geocoder; a failing geocoder never loses a request."""
    from ..geo.lookup import locate_text

    text = ", ".join(p for p in (address, " ".join(x for x in (postcode, town) if x)) if p)
    try:
        return locate_text(text)
    except Exception:  # noqa: BLE001 - the request matters more than its point; the coordinator can fix it
        log.warning("could not geocode a contact request's address", exc_info=True)
        return None


def clean_contact_request(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate a contact request: a name, an email or phone, and consent to be contacted.

    :raises ValidationError: with every (field, message) found.
    """
    errors: list[tuple[str, str]] = []
    given = raw.get("consent_contact") in (True, "y", "on", "1", "true", "ja")
    try:
        values = clean_newcomer({**raw, "consent_contact": "true"}, locate=form_locator)
    except ValidationError as exc:
        errors.extend(exc.errors)
        values = None
    if values is not None and not (values["email"] or values["phone"]):
        errors.append(("email", _("Skriv din e-mail eller dit telefonnummer, så vi kan kontakte dig.")))
    if not given:
        errors.append(("consent_contact", _("Sæt kryds, hvis vi må kontakte dig. Ellers kan vi ikke hjælpe dig videre.")))
    if errors:
        raise ValidationError(errors)
    values["consent_handover"] = raw.get("consent_handover") in (True, "y", "on", "1", "true", "ja")
    values["consent_survey"] = raw.get("consent_survey") in (True, "y", "on", "1", "true", "ja")
    return values


def _open_case_for(email: str | None) -> Case | None:
    if not email:
        return None
    return db.session.scalar(
        sa.select(Case).join(Newcomer, Newcomer.id == Case.newcomer_id)
        .where(Newcomer.email == email.lower(), Newcomer.consent_contact.is_(True), Case.is_contactable.is_(True),
               Case.is_closed.is_(False))
        .order_by(Case.id.desc()).limit(1)
    )


def register_contact_request(values: dict[str, Any], *, source: str) -> tuple[Case, bool]:
    """Open a case for the request, or add it to the open case with the same email.

    Returns (case, created).
    """
    consents = [(consent.CONTACT, True, consent.CURRENT[consent.CONTACT])]
    if values.get("consent_handover"):
        consents.append((consent.HANDOVER, True, consent.CURRENT[consent.HANDOVER]))
    if values.get("consent_survey"):
        consents.append((consent.SURVEY, True, consent.CURRENT[consent.SURVEY]))
    existing = _open_case_for(values.get("email"))
    if existing is not None:
        newcomer = existing.newcomer
        for kind, granted, version in consents:
            if kind == consent.HANDOVER and newcomer.consent_handover:
                continue
            if kind == consent.SURVEY and newcomer.consent_survey:
                continue
            services.add_consent(newcomer, kind, granted, version=version, source=source)
        summary = {k: values.get(k) for k in ("name", "phone", "address", "adults", "children_ages", "languages",
                                              "interests", "preferred_language")}
        summary["move_in_date"] = values["move_in_date"].isoformat() if values.get("move_in_date") else None
        services.add_timeline_entry(existing, "request", "", data={"source": source, "submitted": summary})
        from ..core import audit

        audit.record(None, "update", "newcomer", newcomer.id, f"ny henvendelse ({source}) på sag #{existing.id}")
        db.session.flush()
        return existing, False
    newcomer = services.register_newcomer(values, source=source, consents=consents)
    return newcomer.case, True
