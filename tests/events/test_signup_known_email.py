"""Signing up with an email that already has a sign-up: nothing changes, the owner gets a link.

The form answers exactly as for a new sign-up, so it never tells whether an
email is signed up; changing or cancelling happens only behind the emailed link.
"""
from __future__ import annotations

import re

import pytest

from fællesskab.events import registrations, signups
from fællesskab.events.models import Registration

from .test_signup import post_sign_up, registrations_of


def manage_link(message) -> str:
    from ..mail.smtp import body

    found = re.search(r"https?://\S+/arrangementer/tilmelding/(\S+)", body(message))
    assert found, body(message)
    return found.group(1)


def snapshot(db, registration_id):
    db.session.expire_all()
    r = db.session.get(Registration, registration_id)
    return (r.name, r.email, r.party_size, r.message, r.status, r.queued_at, r.cancelled_at, r.language)


def confirmation(client) -> dict:
    """What the confirmation page after a sign-up is built from (the session)."""
    with client.session_transaction() as session:
        return dict(session.get("signed_up") or {})


@pytest.mark.parametrize("status", ["confirmed", "waiting", "cancelled"])
def test_the_sign_up_form_never_changes_an_existing_sign_up(client, db, forum_event, sign_up, status):
    event = forum_event(capacity=2)
    if status == "waiting":
        sign_up(event, email="first@example.org", party_size=2)
    mine = sign_up(event, email="anna@example.org", name="Anna Hansen", party_size=1, message="Vi kommer",
                   language="en")
    if status == "cancelled":
        registrations.cancel_registration(signups.make_token(mine))
        db.session.commit()
    before = snapshot(db, mine.id)
    assert before[4] == status
    response = post_sign_up(client, event, email="ANNA@example.org", name="Someone Else", party_size="2",
                            message="Overskrevet")
    assert response.status_code == 303
    assert snapshot(db, mine.id) == before  # name, party size, message, status (a cancelled one stays cancelled)
    assert len(registrations_of(db, event)) == (2 if status == "waiting" else 1)


@pytest.mark.parametrize("capacity, taken, waiting", [(10, 2, 0), (2, 2, 1), (None, 2, 0)])
def test_known_and_new_emails_get_the_same_answer(client, db, forum_event, sign_up, capacity, taken, waiting):
    """Two events in the same state; on one the email is known, on the other it is new."""
    known, new = forum_event(capacity=capacity), forum_event(capacity=capacity)
    for event, owner in ((known, "anna@example.org"), (new, "carl@example.org")):
        sign_up(event, email=f"host-{event.id}@example.org", party_size=taken)
        for n in range(waiting):
            sign_up(event, email=f"w{n}-{event.id}@example.org", party_size=1)
        sign_up(event, email=owner, party_size=1)  # on the known event: anna herself
    answers = []
    for event in (known, new):
        response = post_sign_up(client, event, email="anna@example.org", party_size="1")
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Din tilmelding er opdateret" not in page
        main = page[page.index("<main"):page.index("</main>")].replace(f"/{event.id}", "/ID")
        main = re.sub(r"<time[^>]*>[^<]*</time>", "", main)  # the two events start a moment apart
        main = main.replace(event.host_name, "HOST")  # each has its own forum
        answers.append((response.status_code, response.headers["Location"].replace(f"/{event.id}", "/ID"),
                        {k: v for k, v in confirmation(client).items() if k != "event"}, main))
    assert answers[0] == answers[1]
    assert answers[0][0] == 303 and answers[0][2]["email"] == "anna@example.org"


def test_the_known_email_gets_a_link_in_its_own_language(client, db, forum_event, sign_up, eml_files):
    event = forum_event()
    sign_up(event, email="john@example.org", name="John", language="en")
    post_sign_up(client, event, email="john@example.org", name="Not John")  # a Danish visitor
    message = eml_files()[-1]
    assert message["To"] == "john@example.org"
    assert message["Subject"] == "You are already signed up: Velkomstmøde i Almind"
    assert message["Content-Language"] == "en"
    assert "Not John" not in message.get_body(("plain",)).get_content()
    assert manage_link(message)
    assert len(eml_files()) == 2  # the first confirmation, then the link; nothing else


def test_a_danish_sign_up_gets_the_link_in_danish(client, db, forum_event, sign_up, eml_files):
    event = forum_event()
    sign_up(event, email="anna@example.org")
    post_sign_up(client, event, email="anna@example.org")
    message = eml_files()[-1]
    assert message["Subject"] == "Du er allerede tilmeldt: Velkomstmøde i Almind"
    assert "/arrangementer/tilmelding/" in message.get_body(("html",)).get_content()
    assert manage_link(message)


