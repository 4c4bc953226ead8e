"""The coordinator's moderation queue and forum trust."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from fællesskab.core.errors import Forbidden, InvalidTransition, ValidationError
from fællesskab.events import moderation, publishing
from fællesskab.events.models import Event, EventRevision
from fællesskab.places.models import Forum


def fresh(db, model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def propose(db, event, user, **changes):
    values = {k: getattr(event, k) for k in publishing.services.EDITABLE_FIELDS}
    values.update(changes)
    outcome = publishing.edit_forum_event(event, values, actor=user)
    db.session.commit()
    return outcome


@pytest.fixture
def untrusted(make_forum, make_user):
    forum = make_forum(is_trusted=False, name="Utroværdigt Forum")
    return forum, make_user("forum", forum=forum)


def test_the_queue_lists_pending_events_and_proposed_changes(client, db, login_as, forum_event, untrusted):
    forum, user = untrusted
    forum_event(forum=forum, status="pending", title="Nyt velkomstmøde")
    approved = forum_event(forum=forum, title="Gammel titel")
    assert propose(db, approved, user, title="Ny titel", capacity=25) == "proposed"
    login_as("coordinator")
    page = client.get("/koordinator/godkendelse").get_data(as_text=True)
    assert "Nyt velkomstmøde" in page
    assert "Ændring af offentliggjort arrangement" in page and "Ny titel" in page and "25" in page
    assert 'for="afvis-e-' in page and 'for="afvis-r-' in page  # labelled, unique reason fields
    dashboard = client.get("/koordinator/").get_data(as_text=True)
    assert "Venter på godkendelse" in dashboard and "(2)" in dashboard


def test_approve_publishes_and_a_second_approve_changes_nothing(client, db, login_as, forum_event, untrusted):
    forum, _user = untrusted
    event = forum_event(forum=forum, status="pending")
    login_as("coordinator")
    response = client.post(f"/koordinator/godkendelse/arrangementer/{event.id}/godkend")
    assert response.status_code == 302
    event = fresh(db, Event, event.id)
    assert event.status == "approved" and event.published_at is not None and event.moderated_by_id
    assert client.get(f"/arrangementer/{event.id}").status_code == 200
    again = client.post(f"/koordinator/godkendelse/arrangementer/{event.id}/godkend")
    assert "allerede godkendt" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_reject_needs_a_reason_which_the_forum_sees(client, db, login_as, forum_event, untrusted):
    forum, _user = untrusted
    event = forum_event(forum=forum, status="pending")
    login_as("coordinator")
    empty = client.post(f"/koordinator/godkendelse/arrangementer/{event.id}/afvis",
                        data={f"afvis-e-{event.id}-reason": "  "})
    assert empty.status_code == 400
    page = empty.get_data(as_text=True)
    assert "Begrundelsen skal udfyldes." in page
    assert f'id="afvis-e-{event.id}-reason-error"' in page
    assert fresh(db, Event, event.id).status == "pending"
    client.post(f"/koordinator/godkendelse/arrangementer/{event.id}/afvis",
                data={f"afvis-e-{event.id}-reason": "Tidspunktet mangler en sluttid."})
    event = fresh(db, Event, event.id)
    assert (event.status, event.rejection_reason) == ("rejected", "Tidspunktet mangler en sluttid.")
    assert client.get(f"/arrangementer/{event.id}").status_code == 404


def test_approving_a_revision_makes_it_public(client, db, login_as, forum_event, untrusted, sign_up, eml_files):
    forum, user = untrusted
    event = forum_event(forum=forum, capacity=1)
    sign_up(event, email="a@example.org")
    sign_up(event, email="b@example.org")
    propose(db, event, user, title="Flyttet velkomstmøde", capacity=2)
    (revision,) = db.session.scalars(sa.select(EventRevision)).all()
    login_as("coordinator")
    client.post(f"/koordinator/godkendelse/aendringer/{revision.id}/godkend")
    assert fresh(db, Event, event.id).title == "Flyttet velkomstmøde"
    assert fresh(db, EventRevision, revision.id).status == "approved"
    assert "Flyttet velkomstmøde" in client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    assert [m["To"] for m in eml_files()[2:]] == ["b@example.org"]  # the raised capacity moved b up


def test_rejecting_a_revision_keeps_the_approved_version(client, db, login_as, forum_event, untrusted):
    forum, user = untrusted
    event = forum_event(forum=forum)
    propose(db, event, user, title="Forkert titel")
    (revision,) = db.session.scalars(sa.select(EventRevision)).all()
    login_as("coordinator")
    client.post(f"/koordinator/godkendelse/aendringer/{revision.id}/afvis",
                data={f"afvis-r-{revision.id}-reason": "Titlen skal nævne byen."})
    assert fresh(db, Event, event.id).title == "Velkomstmøde i Almind"
    revision = fresh(db, EventRevision, revision.id)
    assert (revision.status, revision.rejection_reason) == ("rejected", "Titlen skal nævne byen.")


def test_a_revision_of_a_cancelled_event_cannot_be_approved(db, forum_event, untrusted, make_user):
    forum, user = untrusted
    event = forum_event(forum=forum)
    propose(db, event, user, title="Ny")
    publishing.cancel_forum_event(event, actor=user)
    db.session.commit()
    (revision,) = db.session.scalars(sa.select(EventRevision)).all()
    assert revision.status == "withdrawn"
    with pytest.raises(InvalidTransition):
        moderation.approve_revision(revision, actor=make_user("coordinator"))


def test_going_back_to_the_approved_version_withdraws_the_proposal(db, forum_event, untrusted):
    forum, user = untrusted
    event = forum_event(forum=forum)
    propose(db, event, user, title="Ny")
    assert propose(db, event, user) == "unchanged"
    assert db.session.scalars(sa.select(EventRevision.status)).all() == ["withdrawn"]


def test_only_the_coordinator_moderates(db, forum_event, untrusted, make_user):
    forum, user = untrusted
    event = forum_event(forum=forum, status="pending")
    for actor in (user, make_user("newcomer"), None):
        with pytest.raises(Forbidden):
            moderation.approve_event(event, actor=actor)
    with pytest.raises(ValidationError):
        moderation.reject_event(event, "", actor=make_user("coordinator"))
    moderation.approve_event(event, actor=make_user("admin"))  # admin may do what a coordinator may


def test_trust_toggle(client, db, login_as, make_forum):
    forum = make_forum(is_trusted=False, name="Lille Lokalråd")
    login_as("coordinator")
    page = client.get("/koordinator/lokalraad").get_data(as_text=True)
    assert "Lille Lokalråd" in page and "Giv tillid" in page
    client.post(f"/koordinator/lokalraad/{forum.slug}/tillid", data={"trusted": "1"})
    assert fresh(db, Forum, forum.id).is_trusted is True
    again = client.post(f"/koordinator/lokalraad/{forum.slug}/tillid", data={"trusted": "1"})
    assert "Intet ændret" in client.get(again.headers["Location"]).get_data(as_text=True)
    client.post(f"/koordinator/lokalraad/{forum.slug}/tillid", data={"trusted": "0"})
    assert fresh(db, Forum, forum.id).is_trusted is False
    assert client.post("/koordinator/lokalraad/findes-ikke/tillid", data={"trusted": "1"}).status_code == 404


def test_forums_cannot_moderate(client, db, forum_login, forum_event):
    _user, forum = forum_login(trusted=False)
    event = forum_event(forum=forum, status="pending")
    assert client.get("/koordinator/godkendelse").status_code == 403
    assert client.post(f"/koordinator/godkendelse/arrangementer/{event.id}/godkend").status_code == 403
    assert client.post(f"/koordinator/lokalraad/{forum.slug}/tillid", data={"trusted": "1"}).status_code == 403
    assert fresh(db, Event, event.id).status == "pending"
    assert fresh(db, Forum, forum.id).is_trusted is False
