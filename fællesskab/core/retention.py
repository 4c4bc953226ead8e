"""How long personal data is kept: one table of periods, read from config.

Every purge function (outreach, events, mail, geo, audit, directory) asks `period()`, so
`privacy purge`, `outreach purge` and the privacy notice page all use the same
numbers. Each is a whole number of days, set by an environment variable of
the same name (config.retention_settings).
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, has_app_context

DEFAULTS: dict[str, int] = {
    # A closed case's personal data: 18 months after it closed.
    "RETENTION_CLOSED_CASE_DAYS": 548,
    # The statistics row of a newcomer who never consented to contact.
    "RETENTION_STATISTICS_DAYS": 3 * 365,
    # Sign-ups: 3 months after the event's last date.
    "RETENTION_SIGNUP_DAYS": 92,
    # Outbox mail never sent (a broken address, SMTP down for good), and mail sent.
    "RETENTION_UNSENT_MAIL_DAYS": 30,
    "RETENTION_SENT_MAIL_DAYS": 30,
    # The audit log: two years, long enough to answer an access request about last year.
    "RETENTION_AUDIT_DAYS": 730,
    # The email a correction of a listing (or a request for a link) came from, on its revision.
    "RETENTION_DIRECTORY_EMAIL_DAYS": 365,
    # A listing's single-use correction link, once used or expired.
    "RETENTION_DIRECTORY_LINK_DAYS": 30,
}


def days(name: str) -> int:
    """The configured number of days for `name` (the default outside an app)."""
    if has_app_context():
        value = current_app.config.get(name)
        if isinstance(value, int) and value > 0:
            return value
    return DEFAULTS[name]


def period(name: str) -> timedelta:
    """The configured retention `name` as a timedelta."""
    return timedelta(days=days(name))
