"""Issue 18 finding 2: every 429 the app sends says when to try again (Retry-After, whole seconds)."""
from __future__ import annotations

import time


def assert_retry_after(response, most: int):
    assert response.status_code == 429
    value = response.headers.get("Retry-After", "")
    assert value.isdigit() and 1 <= int(value) <= most, value


def test_the_contact_form(client, db, limits_on):
    from fællesskab.core.flood import make_stamp

    last = None
    for i in range(40):
        last = client.post("/kontakt-mig", data={
            "step": "send", "name": "A", "email": f"a{i}@example.org", "consent_contact": "y",
            "submission_key": str(i), "started": make_stamp(now=time.time() - 30)})
        if last.status_code == 429:
            break
    assert_retry_after(last, 15 * 60)


def test_the_sign_up_form(client, db, make_event, limits_on):
    event = make_event(capacity="500", registration_required="true")
    last = None
    for i in range(40):
        last = client.post(f"/arrangementer/{event.id}/tilmelding",
                           data={"name": "x", "email": f"p{i}@example.org", "party_size": "1"})
        if last.status_code == 429:
            break
    assert_retry_after(last, 60)


def test_the_api(app, client, db, limits_on, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "20 per minute")  # a few requests, however slow the machine
    last = None
    for _ in range(40):
        last = client.get("/api/v1/places")
        if last.status_code == 429:
            break
    assert_retry_after(last, 60)
    assert last.get_json()["error"]["code"] == "too_many_requests"


def test_the_login_lockout(client, db, make_user, limits_on):
    make_user("coordinator", email="target@example.org")
    for _ in range(5):
        client.post("/login", data={"email": "target@example.org", "password": "wrong password 123"})
    assert_retry_after(client.post("/login", data={"email": "target@example.org", "password": "x"}), 15 * 60)
