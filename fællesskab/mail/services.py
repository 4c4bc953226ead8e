"""Queue, render and deliver email.

`queue()` adds a message to the outbox in the caller's transaction (it
flushes, never commits). Doors (views, CLI) end with `commit_and_deliver()`:
their one commit of the change, then the messages that change queued are
sent and their delivery recorded. A failed send is kept for `mail retry`.
"""
from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_date, make_msgid
from typing import Iterable
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template

from ..core.retention import period
from ..core.time import utcnow
from ..extensions import db
from .models import OutboxMessage
from .transport import MailError, Transport, transport_from_config

log = logging.getLogger(__name__)

QUEUED_IN_SESSION = "mail_queued_ids"  # session.info: ids queued since the last delivery
LANGUAGES = ("da", "en")
# A message that was never tried (its request died before delivering) is left
# this long to its own request before `mail retry` takes it.
UNTRIED_GRACE = timedelta(minutes=5)


def render(name: str, language: str, context: dict) -> tuple[str, str, str]:
    """Render `email/<name>.<language>.txt` and `.html`; return (subject, text, html).

    The text template sets the subject with `{% set subject = ... %}`.
    """
    language = language if language in LANGUAGES else "da"
    context = {**context, "language": language}
    env = current_app.jinja_env
    module = env.get_template(f"email/{name}.{language}.txt").make_module(context)
    subject = " ".join(str(getattr(module, "subject", "")).split())
    text = str(module).strip() + "\n"
    html = render_template(f"email/{name}.{language}.html", **{**context, "subject": subject})
    return subject, text, html


def queue(to: str, subject: str, text: str, html: str | None = None, *, kind: str = "",
          language: str = "da") -> OutboxMessage:
    """Add one message to the outbox (flushes)."""
    domain = (current_app.config.get("MAIL_FROM") or "").rpartition("@")[2].strip(" >") or "localhost"
    subject = " ".join(subject.split())[:300]  # one line: a header never takes a line break
    message = OutboxMessage(
        kind=kind, to_address=to, subject=subject, text_body=text, html_body=html,
        language=language, message_id=make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain),
        status="queued", attempts=0,
    )
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(QUEUED_IN_SESSION, []).append(message.id)
    return message


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for an email, built on MAIL_BASE_URL (no request needed: cron sends reminders)."""
    parts = urlsplit(current_app.config["MAIL_BASE_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def queue_template(to: str, name: str, language: str, context: dict) -> OutboxMessage:
    """Render the email `name` in `language` with `context` and queue it."""
    subject, text, html = render(name, language, context)
    return queue(to, subject, text, html, kind=name, language=language)


def build(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = rfc2822_date(message.created_at)
    email["Auto-Submitted"] = "auto-generated"  # no vacation replies, please
    email.set_content(message.text_body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    email["Content-Language"] = message.language  # after set_content, which clears Content-* headers
    return email


def deliver(messages: Iterable[OutboxMessage], transport: Transport | None = None) -> tuple[int, int]:
    """Try to send each queued message; record the result (flushes). Return (sent, failed)."""
    transport = transport or transport_from_config(current_app.config)
    sender = current_app.config["MAIL_FROM"]
    sent = failed = 0
    for message in messages:
        if message.status != "queued":
            continue
        message.attempts += 1
        message.last_attempt_at = utcnow()
        try:
            transport.send(build(message, sender))
        except (MailError, ValueError) as exc:  # ValueError: a header the email package refuses
            message.last_error = str(exc)[:500]
            failed += 1
            log.warning("mail %s to outbox #%s not sent (attempt %s): %s", message.kind, message.id,
                        message.attempts, exc)
        else:
            message.status = "sent"
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
    db.session.flush()
    return sent, failed


def commit_and_deliver() -> tuple[int, int]:
    """Commit the caller's change, then send the mail it queued.

    The change is committed first, so no mail ever tells about a change that
    was rolled back; delivery results are saved in a second commit. Return
    (sent, failed); failed messages wait in the outbox for `mail retry`.
    """
    ids = db.session.info.pop(QUEUED_IN_SESSION, [])
    db.session.commit()
    if not ids:
        return 0, 0
    messages = list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status == "queued")
        .order_by(OutboxMessage.id)
    ))
    result = deliver(messages)
    db.session.commit()
    return result


def forget_queued() -> None:
    """After a rollback: the queued ids are gone with the transaction."""
    db.session.info.pop(QUEUED_IN_SESSION, None)


def retry_queued(*, limit: int = 500) -> tuple[int, int]:
    """Send queued messages that failed before, or that nobody tried (flushes). Return (sent, failed)."""
    grace = utcnow() - UNTRIED_GRACE
    messages = list(db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == "queued",
               sa.or_(OutboxMessage.attempts > 0, OutboxMessage.created_at < grace))
        .order_by(OutboxMessage.id).limit(limit)
    ))
    return deliver(messages)


def purge_sent(*, now=None) -> int:
    """Delete messages sent more than RETENTION_SENT_MAIL_DAYS ago (they hold personal data); return how many.

    Meant for `privacy purge` (flushes).
    """
    cutoff = (now or utcnow()) - period("RETENTION_SENT_MAIL_DAYS")
    result = db.session.execute(
        sa.delete(OutboxMessage).where(OutboxMessage.status == "sent", OutboxMessage.sent_at < cutoff)
    )
    db.session.flush()
    return result.rowcount or 0


def purge_unsent(*, now=None) -> int:
    """Delete queued messages older than RETENTION_UNSENT_MAIL_DAYS; return how many (flushes).

    `mail retry` has had that long to send them; a message still queued then
    goes to an address that does not work, and its news is long out of date.
    """
    cutoff = (now or utcnow()) - period("RETENTION_UNSENT_MAIL_DAYS")
    result = db.session.execute(
        sa.delete(OutboxMessage).where(OutboxMessage.status == "queued", OutboxMessage.created_at < cutoff)
    )
    db.session.flush()
    return result.rowcount or 0


def queued_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "queued")
    ) or 0