def test_the_link_shows_the_sign_up_and_a_get_changes_nothing(client, db, forum_event, sign_up, eml_files):
    event = forum_event()
    mine = sign_up(event, party_size=2, message="Vi har en hund med")
    post_sign_up(client, event)
    token = manage_link(eml_files()[-1])
    before = snapshot(db, mine.id)
    page = client.get(f"/arrangementer/tilmelding/{token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Anna Hansen" in text and "Vi har en hund med" in text and 'value="2"' in text
    assert f'action="/arrangementer/afmeld/{token}"' in text
    assert snapshot(db, mine.id) == before


def test_the_link_lets_the_owner_change_party_size_and_message(client, db, forum_event, sign_up, eml_files):
    event = forum_event(capacity=10)
    mine = sign_up(event, party_size=2)
    post_sign_up(client, event)
    token = manage_link(eml_files()[-1])
    response = client.post(f"/arrangementer/tilmelding/{token}", data={"party_size": "4", "message": "Vi bliver 4"})
    assert response.status_code == 200
    assert "Din tilmelding er opdateret." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (mine.party_size, mine.message, mine.status) == (4, "Vi bliver 4", "confirmed")
    assert eml_files()[-1]["Subject"] == "Tilmelding opdateret: Velkomstmøde i Almind"


def test_the_link_lets_the_owner_cancel(client, db, forum_event, sign_up, eml_files):
    event = forum_event()
    mine = sign_up(event)
    post_sign_up(client, event)
    token = manage_link(eml_files()[-1])
    response = client.post(f"/arrangementer/afmeld/{token}")
    assert "Du er afmeldt." in response.get_data(as_text=True)
    db.session.expire_all()
    assert mine.status == "cancelled"


def test_a_change_that_does_not_fit_keeps_the_places_one_had(client, db, forum_event, sign_up):
    event = forum_event(capacity=4)
    mine = sign_up(event, email="a@example.org", party_size=2)
    sign_up(event, email="b@example.org", party_size=2)
    token = signups.make_token(mine)
    response = client.post(f"/arrangementer/tilmelding/{token}", data={"party_size": "3", "message": ""})
    assert response.status_code == 400
    assert "Der er kun plads til 2 af jer. Din tilmelding til 2 er uændret." in response.get_data(as_text=True)
    assert [r.party_size for r in registrations_of(db, event)] == [2, 2]


def test_a_smaller_party_frees_places_for_the_waiting_list(client, db, forum_event, sign_up, eml_files):
    event = forum_event(capacity=3)
    mine = sign_up(event, email="a@example.org", party_size=3)
    sign_up(event, email="b@example.org", party_size=1)
    response = client.post(f"/arrangementer/tilmelding/{signups.make_token(mine)}",
                           data={"party_size": "2", "message": ""})
    assert response.status_code == 200
    assert [(r.email, r.party_size, r.status) for r in registrations_of(db, event)] == [
        ("a@example.org", 2, "confirmed"), ("b@example.org", 1, "confirmed")]
    assert ("b@example.org", "Du har fået en plads: Velkomstmøde i Almind") in [
        (m["To"], m["Subject"]) for m in eml_files()]


def test_a_cancelled_sign_up_comes_back_only_through_the_link(client, db, forum_event, sign_up, eml_files):
    event = forum_event(capacity=10)
    mine = sign_up(event, party_size=2)
    token = signups.make_token(mine)
    client.post(f"/arrangementer/afmeld/{token}")
    assert eml_files()[-1]["Subject"] == "Du er afmeldt: Velkomstmøde i Almind"
    token = manage_link(eml_files()[-1])  # the receipt's "sign up again" leads to the sign-up's own page
    post_sign_up(client, event)
    db.session.expire_all()
    assert mine.status == "cancelled"
    page = client.get(f"/arrangementer/tilmelding/{token}").get_data(as_text=True)
    assert "Tilmeld mig igen" in page
    response = client.post(f"/arrangementer/tilmelding/{token}", data={"party_size": "1", "message": ""})
    assert response.status_code == 200
    db.session.expire_all()
    assert (mine.status, mine.party_size, mine.cancelled_at) == ("confirmed", 1, None)
    assert eml_files()[-1]["Subject"] == "Tilmelding opdateret: Velkomstmøde i Almind"


def test_a_cancelled_sign_up_that_no_longer_fits_goes_on_the_waiting_list(client, db, forum_event, sign_up):
    event = forum_event(capacity=2)
    mine = sign_up(event, email="a@example.org", party_size=2)
    token = signups.make_token(mine)
    client.post(f"/arrangementer/afmeld/{token}")
    sign_up(event, email="b@example.org", party_size=2)
    response = client.post(f"/arrangementer/tilmelding/{token}", data={"party_size": "2", "message": ""})
    assert response.status_code == 200
    assert "venteliste" in response.get_data(as_text=True)
    assert [(r.email, r.status) for r in registrations_of(db, event)] == [
        ("a@example.org", "waiting"), ("b@example.org", "confirmed")]


@pytest.mark.parametrize("data, field, message", [
    ({"party_size": "0"}, "party_size", "Antal personer skal være mindst 1."),
    ({"party_size": "²"}, "party_size", "Antal personer skal være et helt tal"),
    ({"party_size": "99999999999999999999"}, "party_size", "Antal personer skal være et helt tal"),
    ({"party_size": "11"}, "party_size", "Der er højst plads til 10 personer i alt."),
    ({"message": "x" * 1001}, "message", "Beskeden er for lang"),
])
def test_odd_input_on_the_link_page_is_a_400_at_the_field(client, db, forum_event, sign_up, data, field, message):
    event = forum_event(capacity=10)
    mine = sign_up(event, party_size=2, message="før")
    before = snapshot(db, mine.id)
    response = client.post(f"/arrangementer/tilmelding/{signups.make_token(mine)}",
                           data={"party_size": "2", "message": "", **data})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and f'id="{field}-error"' in page
    assert snapshot(db, mine.id) == before


def test_a_bad_link_is_refused_and_changes_nothing(client, db, forum_event, sign_up):
    event = forum_event()
    mine = sign_up(event)
    before = snapshot(db, mine.id)
    for method in (client.get, client.post):
        response = method("/arrangementer/tilmelding/garbage", data={"party_size": "5"})
        assert response.status_code == 400
        assert "Linket er ugyldigt" in response.get_data(as_text=True)
    assert snapshot(db, mine.id) == before


def test_a_change_without_csrf_token_is_refused(app, client, db, forum_event, sign_up, monkeypatch):
    event = forum_event()
    mine = sign_up(event, party_size=1)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(f"/arrangementer/tilmelding/{signups.make_token(mine)}",
                           data={"party_size": "3", "message": ""})
    assert response.status_code == 400
    db.session.expire_all()
    assert mine.party_size == 1
