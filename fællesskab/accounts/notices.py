"""Tell a person by email when the way they log in changes.

A changed password, two-factor authentication turned on or off or reset by an
admin, new recovery codes: each sends a short notice to the account's address,
in the language of the person's last login, so that someone who did not make
the change hears of it and can act (ASVS 6.3.7). The notice says what changed
and when, never a secret; the door that made the change sends it after its
commit (mail.commit_and_deliver), and a failed send stays in the outbox.
"""
from __future__ import annotations

from ..core import formatting
from ..core.time import utcnow
from ..mail import services as mail
from .models import User

# What changed, as the notice's first sentence says it (followed by the time).
CHANGES = {
    "da": {
        "password": "Adgangskoden til din konto blev skiftet",
        "mfa_on": "Totrinsbekræftelse blev slået til på din konto",
        "mfa_off": "Totrinsbekræftelse blev slået fra på din konto",
        "mfa_reset": "En administrator nulstillede totrinsbekræftelsen på din konto",
        "recovery_codes": "Der blev lavet nye gendannelseskoder til din konto; de gamle virker ikke længere",
    },
    "en": {
        "password": "The password of your account was changed",
        "mfa_on": "Two-factor authentication was turned on for your account",
        "mfa_off": "Two-factor authentication was turned off for your account",
        "mfa_reset": "An administrator reset two-factor authentication for your account",
        "recovery_codes": "New recovery codes were made for your account; the old ones no longer work",
    },
}


def notify(user: User, change: str) -> None:
    """Queue the notice of `change` (a key of CHANGES) to `user` (flushes)."""
    if change not in CHANGES["da"]:
        raise ValueError(f"unknown account change {change!r}")
    language = user.language if user.language in CHANGES else "da"
    mail.queue_template(user.email, "account_changed", language, {
        "user": user, "what": CHANGES[language][change],
        "when": formatting.datetime_text(utcnow(), "letter", language),
        "reset_url": mail.external_url("accounts.forgot_password"),
    })
