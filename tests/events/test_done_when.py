"""Issue 6, "Done when", walked through the web like people would, with CSRF on:

the demo forum posts a welcome meeting, the coordinator approves it, a
newcomer signs up and gets the confirmation in the dev mail folder, and the
calendar feeds show it.
"""
from __future__ import annotations

import re

import icalendar
import sqlalchemy as sa

from fællesskab.core.time import to_local, utcnow
from fællesskab.events.models import Event, Registration


def get(client, url):
    """GET like a new request. The `db` fixture keeps one app context open for the whole
    test, so every request shares its `g`, where Flask-WTF caches the CSRF token; a
    browser's next request would start with an empty `g`."""
    from flask import g

    g.pop("csrf_token", None)
    return client.get(url)


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def field_value(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or \
        re.search(rf'value="([^"]*)"[^>]*name="{name}"', page)
    assert found, name
    return found.group(1)


def login(client, email, password):
    page = get(client, "/login").get_data(as_text=True)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf(page)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def logout(client):
    page = get(client, "/logout").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf(page)})


def test_demo_walk(app, client, runner, db, monkeypatch, eml_files):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0

    # 1. The demo forum (Almind Borgerforening, not trusted) posts a welcome meeting.
    login(client, "forum@example.org", "forum-demo-kolding")
    form = get(client, "/forum/arrangementer/nyt").get_data(as_text=True)
    day = (to_local(utcnow()).date().toordinal() + 12)
    from datetime import date

    response = client.post("/forum/arrangementer/nyt", data={
        "csrf_token": csrf(form), "submission_key": field_value(form, "submission_key"),
        "title": "Velkommen til Møsvrå", "kind": "welcome-meeting", "place": "moesvraa",
        "description": "Kom og mød dine nye naboer.", "address": "Møsvråvej 1",
        "date": date.fromordinal(day).isoformat(), "start_time": "19:00", "end_time": "21:00",
        "capacity": "30", "registration_required": "y", "recurrence": "", "repeat_until": "",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    event = db.session.scalar(sa.select(Event).where(Event.title == "Velkommen til Møsvrå"))
    assert event.status == "pending"
    assert client.get(f"/arrangementer/{event.id}").status_code == 404
    logout(client)

    # 2. The coordinator approves it.
    login(client, "koordinator@example.org", "coordinator-demo-kolding")
    queue = get(client, "/koordinator/godkendelse").get_data(as_text=True)
    assert "Velkommen til Møsvrå" in queue
    response = client.post(f"/koordinator/godkendelse/arrangementer/{event.id}/godkend",
                           data={"csrf_token": csrf(queue)})
    assert response.status_code == 302
    logout(client)

    # 3. A newcomer signs up, without an account.
    page = get(client, f"/arrangementer/{event.id}").get_data(as_text=True)
    assert "Der er 30 pladser tilbage." in page
    response = client.post(f"/arrangementer/{event.id}/tilmelding", data={
        "csrf_token": csrf(page), "name": "Nina Nybo", "email": "nina@example.org", "party_size": "3",
        "message": "Vi er lige flyttet til Møsvrå."})
    assert response.status_code == 303
    assert "Du er tilmeldt" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(Registration.status).where(Registration.email == "nina@example.org")) \
        == "confirmed"

    # ... and the confirmation lies in the development mail folder (MAIL_FOLDER, instance/mail/ by default).
    (confirmation,) = [m for m in eml_files() if m["To"] == "nina@example.org"]
    assert confirmation["Subject"] == "Du er tilmeldt: Velkommen til Møsvrå"
    assert "/arrangementer/afmeld/" in confirmation.get_body(("plain",)).get_content()

    # 4. The feeds show it.
    for url in ("/calendar.ics", "/steder/moesvraa/calendar.ics", "/lokalraad/almind-borgerforening/calendar.ics"):
        cal = icalendar.Calendar.from_ical(client.get(url).get_data())
        summaries = [str(c["SUMMARY"]) for c in cal.walk("VEVENT")]
        assert "Velkommen til Møsvrå" in summaries, url

    # The forum sees the sign-up on its dashboard.
    login(client, "forum@example.org", "forum-demo-kolding")
    signups = client.get(f"/forum/arrangementer/{event.id}/tilmeldinger").get_data(as_text=True)
    assert "Nina Nybo" in signups and "Vi er lige flyttet til Møsvrå." in signups

    # Seeding again changes nothing of this.
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "approved"


def test_default_dev_mail_folder_is_instance_mail(app):
    import os

    from fællesskab.config import Config

    assert Config.from_env(app.instance_path, env={})["MAIL_FOLDER"] == os.path.join(app.instance_path, "mail")
