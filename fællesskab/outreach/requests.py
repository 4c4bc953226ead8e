"""Contact requests from newcomers: the journey's "get help" and the "Jeg vil gerne kontaktes" form.

Both create a newcomer and a case with the consent records (text version and
time). A request with the email of an open case changes nothing at once, since
anyone can type anyone's email into a public form: a link goes to that email,
and only its use adds the consents and puts the request on the case's
timeline (confirmations.py). The answer is the same either way.
"""
from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core.errors import ValidationError
from ..extensions import db
from ..geo.gazetteer import Located
from . import confirmations, services
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
        errors.append(("consent_contact",
                       _("Sæt kryds, hvis vi må kontakte dig. Ellers kan vi ikke hjælpe dig videre.")))
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


def register_contact_request(values: dict[str, Any], *, source: str) -> tuple[Case | None, bool]:
    """Open a case for a new email at once; for an email with an open case, send that email a link.

    The open case is not touched: only its email's owner can add to it, through
    the link (confirmations.py). Returns (the new case, True), or (None, False)
    when the request waits for its link.
    """
    existing = _open_case_for(values.get("email"))
    if existing is not None:
        confirmations.request_confirmation(existing, values, source=source)
        db.session.flush()
        return None, False
    newcomer = services.register_newcomer(values, source=source, consents=confirmations.consents_for(values))
    return newcomer.case, True
