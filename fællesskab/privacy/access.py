"""The self-service door: an emailed, signed, expiring link to one's own data.

Asking never tells whether the address is known (the page answers the same,
and an email goes out either way: a link, or a note that we hold nothing), so
the form cannot be used to find out who is in the register. The link is an
itsdangerous token over the email, valid PRIVACY_LINK_HOURS (default 24).
"""
from __future__ import annotations

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..core import audit
from ..core.errors import DomainError
from ..mail import services as mail
from . import export

TOKEN_SALT = "privacy-self-service"


class LinkError(DomainError):
    """A self-service link that is forged, damaged or too old."""

    code = "bad_token"
    status = 400


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def max_age() -> int:
    return int(current_app.config.get("PRIVACY_LINK_HOURS") or 24) * 3600


def make_token(email: str) -> str:
    return _serializer().dumps({"e": email.strip().lower()})


def email_for_token(token: str) -> str:
    """:raises LinkError: forged, damaged or expired."""
    try:
        data = _serializer().loads(token, max_age=max_age())
    except SignatureExpired:
        raise LinkError("Linket er udløbet. Bed om et nyt link.") from None
    except BadSignature:
        raise LinkError("Linket er ugyldigt. Brug linket fra e-mailen, og kopiér det helt, eller bed om et nyt.") \
            from None
    if not isinstance(data, dict) or not isinstance(data.get("e"), str) or "@" not in data["e"]:
        raise LinkError("Linket er ugyldigt. Bed om et nyt link.")
    return data["e"]


def request_access(email: str, *, language: str = "da") -> None:
    """Queue the email to `email`: a link to their data, or a note that we hold none (flushes)."""
    email = email.strip().lower()
    has_data = export.holds_anything(export.collect(email))
    base = mail.base_url()
    link = base + url_for("privacy.open_link", token=make_token(email)) if has_data else None
    mail.queue_template(email, export.ACCESS_MAIL, language, {
        "link": link, "hours": max_age() // 3600, "request_url": base + url_for("privacy.request_access"),
    })
    if has_data:
        audit.record(None, "request", "person", None, "link til egne data sendt (selvbetjening)")
