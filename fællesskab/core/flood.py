"""Cheap defences of the anonymous forms (contact, listing corrections) against scripted floods,
which a person never notices.

* A trap field ("website"), hidden from people and screen readers: a person
  leaves it empty; a script that fills every field does not.
* A signed start time in the form: a form sent less than CONTACT_MIN_FILL_SECONDS
  (default 3) after it was shown was not filled in by a person.

Both answer a script as they answer a person (the thanks page) and create
nothing, so there is nothing to learn from the answer. The start time is only
checked while the rate limits are on (tests fill forms faster than people).
The per-address and global limits themselves are on the views.
"""
from __future__ import annotations

import logging
import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

security_log = logging.getLogger("fællesskab.security")

STAMP_SALT = "contact-form-started"
MIN_FILL_SECONDS = 3
MAX_FILL_SECONDS = 24 * 3600  # an older form is sent again (its stamp could be replayed for ever)

OK, TOO_FAST, STALE = "ok", "too-fast", "stale"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STAMP_SALT)


def make_stamp(now: float | None = None) -> str:
    """The signed time the form was shown."""
    return _serializer().dumps(int(time.time() if now is None else now))


def stamp_age(stamp: str | None) -> float | None:
    """Seconds since the form with `stamp` was shown; None for a missing, forged or future stamp."""
    if not stamp or len(stamp) > 200:
        return None
    try:
        started = _serializer().loads(stamp)
    except BadSignature:
        return None
    if not isinstance(started, int) or isinstance(started, bool):
        return None
    age = time.time() - started
    return age if age >= -5 else None  # a few seconds' clock skew between app nodes


def min_fill_seconds() -> float:
    if not current_app.config.get("RATELIMITS_ON", True):
        return 0
    return float(current_app.config.get("CONTACT_MIN_FILL_SECONDS", MIN_FILL_SECONDS))


def check(trap: str | None, stamp: str | None) -> str:
    """OK for a person; TOO_FAST for a script (answer as usual, create nothing); STALE: show the form again."""
    if trap:
        security_log.info("contact form: trap field filled in; nothing created")
        return TOO_FAST
    least = min_fill_seconds()
    if least <= 0:
        return OK
    age = stamp_age(stamp)
    if age is None or age > MAX_FILL_SECONDS:
        return STALE
    if age < least:
        security_log.info("contact form sent %.1f s after it was shown; nothing created", age)
        return TOO_FAST
    return OK
