"""The forum marks who came to its event; the KPI dashboard counts them."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fællesskab.core.errors import InvalidTransition, NotFound
from fællesskab.core.time import utcnow
from fællesskab.events import registrations


def _started(db, event, hours_ago=1):
    event.starts_at = utcnow() - timedelta(hours=hours_ago)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()


def url(event, registration):
    return f"/forum/arrangementer/{event.id}/tilmeldinger/{registration.id}/fremmoede"


def test_forum_marks_and_unmarks_attendance_after_the_event(client, db, forum_login, forum_event, sign_up):
    _user, forum = forum_login()
    event = forum_event(forum=forum, capacity=1)
    anna = sign_up(event, party_size=1)
    waiting = sign_up(event, email="bo@example.org", name="Bo")
    page = client.get(f"/forum/arrangementer/{event.id}/tilmeldinger").get_data(as_text=True)
    assert "Efter arrangementet" in page and url(event, anna) not in page  # not before it starts
    assert client.post(url(event, anna), data={"attended": "1"}).status_code == 302
    db.session.refresh(anna)
    assert anna.attended_at is None  # refused: the event has not started

    _started(db, event)
    page = client.get(f"/forum/arrangementer/{event.id}/tilmeldinger").get_data(as_text=True)
    assert url(event, anna) in page and url(event, waiting) not in page  # only sign-ups with a place
    response = client.post(url(event, anna), data={"attended": "1"}, follow_redirects=True)
    assert "Anna Hansen er registreret som mødt op." in response.get_data(as_text=True)
    db.session.refresh(anna)
    assert anna.attended_at is not None
    csv_text = client.get(f"/forum/arrangementer/{event.id}/tilmeldinger.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].endswith(";mødt op") and "anna@example.org" in csv_text
    assert [line for line in csv_text.splitlines() if "anna@" in line][0].endswith(";ja")

    client.post(url(event, anna), data={"attended": "0"})
    db.session.refresh(anna)
    assert anna.attended_at is None
    assert client.post(url(event, anna), data={"attended": "maybe"}).status_code == 400


def test_another_forums_event_and_a_foreign_sign_up_are_refused(client, db, forum_login, forum_event, sign_up,
                                                                 make_forum):
    _user, forum = forum_login()
    own = forum_event(forum=forum)
    other = forum_event(forum=make_forum())
    theirs = sign_up(other, email="x@example.org")
    mine = sign_up(own)
    _started(db, own)
    _started(db, other)
    assert client.post(url(other, theirs), data={"attended": "1"}).status_code == 403
    # this forum's event with another event's sign-up id: not found, nothing changes
    assert client.post(f"/forum/arrangementer/{own.id}/tilmeldinger/{theirs.id}/fremmoede",
                       data={"attended": "1"}).status_code == 404
    db.session.refresh(theirs)
    assert theirs.attended_at is None and mine.attended_at is None


def test_service_rules_and_audit(db, forum_event, sign_up, make_user):
    event = forum_event(capacity=1)
    anna = sign_up(event)
    bo = sign_up(event, email="bo@example.org", name="Bo")
    with pytest.raises(InvalidTransition):
        registrations.set_attended(event, anna.id, True)
    later = utcnow() + timedelta(days=8)
    with pytest.raises(InvalidTransition):
        registrations.set_attended(event, bo.id, True, now=later)  # on the waiting list
    with pytest.raises(NotFound):
        registrations.set_attended(event, 2**40, True, now=later)
    actor = make_user("forum")
    registrations.set_attended(event, anna.id, True, actor=actor, now=later)
    db.session.commit()
    import sqlalchemy as sa

    from fællesskab.core.audit import AuditEntry

    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "attendance")).one()
    assert entry.subject_id == anna.id and entry.actor_id == actor.id
