"""Issue 18 finding 2: the anonymous contact forms are throttled per address and overall, and a
scripted flood (a filled-in trap field, or a form sent faster than a person can) creates nothing."""
from __future__ import annotations

import time

import sqlalchemy as sa

from fællesskab.outreach.models import Newcomer

SELF = "/kontakt-mig"



def newcomers(db) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Newcomer))


def stamp(seconds_ago: float) -> str:
    from fællesskab.core.flood import make_stamp

    return make_stamp(now=time.time() - seconds_ago)


def request(i: int, **extra) -> dict:
    return {"step": "send", "name": f"Person {i}", "email": f"p{i}@example.org", "consent_contact": "y",
            "preferred_language": "da", "submission_key": f"k{i}", "started": stamp(30), **extra}


def retry_after(response) -> int:
    value = response.headers.get("Retry-After", "")
    assert value.isdigit() and int(value) >= 1, value
    return int(value)


def test_one_address_cannot_flood_the_inbox(client, db, limits_on):
    from fællesskab.accounts.security import CONTACT_SEND_LIMIT

    allowed = int(CONTACT_SEND_LIMIT.split()[0])
    statuses = [client.post(SELF, data=request(i)).status_code for i in range(allowed + 5)]
    assert statuses[:allowed] == [302] * allowed
    assert set(statuses[allowed:]) == {429}
    assert newcomers(db) == allowed
    retry_after(client.post(SELF, data=request(999)))
    other = client.post(SELF, data=request(1000), environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 302  # another address is not held up


def test_many_addresses_together_meet_the_global_limit(app, client, db, limits_on, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_GLOBAL_LIMIT", "4 per hour")
    statuses = [client.post(SELF, data=request(i), environ_base={"REMOTE_ADDR": f"192.0.2.{i + 1}"}).status_code
                for i in range(6)]
    assert statuses == [302] * 4 + [429] * 2
    assert newcomers(db) == 4


def test_showing_the_form_is_not_counted_as_a_request(client, db, limits_on):
    from fællesskab.accounts.security import CONTACT_SEND_LIMIT

    allowed = int(CONTACT_SEND_LIMIT.split()[0])
    for _ in range(allowed + 2):  # the journey's results page posts the profile to show the form
        assert client.post("/ny-i-kolding/kontakt", data={"adults": "2"}).status_code == 200
    assert client.post(SELF, data=request(1)).status_code == 302


def test_a_filled_in_trap_field_gets_thanks_and_creates_nothing(client, db):
    response = client.post(SELF, data=request(1, website="http://spam.example"))
    assert response.status_code == 302 and response.headers["Location"] == "/kontakt-mig/tak"
    assert newcomers(db) == 0
    assert client.post(SELF, data=request(2, website="")).status_code == 302 and newcomers(db) == 1


def test_the_trap_field_is_hidden_from_people_and_screen_readers(client, db):
    html = client.get(SELF).get_data(as_text=True)
    trap = html[html.index('name="website"') - 400:html.index('name="website"') + 200]
    assert 'aria-hidden="true"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert 'class="trap"' in trap and "style=" not in trap
    assert 'name="started"' in html


def test_a_form_sent_faster_than_a_person_can_creates_nothing(client, db, limits_on):
    too_fast = client.post(SELF, data=request(1, started=stamp(0)))
    assert too_fast.status_code == 302 and too_fast.headers["Location"] == "/kontakt-mig/tak"
    assert newcomers(db) == 0
    assert client.post(SELF, data=request(2, started=stamp(8))).status_code == 302 and newcomers(db) == 1


def test_a_missing_or_forged_start_time_asks_to_send_again(client, db, limits_on):
    for started in ("", "garbage", stamp(30)[:-2] + "xx", stamp(3 * 24 * 3600)):
        response = client.post(SELF, data=request(1, started=started))
        assert response.status_code == 400, started
        html = response.get_data(as_text=True)
        assert "send den en gang til" in html and 'value="Person 1"' in html  # nothing the person typed is lost
    assert newcomers(db) == 0
