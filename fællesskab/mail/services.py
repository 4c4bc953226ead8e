"""Queue, render and deliver email.

`queue()` adds a message to the outbox in the caller's transaction (it
flushes, never commits). Doors (views, CLI) end with `commit_and_deliver()`:
their one commit of the change; then the messages that change queued are
sent — by the mail worker (`flask mail work`) when MAIL_DELIVERY=worker, else
at once — through mail/delivery.py. A failed send is kept for a later try.
"""
from __future__ import annotations

import logging
import uuid
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_date
from email.utils import make_msgid
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template, request

from ..core.retention import period
from ..core.time import utcnow
from ..extensions import db
from .models import OutboxMessage

log = logging.getLogger(__name__)

QUEUED_IN_SESSION = "mail_queued_ids"  # session.info: ids queued since the last delivery
LANGUAGES = ("da", "en")


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


DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"  # `flask run`'s address, for mail sent outside a request


def base_url() -> str:
    """Where links in emails and letters point: MAIL_BASE_URL, else (development only: production
    refuses to start without it) the running server's address as this request reached it."""
    configured = current_app.config.get("MAIL_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEVELOPMENT_BASE_URL


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for an email, built on `base_url()` (no request needed: cron sends reminders)."""
    parts = urlsplit(base_url())
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


def commit_and_deliver() -> tuple[int, int]:
    """Commit the caller's change, then have the mail it queued sent.

    The change is committed first, so no mail ever tells about a change that
    was rolled back. In a request with MAIL_DELIVERY=worker (production's
    default) that is all: the mail worker sends it, and no page waits for an
    SMTP server. Otherwise (development, CLI commands) it is sent now and the
    results committed. Return (sent, failed); failed messages wait in the
    outbox for the worker or `mail retry`.
    """
    from . import delivery

    ids = db.session.info.pop(QUEUED_IN_SESSION, [])
    db.session.commit()
    if not ids or (has_request_context() and current_app.config.get("MAIL_DELIVERY") == "worker"):
        return 0, 0
    return delivery.send_now(ids)


def forget_queued() -> None:
    """After a rollback: the queued ids are gone with the transaction."""
    db.session.info.pop(QUEUED_IN_SESSION, None)


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


def backlog():
    """(how many messages wait unsent, when the oldest of them was queued — None if none)."""
    return tuple(db.session.execute(
        sa.select(sa.func.count(), sa.func.min(OutboxMessage.created_at)).where(OutboxMessage.status == "queued")
    ).one())


def queued_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "queued")
    ) or 0
