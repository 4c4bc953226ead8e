"""Mail outside the request: MAIL_DELIVERY=worker and `flask mail work` (issue 24, item 4)."""
from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest

from fællesskab.config import Config, ConfigError
from fællesskab.core.time import utcnow
from fællesskab.mail import delivery
from fællesskab.mail import services as mail

from .smtp import Inbox, SMTPServer


class SlowInbox(Inbox):
    """Takes `delay` seconds to accept each message, and counts the connections made to it."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp(app, monkeypatch):
    server = SMTPServer()
    server.inbox = SlowInbox(delay=0.5)
    server.controller.handler = server.inbox
    server.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    yield server
    server.stop()


def test_a_sign_up_only_queues_its_mail_and_the_worker_sends_it_once(app, client, db, runner, forum_event,
                                                                      slow_smtp, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "worker")
    event = forum_event(capacity=5)
    response = client.post(f"/arrangementer/{event.id}/tilmelding",
                           data={"name": "Anna", "email": "anna@example.org", "party_size": "1"})
    assert response.status_code == 303
    # The request never spoke to the (slow) server: nothing to wait for.
    assert slow_smtp.inbox.connections == 0
    (queued,) = outbox()
    assert (queued.status, queued.attempts) == ("queued", 0)
    assert "senere" not in client.get(response.headers["Location"]).get_data(as_text=True)

    result = runner.invoke(args=["mail", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "Udbakke: 1 sendt, 0 fejlede, 0 venter." in result.output
    assert runner.invoke(args=["mail", "work", "--once"]).output.startswith("Udbakke: 0 sendt")
    assert [m["To"] for m in slow_smtp.inbox.wait_for(1)] == ["anna@example.org"]
    assert len(slow_smtp.inbox.envelopes) == 1
    (sent,) = outbox()
    assert (sent.status, sent.attempts, sent.claimed_until) == ("sent", 1, None)


def test_two_workers_send_each_message_exactly_once(app, db, slow_smtp, outbox):
    slow_smtp.inbox.delay = 0.02
    for n in range(24):
        mail.queue(f"person{n}@example.org", f"Besked {n}", "Tekst", kind="test")
    db.session.commit()
    results, errors = [], []

    def worker():
        try:
            with app.app_context():
                results.append(delivery.work(once=True))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sum(sent for sent, _failed in results) == 24
    assert all(sent > 0 for sent, _failed in results), results  # both took a share
    ids = [m["Message-ID"] for m in slow_smtp.inbox.wait_for(24)]
    assert len(ids) == len(set(ids)) == 24
    assert {m.status for m in outbox()} == {"sent"}


def test_a_failed_message_waits_out_its_backoff(app, db, runner, outbox, monkeypatch):
    from .smtp import free_port

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens: refused
    mail.queue("anna@example.org", "Hej", "Tekst", kind="test")
    db.session.commit()
    assert delivery.work(once=True) == (0, 1)
    (message,) = outbox()
    assert message.attempts == 1 and message.claimed_until is None
    wait = message.next_attempt_at - message.last_attempt_at
    assert wait == delivery.backoff(1) == timedelta(minutes=1)
    assert delivery.work(once=True) == (0, 0)  # not due yet
    assert outbox()[0].attempts == 1
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert delivery.work(once=True) == (0, 1)
    assert outbox()[0].next_attempt_at - outbox()[0].last_attempt_at == timedelta(minutes=2)
    assert delivery.backoff(20) == timedelta(hours=6)


def test_a_lapsed_claim_is_taken_again(app, db, smtp_server, outbox):
    """A worker that died holding a message does not keep it forever."""
    message = mail.queue("anna@example.org", "Hej", "Tekst", kind="test")
    db.session.commit()
    assert delivery.claim(ids=[message.id]) == [message.id]
    db.session.commit()
    assert delivery.work(once=True) == (0, 0)
    message.claimed_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert delivery.work(once=True) == (1, 0)


def test_mail_delivery_setting(tmp_path):
    assert Config.from_env(str(tmp_path), {})["MAIL_DELIVERY"] == "request"
    production = {"FAELLESSKAB_ENV": "production", "SECRET_KEY": "x", "MAIL_BASE_URL": "https://faellesskab.example.org"}
    assert Config.from_env(str(tmp_path), production)["MAIL_DELIVERY"] == "worker"
    assert Config.from_env(str(tmp_path), {**production, "MAIL_DELIVERY": "request"})["MAIL_DELIVERY"] == "request"
    with pytest.raises(ConfigError, match="MAIL_DELIVERY"):
        Config.from_env(str(tmp_path), {"MAIL_DELIVERY": "pigeon"})


def test_a_claim_takes_at_most_its_limit(app, db):
    """On PostgreSQL `UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` took all rows."""
    for n in range(5):
        mail.queue(f"person{n}@example.org", "Hej", "Tekst", kind="test")
    db.session.commit()
    first = delivery.claim(3)
    db.session.commit()
    assert len(first) == 3
    assert len(set(delivery.claim(3)) - set(first)) == 2
