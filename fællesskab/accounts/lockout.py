"""The per-account lockout: 5 failed attempts lock an account until 15 minutes after the first.

The count lives on the account row (`users.failed_logins`, `users.failure_window_started_at`),
so every thread, worker and node sees the same one. Each attempt *claims* a slot with one
atomic `UPDATE … RETURNING` before the password or code is checked; once five slots of the
window are taken, the next attempt is refused without checking anything, so parallel
attempts cannot all be verified. A right password or code gives its slot back (`release`),
so successful logins never count. Wrong passwords at login, wrong codes and recovery codes,
and wrong re-entered passwords all claim from the same count. The window starts with its
first attempt and refused attempts write nothing, so hammering a locked account does not
keep it locked past the window.

An email without an account is counted the same way in the rate limiter's storage (no rows
are made for it), so the answers do not tell which emails have accounts.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from limits import parse
from werkzeug.exceptions import TooManyRequests

from ..core import metrics
from ..core.time import UTCDateTime, utcnow
from ..extensions import db, limiter
from .models import User

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
UNKNOWN_EMAIL_LIMIT = parse(f"{MAX_FAILURES} per {int(WINDOW.total_seconds() // 60)} minutes")

_users = User.__table__


class AccountLocked(TooManyRequests):
    """Too many failed attempts on one account; `retry_after` is in whole seconds."""

    def __init__(self, seconds: int):
        super().__init__(retry_after=max(1, seconds))
        self.seconds = max(1, seconds)


@dataclass(frozen=True)
class Attempt:
    """A claimed slot; `user_id` is None when nothing was claimed on an account row."""

    user_id: int | None


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMITS_ON", True))  # tests switch limits off


def _account(email: str | None, user: User | None):
    if user is not None:
        return _users.c.id == user.id
    return _users.c.email == (email or "").strip().lower()[:254]


def claim(*, email: str | None = None, user: User | None = None) -> Attempt:
    """Claim one attempt for the account with `email` (or `user`) before checking what was typed.

    Call it before the request writes anything: the claim commits at once in a transaction
    of its own, so the request's own rollback cannot undo it.

    :raises AccountLocked: five attempts of the current window are taken.
    """
    if not _enabled():
        return Attempt(None)
    now = utcnow()
    started = _users.c.failure_window_started_at
    window_over = sa.or_(started.is_(None), started <= now - WINDOW)
    claimed = _in_own_transaction(
        sa.update(_users)
        .where(_account(email, user), sa.or_(window_over, _users.c.failed_logins < MAX_FAILURES))
        .values(failed_logins=sa.case((window_over, 1), else_=_users.c.failed_logins + 1),
                failure_window_started_at=sa.case((window_over, sa.literal(now, UTCDateTime())), else_=started))
        .returning(_users.c.id)
    )
    if claimed is not None:
        return Attempt(claimed.id)
    window_start = db.session.execute(sa.select(started).where(_account(email, user))).first()
    if window_start is not None:  # the account exists and its window is full
        metrics.LOCKOUTS.inc()
        raise AccountLocked(_seconds_until(window_start[0] + WINDOW if window_start[0] else now))
    _claim_for_unknown_email(email or "")
    return Attempt(None)


def release(attempt: Attempt) -> None:
    """Give a claimed slot back after a right password or code; the caller commits."""
    if attempt.user_id is None:
        return
    db.session.execute(
        sa.update(_users).where(_users.c.id == attempt.user_id)
        .values(failed_logins=sa.case((_users.c.failed_logins > 0, _users.c.failed_logins - 1), else_=0))
    )


def _claim_for_unknown_email(email: str) -> None:
    key = email.strip().lower()[:254]
    strategy = limiter.limiter
    if not strategy.hit(UNKNOWN_EMAIL_LIMIT, "login-unknown-email", key):
        reset_at, _remaining = strategy.get_window_stats(UNKNOWN_EMAIL_LIMIT, "login-unknown-email", key)
        metrics.LOCKOUTS.inc()  # counted as a known account's would be: the figure tells nothing more
        raise AccountLocked(math.ceil(reset_at - time.time()))


def _seconds_until(moment: datetime) -> int:
    return math.ceil((moment - utcnow()).total_seconds())


def _in_own_transaction(statement):
    """Run `statement` in a short transaction of its own and commit; return its first row."""
    session = db.session()
    if db.engine.dialect.name == "sqlite" and session.in_transaction():
        dbapi = session.connection().connection.dbapi_connection
        if getattr(dbapi, "in_transaction", False):  # the request holds SQLite's write lock
            raise RuntimeError("lockout.claim() must come before the request writes anything")
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Take the write lock up front: a plain UPDATE starts as a reader, and two
            # readers turning writer at once make SQLite answer "database is locked".
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        row = connection.execute(statement).first()
        connection.commit()
    return row
