"""Email through a real SMTP server on 127.0.0.1, the outbox, and `flask mail retry`."""
from __future__ import annotations

import glob
import os
from datetime import timedelta

import pytest

from fællesskab.core.time import utcnow
from fællesskab.mail import services as mail
from fællesskab.mail.models import OutboxMessage
from fællesskab.mail.transport import FolderTransport, MailError, transport_from_config

from .smtp import SMTPServer, body, free_port


def queue_one(db, to="anna@example.org"):
    message = mail.queue(to, "Hej Anna", "Tekst med æøå\n", "<p>HTML med æøå</p>", kind="test")
    return message


def test_a_sign_up_is_confirmed_through_smtp(client, db, app, forum_event, smtp_server, outbox):
    event = forum_event(capacity=5)
    response = client.post(f"/arrangementer/{event.id}/tilmelding",
                           data={"name": "Anna", "email": "anna@example.org", "party_size": "2"})
    assert response.status_code == 303
    (received,) = smtp_server.inbox.wait_for(1)
    assert smtp_server.inbox.envelopes[0].rcpt_tos == ["anna@example.org"]
    assert received["To"] == "anna@example.org"
    assert received["From"] == app.config["MAIL_FROM"]
    assert received["Subject"] == "Du er tilmeldt: Velkomstmøde i Almind"
    assert received.get_content_type() == "multipart/alternative"
    assert "Du har 2 pladser til Velkomstmøde i Almind." in body(received)
    assert "<html lang=\"da\">" in body(received, "html")
    assert "/arrangementer/afmeld/" in body(received) and "/arrangementer/afmeld/" in body(received, "html")
    (message,) = outbox()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, None)
    assert received["Message-ID"] == message.message_id


def test_a_failed_send_stays_in_the_outbox_and_retry_sends_it(client, db, app, runner, forum_event, monkeypatch,
                                                               outbox):
    port = free_port()  # nothing listens here yet: the server is "down"
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    event = forum_event()
    response = client.post(f"/arrangementer/{event.id}/tilmelding",
                           data={"name": "Anna", "email": "anna@example.org", "party_size": "1"})
    assert response.status_code == 303  # the sign-up itself succeeded
    assert "En e-mail til anna@example.org er på vej; den kan komme lidt senere." in \
        client.get(response.headers["Location"]).get_data(as_text=True)
    (message,) = outbox()
    assert (message.status, message.attempts) == ("queued", 1)
    assert "127.0.0.1" in message.last_error

    down = runner.invoke(args=["mail", "retry"])
    assert down.exit_code == 1
    assert "1 e-mail(s) kunne stadig ikke sendes" in down.output
    assert outbox()[0].attempts == 2

    server = SMTPServer(port).start()
    try:
        result = runner.invoke(args=["mail", "retry"])
        assert result.exit_code == 0, result.output
        assert "Udbakke: 1 sendt, 0 venter." in result.output
        (received,) = server.inbox.wait_for(1)
    finally:
        server.stop()
    assert received["Subject"] == "Du er tilmeldt: Velkomstmøde i Almind"
    assert received["Message-ID"] == message.message_id  # the same message, not a new one
    sent = outbox()[0]
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 3, None) and sent.sent_at is not None
    again = runner.invoke(args=["mail", "retry"])
    assert "Udbakke: 0 sendt, 0 venter." in again.output  # never sent twice


def test_retry_leaves_messages_another_sender_holds(app, db, runner, smtp_server):
    """A message a worker or a request is sending right now is not sent a second time by cron."""
    from fællesskab.mail import delivery

    held = queue_one(db)
    free = queue_one(db, to="free@example.org")
    db.session.commit()
    assert delivery.claim(ids=[held.id]) == [held.id]
    db.session.commit()
    result = runner.invoke(args=["mail", "retry"])
    assert "Udbakke: 1 sendt, 1 venter." in result.output
    assert [m["To"] for m in smtp_server.inbox.wait_for(1)] == ["free@example.org"]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, held.id).status == "queued"
    assert db.session.get(OutboxMessage, free.id).status == "sent"


def test_development_writes_eml_files(app, db, mail_folder):
    queue_one(db)
    sent, failed = mail.commit_and_deliver()
    assert (sent, failed) == (1, 0)
    (path,) = glob.glob(os.path.join(mail_folder, "*.eml"))
    with open(path, "rb") as fh:
        raw = fh.read()
    assert b"Subject: Hej Anna" in raw and b"To: anna@example.org" in raw


def test_a_rollback_sends_nothing(app, db, mail_folder, outbox):
    queue_one(db)
    db.session.rollback()
    mail.forget_queued()
    assert mail.commit_and_deliver() == (0, 0)
    assert outbox() == [] and not os.path.exists(mail_folder)


def test_production_without_a_server_keeps_mail_queued(app, db, monkeypatch, outbox):
    monkeypatch.setitem(app.config, "FAELLESSKAB_ENV", "production")
    queue_one(db)
    assert mail.commit_and_deliver() == (0, 1)
    (message,) = outbox()
    assert message.status == "queued" and "MAIL_SERVER" in message.last_error


def test_transport_choice(tmp_path):
    assert isinstance(transport_from_config({"MAIL_FOLDER": str(tmp_path)}), FolderTransport)
    smtp = transport_from_config({"MAIL_SERVER": "smtp.example.org", "MAIL_PORT": 587, "MAIL_USE_TLS": True,
                                  "MAIL_USERNAME": "u", "MAIL_PASSWORD": "p"})
    assert (smtp.host, smtp.port, smtp.use_tls, smtp.username) == ("smtp.example.org", 587, True, "u")
    with pytest.raises(MailError):
        transport_from_config({"FAELLESSKAB_ENV": "production"}).send(None)


def test_an_unwritable_folder_is_a_mail_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from email.message import EmailMessage

    message = EmailMessage()
    message["Message-ID"] = "<x@y>"
    with pytest.raises(MailError):
        FolderTransport(str(blocker / "mail")).send(message)


def test_mail_settings_from_the_environment(tmp_path):
    from fællesskab.config import Config, ConfigError

    settings = Config.from_env(str(tmp_path), env={})
    assert settings["MAIL_SERVER"] is None and settings["MAIL_PORT"] == 25
    assert settings["MAIL_FOLDER"] == os.path.join(str(tmp_path), "mail")
    settings = Config.from_env(str(tmp_path), env={
        "MAIL_SERVER": "smtp.kolding.dk", "MAIL_USE_TLS": "true", "MAIL_USERNAME": "u", "MAIL_PASSWORD": "p",
        "MAIL_FROM": "Fællesskab <noreply@kolding.dk>", "MAIL_BASE_URL": "https://faellesskab.kolding.dk/"})
    assert (settings["MAIL_SERVER"], settings["MAIL_PORT"], settings["MAIL_USE_TLS"]) == ("smtp.kolding.dk", 587, True)
    assert settings["MAIL_BASE_URL"] == "https://faellesskab.kolding.dk"
    with pytest.raises(ConfigError):
        Config.from_env(str(tmp_path), env={"MAIL_PORT": "smtp"})


def test_sent_mail_is_deleted_after_a_month_but_queued_mail_is_kept(app, db, outbox):
    queue_one(db)
    mail.commit_and_deliver()
    queue_one(db, to="waiting@example.org")
    db.session.commit()
    assert mail.purge_sent() == 0
    assert mail.purge_sent(now=utcnow() + timedelta(days=31)) == 1
    db.session.commit()
    assert [m.to_address for m in outbox()] == ["waiting@example.org"]
