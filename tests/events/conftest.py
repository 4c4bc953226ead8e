"""Fixtures for events: forums with accounts, forum events, the outbox, an SMTP server."""
from __future__ import annotations

import glob
import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

# The migration fixtures of tests/app, for test_next_starts_migration.py.
from ..app.test_migrations import empty_database_url, keep_logging, migration_app  # noqa: F401
from ..helpers import PASSWORD
from ..mail.smtp import SMTPServer


@pytest.fixture(autouse=True)
def mail_folder(app, tmp_path, monkeypatch):
    """Mail goes to a fresh folder per test (never the repository's instance/mail)."""
    folder = tmp_path / "mail"
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(folder))
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "MAIL_BASE_URL", "https://faellesskab.example.org")
    return folder


@pytest.fixture
def eml_files(mail_folder):
    def read():
        import email
        import email.policy

        out = []
        for path in sorted(glob.glob(os.path.join(mail_folder, "*.eml"))):
            with open(path, "rb") as fh:
                out.append(email.message_from_bytes(fh.read(), policy=email.policy.default))
        return out

    return read


@pytest.fixture
def outbox(db):
    from fællesskab.mail.models import OutboxMessage

    def read(**filters):
        stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        for key, value in filters.items():
            stmt = stmt.where(getattr(OutboxMessage, key) == value)
        db.session.expire_all()
        return list(db.session.scalars(stmt))

    return read


@pytest.fixture
def smtp_server(app, monkeypatch):
    server = SMTPServer().start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    yield server
    server.stop()


@pytest.fixture
def forum_event(db, make_forum):
    """An approved forum event that takes sign-ups: forum_event(capacity=3, starts_in=...)."""
    from fællesskab.core.time import utcnow
    from fællesskab.events import services

    def build(capacity=10, starts_in=timedelta(days=7), forum=None, status="approved", **kw):
        forum = forum or make_forum()
        starts = utcnow() + starts_in
        raw = {"title": "Velkomstmøde i Almind", "kind": "welcome-meeting", "starts_at": starts.isoformat(),
               "ends_at": (starts + timedelta(hours=2)).isoformat(), "town": "Almind",
               "capacity": capacity, "registration_required": "true", "forum_id": forum.id,
               "address": "Vestergade 20"}
        raw.update(kw)
        event = services.create_event(services.clean_event(raw), status=status)
        db.session.commit()
        return event

    return build


@pytest.fixture
def sign_up(db):
    """Sign up through the service and commit like a view does; return the registration."""
    from fællesskab.events import registrations
    from fællesskab.mail import services as mail

    def do(event, email="anna@example.org", name="Anna Hansen", party_size=1, language="da", **kw):
        result = registrations.sign_up(event.id, {"name": name, "email": email, "party_size": party_size, **kw},
                                       language=language)
        mail.commit_and_deliver()
        return result.registration

    return do


@pytest.fixture
def forum_login(client, make_user, make_forum):
    """Log in as a forum account; return (user, forum)."""

    def login(trusted=True, places=("Almind",), **kw):
        forum = make_forum(is_trusted=trusted, places=list(places), **kw)
        user = make_user("forum", forum=forum)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        return user, forum

    return login
