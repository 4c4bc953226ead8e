"""Sign-up without an account: capacity, waiting list, updates, cancel links, emails."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fællesskab.events import registrations, signups
from fællesskab.events.models import Registration


def registrations_of(db, event):
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)))


def cancel_link(message) -> str:
    from ..mail.smtp import body

    found = re.search(r"https?://\S+/arrangementer/afmeld/(\S+)", body(message))
    assert found, body(message)
    return found.group(1)


def post_sign_up(client, event, **data):
    form = {"name": "Anna Hansen", "email": "anna@example.org", "party_size": "1", "message": ""}
    form.update(data)
    return client.post(f"/arrangementer/{event.id}/tilmelding", data=form)


def test_the_event_page_shows_the_form_and_places_left(client, forum_event):
    event = forum_event(capacity=12)
    page = client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    assert "Der er 12 pladser tilbage." in page
    assert f'action="/arrangementer/{event.id}/tilmelding"' in page
    assert 'for="name"' in page and 'for="email"' in page and 'for="party_size"' in page


def test_sign_up_confirms_and_emails_a_confirmation_with_a_cancel_link(client, db, forum_event, eml_files):
    event = forum_event(capacity=10)
    response = post_sign_up(client, event, party_size="3", message="Vi har en hund med")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>Du er tilmeldt</h1>" in page and "Vi har sendt en e-mail til anna@example.org." in page
    assert "Der er 7 pladser tilbage." in client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    (registration,) = registrations_of(db, event)
    assert (registration.status, registration.party_size, registration.message) == ("confirmed", 3,
                                                                                    "Vi har en hund med")
    (message,) = eml_files()
    assert message["To"] == "anna@example.org"
    assert message["Subject"] == "Du er tilmeldt: Velkomstmøde i Almind"
    assert message.get_body(("html",)) is not None and message.get_body(("plain",)) is not None
    assert "https://faellesskab.example.org/arrangementer/afmeld/" in message.get_body(("plain",)).get_content()
    assert cancel_link(message)


def test_english_visitors_get_english_email(client, db, forum_event, eml_files):
    event = forum_event()
    client.post("/sprog", data={"lang": "en", "next": "/"})
    assert post_sign_up(client, event, email="john@example.org", name="John").status_code == 303
    (message,) = eml_files()
    assert message["Subject"].startswith("You are signed up:")
    assert message["Content-Language"] == "en"
    assert "Cancel here" in message.get_body(("plain",)).get_content()


def test_a_full_event_puts_people_on_the_waiting_list(client, db, forum_event, sign_up, eml_files):
    event = forum_event(capacity=2)
    sign_up(event, email="a@example.org", party_size=2)
    response = post_sign_up(client, event, email="b@example.org")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "venteliste som nummer 1" in page
    sign_up(event, email="c@example.org")
    assert [r.status for r in registrations_of(db, event)] == ["confirmed", "waiting", "waiting"]
    assert eml_files()[-1]["Subject"] == "Du er på venteliste: Velkomstmøde i Almind"
    assert "nummer 2" in eml_files()[-1].get_body(("plain",)).get_content()


def test_a_cancellation_moves_the_waiting_list_up_and_emails_who_moved(client, db, forum_event, sign_up, eml_files):
    event = forum_event(capacity=2)
    first = sign_up(event, email="a@example.org", party_size=2)
    sign_up(event, email="big@example.org", party_size=2)  # waits first, and fits when a's 2 places free up
    sign_up(event, email="small@example.org", party_size=1)
    token = cancel_link(eml_files()[0])
    assert first.email == "a@example.org"
    response = client.post(f"/arrangementer/afmeld/{token}")
    assert response.status_code == 200
    assert "Du er afmeldt." in response.get_data(as_text=True)
    assert [(r.email, r.status) for r in registrations_of(db, event)] == [
        ("a@example.org", "cancelled"), ("big@example.org", "confirmed"), ("small@example.org", "waiting")]
    subjects = [(m["To"], m["Subject"]) for m in eml_files()[3:]]
    assert ("a@example.org", "Du er afmeldt: Velkomstmøde i Almind") in subjects
    assert ("big@example.org", "Du har fået en plads: Velkomstmøde i Almind") in subjects
    assert len(subjects) == 2


def test_the_waiting_list_is_first_fit(db, forum_event, sign_up):
    event = forum_event(capacity=3)
    sign_up(event, email="a@example.org", party_size=3)
    sign_up(event, email="four@example.org", party_size=3)
    sign_up(event, email="one@example.org", party_size=1)
    a = registrations_of(db, event)[0]
    a.party_size = 1  # the first party shrinks: 2 places free up
    db.session.flush()
    moved = registrations.promote_waiting(a.event)
    db.session.commit()
    assert [r.email for r in moved] == ["one@example.org"]  # the party of 3 does not fit yet


@pytest.mark.parametrize("data, field, message", [
    ({"name": ""}, "name", "Navnet skal udfyldes."),
    ({"email": "ikke-en-mail"}, "email", "er ikke gyldig"),
    ({"email": ""}, "email", "E-mail skal udfyldes."),
    ({"party_size": "0"}, "party_size", "Antal personer skal være mindst 1."),
    ({"party_size": "-3"}, "party_size", "Antal personer skal være mindst 1."),
    ({"party_size": "mange"}, "party_size", "Antal personer skal være et helt tal"),
    ({"party_size": "21"}, "party_size", "Antal personer må højst være 20."),
    ({"party_size": "11"}, "party_size", "Der er højst plads til 10 personer i alt."),
    ({"message": "x" * 1001}, "message", "Beskeden er for lang"),
])
def test_bad_input_is_explained_at_the_field_and_nothing_is_stored(client, db, forum_event, outbox, data, field,
                                                                   message):
    event = forum_event(capacity=10)
    response = post_sign_up(client, event, **data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error', page) or \
        re.search(rf'aria-describedby="[^"]*{field}-error"[^>]*id="{field}"', page)
    assert registrations_of(db, event) == [] and outbox() == []


@pytest.mark.parametrize("kind", ["no-registration", "pending", "past", "cancelled", "association"])
def test_events_that_take_no_sign_ups_refuse_them(client, db, forum_event, make_event, kind):
    if kind == "no-registration":
        event = forum_event(registration_required="false")
    elif kind == "pending":
        event = forum_event(status="pending")
    elif kind == "past":
        event = forum_event(starts_in=timedelta(days=-2))
    elif kind == "cancelled":
        event = forum_event(status="cancelled")
    else:
        event = make_event(registration_required="true", capacity="10")
    response = post_sign_up(client, event)
    assert response.status_code in (302, 404)  # closed: back to the event page, which says so
    if response.status_code == 302:
        assert "lukket for tilmelding" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert registrations_of(db, event) == []


def test_the_cancel_link_asks_before_it_cancels(client, db, forum_event, sign_up, eml_files):
    event = forum_event()
    sign_up(event)
    token = cancel_link(eml_files()[0])
    page = client.get(f"/arrangementer/afmeld/{token}")
    assert page.status_code == 200
    assert "Ja, afmeld mig" in page.get_data(as_text=True)
    assert registrations_of(db, event)[0].status == "confirmed"  # a link checker's GET changes nothing


def test_a_second_cancel_says_so_and_changes_nothing(client, db, forum_event, sign_up, eml_files):
    event = forum_event()
    sign_up(event)
    token = cancel_link(eml_files()[0])
    client.post(f"/arrangementer/afmeld/{token}")
    again = client.post(f"/arrangementer/afmeld/{token}")
    assert again.status_code == 200
    assert "Du er allerede afmeldt." in again.get_data(as_text=True)
    assert len(eml_files()) == 2  # confirmation + one cancellation receipt


def test_forged_and_damaged_tokens_are_refused(client, db, app, forum_event, sign_up, eml_files):
    from itsdangerous import URLSafeTimedSerializer

    event = forum_event()
    registration = sign_up(event)
    token = cancel_link(eml_files()[0])
    forged = URLSafeTimedSerializer("not-the-secret", salt=signups.TOKEN_SALT).dumps(
        {"r": registration.id, "k": registration.token_key})
    other_key = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=signups.TOKEN_SALT).dumps(
        {"r": registration.id, "k": "0" * 16})
    for bad, message in ((token[:-3] + "xyz", "Linket er ugyldigt"), (forged, "Linket er ugyldigt"),
                         ("garbage", "Linket er ugyldigt"), (other_key, "findes ikke længere")):
        for method in (client.get, client.post):
            response = method(f"/arrangementer/afmeld/{bad}")
            assert response.status_code == 400
            text = response.get_data(as_text=True)
            assert message in text and "Intet er ændret." in text
    assert registrations_of(db, event)[0].status == "confirmed"


def test_an_expired_token_is_refused(client, db, forum_event, sign_up, eml_files, monkeypatch):
    import itsdangerous.timed

    event = forum_event()
    sign_up(event)
    real = itsdangerous.timed.TimestampSigner.get_timestamp
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                        lambda self: real(self) - signups.TOKEN_MAX_AGE - 60)
    from fællesskab.events.signups import make_token

    with client.application.app_context():
        old = make_token(registrations_of(db, event)[0])
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", real)
    response = client.post(f"/arrangementer/afmeld/{old}")
    assert response.status_code == 400
    assert "Linket er udløbet." in response.get_data(as_text=True)
    assert registrations_of(db, event)[0].status == "confirmed"


def test_a_form_without_csrf_token_is_refused(app, client, db, forum_event, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    event = forum_event()
    response = post_sign_up(client, event)
    assert response.status_code == 400  # CSRFProtect refuses it before the view runs
    assert registrations_of(db, event) == []


def test_a_recurring_event_takes_sign_ups_for_the_series(client, db, forum_event, sign_up, eml_files):
    from fællesskab.core.time import to_local, utcnow

    until = (to_local(utcnow()) + timedelta(days=60)).date().isoformat()
    event = forum_event(starts_in=timedelta(days=-20), recurrence="weekly", repeat_until=until)
    assert registrations.accepts_sign_ups(event)
    sign_up(event)
    text = eml_files()[0].get_body(("plain",)).get_content()
    assert "Tilmeldingen gælder alle datoerne." in text
    assert "(hver uge til og med " in text


def test_sign_ups_are_deleted_three_months_after_the_event(db, forum_event, sign_up):
    from fællesskab.core.time import utcnow

    event = forum_event(starts_in=timedelta(days=2))
    sign_up(event)
    assert registrations.purge_expired() == 0
    assert registrations.purge_expired(now=utcnow() + timedelta(days=80)) == 0
    assert registrations.purge_expired(now=utcnow() + timedelta(days=100)) == 1
    db.session.commit()
    assert registrations_of(db, event) == []
