"""SMTP faults beyond "nothing listens" (tests/mail covers that): a server that is up
but refuses for a while (421), and one that goes down between two messages.
Mail stays in the outbox and `flask mail retry` sends each message exactly once.
"""
from __future__ import annotations

from tests.mail.smtp import SMTPServer, free_port

FAULTS = {"injected": 0}


class Sick(SMTPServer):
    """An SMTP server that answers 421 (try again later) while `sick` is set."""

    def __init__(self, port=None):
        super().__init__(port)
        self.sick = True
        inbox = self.inbox
        real = inbox.handle_DATA

        async def handle_DATA(server, session, envelope):
            if self.sick:
                return "421 4.3.0 Prøv igen senere"
            return await real(server, session, envelope)

        inbox.handle_DATA = handle_DATA


def sign_up(client, event_id: int, n: int) -> None:
    response = client.post(f"/arrangementer/{event_id}/tilmelding",
                           data={"name": f"Gæst {n}", "email": f"g{n}@example.org", "party_size": "1"})
    assert response.status_code == 303  # the sign-up itself always succeeds


def test_a_refusing_server_keeps_mail_queued_until_it_accepts(client, app, db, runner, forum_event, outbox,
                                                              monkeypatch):
    server = Sick().start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    try:
        event = forum_event(capacity=5)
        for n in range(3):
            sign_up(client, event.id, n)
        FAULTS["injected"] += 1
        assert [m.status for m in outbox()] == ["queued"] * 3
        assert all("421" in m.last_error for m in outbox())
        assert runner.invoke(args=["mail", "retry"]).exit_code == 1  # still refusing
        server.sick = False
        result = runner.invoke(args=["mail", "retry"])
        assert result.exit_code == 0, result.output
        assert len(server.inbox.wait_for(3)) == 3
        assert [m.status for m in outbox()] == ["sent"] * 3
        assert "0 sendt, 0 venter" in runner.invoke(args=["mail", "retry"]).output  # never twice
    finally:
        server.stop()


def test_a_server_that_goes_down_between_messages(client, app, db, runner, forum_event, outbox, monkeypatch):
    port = free_port()
    server = SMTPServer(port).start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    event = forum_event(capacity=5)
    sign_up(client, event.id, 1)
    assert len(server.inbox.wait_for(1)) == 1
    server.stop()  # down
    FAULTS["injected"] += 1
    sign_up(client, event.id, 2)
    assert [m.status for m in outbox()] == ["sent", "queued"]
    server = SMTPServer(port).start()  # back on the same port
    try:
        assert runner.invoke(args=["mail", "retry"]).exit_code == 0
        (received,) = server.inbox.wait_for(1)
        assert received["To"] == "g2@example.org"
        assert [m.status for m in outbox()] == ["sent", "sent"]
    finally:
        server.stop()
