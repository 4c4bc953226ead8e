"""Sending what waits in the outbox: claim a few messages, send each, record the result.

Every sender goes through here — the request's own delivery (MAIL_DELIVERY=request),
`flask mail work` (a long-running worker) and `flask mail retry` (cron) — so a
message is sent once however many of them run, on however many nodes:

* `claim()` marks messages as held by this sender for CLAIM_LEASE, in one UPDATE
  that only takes messages nobody holds; on PostgreSQL the candidates are picked
  `FOR UPDATE SKIP LOCKED`, so two workers neither wait on nor take the same row.
  The claim is committed before anything is sent.
* `send_claimed()` holds no transaction while an SMTP server talks (a slow server
  must not hold a lock), and commits each result at once.
* a failed message waits before the worker tries it again (back-off, doubling
  from a minute up to six hours); `mail retry` is the operator's "now" and does not wait.

These functions commit: they are the doors' part of sending (DESIGN.md), called
by views and CLI commands after their own commit.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..core.time import utcnow
from ..extensions import db
from .models import OutboxMessage
from .services import build
from .transport import MailError, Transport, transport_from_config

log = logging.getLogger(__name__)

# Longer than a batch can take: BATCH messages, each at most SMTP_TIMEOUT (15 s) per attempt.
CLAIM_LEASE = timedelta(minutes=10)
BATCH = 10
FIRST_BACKOFF = timedelta(minutes=1)
LONGEST_BACKOFF = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """How long the worker waits after the `attempts`-th failed attempt."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), LONGEST_BACKOFF)


def claim(limit: int = BATCH, *, ids: list[int] | None = None, after: int = 0, wait_for_backoff: bool = True,
          now: datetime | None = None) -> list[int]:
    """Hold up to `limit` queued messages for this sender; return their ids (flushes, the caller commits)."""
    now = now or utcnow()
    free = sa.and_(OutboxMessage.status == "queued",
                   sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
    if wait_for_backoff:
        free = sa.and_(free, sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))
    candidates = (sa.select(OutboxMessage.id).where(free, OutboxMessage.id > after)
                  .order_by(OutboxMessage.id).limit(limit))
    if ids is not None:
        candidates = candidates.where(OutboxMessage.id.in_(ids))
    if db.session.get_bind().dialect.name == "postgresql":
        # A materialised CTE is read once. As `id IN (subquery)` PostgreSQL may rescan the
        # subquery for every row it updates, and then LIMIT no longer limits (seen: 24 of 24).
        due = candidates.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
        chosen = OutboxMessage.id == due.c.id
    else:
        chosen = OutboxMessage.id.in_(candidates.scalar_subquery())
    # `free` again in the UPDATE: on SQLite (no row locks) a message another sender took
    # between the two reads is not taken twice.
    taken = db.session.scalars(
        sa.update(OutboxMessage).where(chosen, free)
        .values(claimed_until=now + CLAIM_LEASE).returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(taken)


def send_claimed(ids: list[int], transport: Transport | None = None) -> tuple[int, int]:
    """Send each claimed message and commit its result; return (sent, failed)."""
    transport = transport or transport_from_config(current_app.config)
    sender = current_app.config["MAIL_FROM"]
    sent = failed = 0
    for message_id in ids:
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.status != "queued":
            db.session.commit()
            continue
        email = build(message, sender)
        db.session.commit()  # no transaction open while the server answers
        error = None
        try:
            transport.send(email)
        except (MailError, ValueError) as exc:  # ValueError: a header the email package refuses
            error = str(exc)[:500]
        now = utcnow()
        message.attempts += 1
        message.last_attempt_at = now
        message.claimed_until = None
        if error is None:
            message.status, message.sent_at, message.last_error, message.next_attempt_at = "sent", now, None, None
            sent += 1
        else:
            message.last_error = error
            message.next_attempt_at = now + backoff(message.attempts)
            failed += 1
            log.warning("mail %s to outbox #%s not sent (attempt %s): %s", message.kind, message.id,
                        message.attempts, error)
        db.session.commit()
    return sent, failed


def send_now(ids: list[int]) -> tuple[int, int]:
    """Send these just-queued messages at once (MAIL_DELIVERY=request, and CLI commands)."""
    taken = claim(len(ids), ids=ids)
    db.session.commit()
    return send_claimed(taken)


def retry(limit: int = 500) -> tuple[int, int]:
    """Try each queued message nobody holds once, failed ones too without waiting out their back-off."""
    sent = failed = last = 0
    while limit > 0:
        taken = claim(min(BATCH, limit), after=last, wait_for_backoff=False)
        db.session.commit()
        if not taken:
            break
        limit, last = limit - len(taken), taken[-1]
        s, f = send_claimed(taken)
        sent, failed = sent + s, failed + f
    return sent, failed


def work(*, once: bool = False, idle: float = 2.0, stop: threading.Event | None = None) -> tuple[int, int]:
    """Send what is due until stopped (or, with `once`, until nothing is due); return (sent, failed)."""
    stop = stop or threading.Event()
    sent = failed = 0
    while not stop.is_set():
        taken = claim()
        db.session.commit()
        if taken:
            s, f = send_claimed(taken)
            sent, failed = sent + s, failed + f
            continue
        if once:
            break
        stop.wait(idle)
    return sent, failed

