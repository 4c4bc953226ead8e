"""What both a sign-up's emails and its changes need: its link token and its place on the waiting list.

Below `emails` and `registrations`, so the emails module never imports the
registrations that send them.
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..core.errors import DomainError
from ..extensions import db
from .models import Registration

TOKEN_SALT = "registration-cancel"
TOKEN_MAX_AGE = 400 * 24 * 3600  # seconds; every email carries a fresh token


class TokenError(DomainError):
    """A cancel link that is forged, damaged or too old."""

    code = "bad_token"
    status = 400


def make_token(registration: Registration) -> str:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)
    return serializer.dumps({"r": registration.id, "k": registration.token_key})


def registration_for_token(token: str) -> Registration:
    """:raises TokenError: forged, damaged, too old, or for a sign-up that no longer exists."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)
    try:
        data = serializer.loads(token, max_age=TOKEN_MAX_AGE)
    except SignatureExpired:
        raise TokenError(_("Linket er udløbet. Skriv til arrangøren, hvis du vil afmelde dig.")) from None
    except BadSignature:
        raise TokenError(_("Linket er ugyldigt. Brug linket fra din seneste e-mail, og kopiér det helt.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int) or not isinstance(data.get("k"), str):
        raise TokenError(_("Linket er ugyldigt. Brug linket fra din seneste e-mail, og kopiér det helt."))
    registration = db.session.get(Registration, data["r"])
    if registration is None or not secrets.compare_digest(registration.token_key, data["k"]):
        raise TokenError(_("Tilmeldingen findes ikke længere."))
    return registration


def waiting_position(registration: Registration) -> int:
    """1 for the first on the waiting list."""
    return 1 + (db.session.scalar(
        sa.select(sa.func.count()).select_from(Registration).where(
            Registration.event_id == registration.event_id, Registration.status == "waiting",
            sa.or_(Registration.queued_at < registration.queued_at,
                   sa.and_(Registration.queued_at == registration.queued_at, Registration.id < registration.id)),
        )
    ) or 0)
