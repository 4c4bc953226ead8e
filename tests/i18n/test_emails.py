"""(e) People who use the site in English get their emails in English."""
from __future__ import annotations

import re

import sqlalchemy as sa

from fællesskab.mail.models import OutboxMessage

from ..helpers import PASSWORD


def outbox(db) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_sign_up_in_english_is_confirmed_in_english(client, db, make_forum, make_event):
    forum = make_forum()
    event = make_event(title="Velkomstmøde i Almind", registration_required="true", capacity=10, forum_id=forum.id)
    client.get("/?lang=en")
    response = client.post(f"/arrangementer/{event.id}/tilmelding",
                           data={"name": "John Smith", "email": "john@example.org", "party_size": "2"})
    assert response.status_code == 303
    (message,) = outbox(db)
    assert message.language == "en" and message.to_address == "john@example.org"
    assert message.subject == "You are signed up: Velkomstmøde i Almind"
    assert re.search(r"(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d",
                     message.text_body)
    assert "Du er tilmeldt" not in message.text_body and "kl." not in message.text_body
    assert '<html lang="en">' in message.html_body
    # the confirmation page is English too
    assert "You are signed up" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_danish_sign_up_stays_danish(client, db, make_forum, make_event):
    forum = make_forum()
    event = make_event(registration_required="true", capacity=10, forum_id=forum.id)
    client.post(f"/arrangementer/{event.id}/tilmelding",
                data={"name": "Anna", "email": "anna@example.org", "party_size": "1"})
    (message,) = outbox(db)
    assert message.language == "da" and message.subject.startswith("Du er tilmeldt:") and " kl. " in message.text_body


def test_a_password_reset_asked_for_in_english_is_sent_in_english(client, db, make_user):
    user = make_user("coordinator")
    client.get("/login?lang=en")
    assert client.post("/login/glemt", data={"email": user.email}).status_code == 302
    (message,) = outbox(db)
    assert message.language == "en" and message.kind == "password_reset"
    assert "password" in message.subject.lower() and "adgangskode" not in message.text_body.lower()
    assert PASSWORD not in message.text_body
