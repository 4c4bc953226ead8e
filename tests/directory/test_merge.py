"""Issue 22 part 1: merging two duplicate listings keeps every reference (events and their sign-ups,
cases' suggestions and welcome drafts) and the old slug redirects."""
from __future__ import annotations

import sqlalchemy as sa

from fællesskab.directory.models import Association
from fællesskab.events.models import Event, Registration

from ..helpers import revisions_of


def _case_with_suggestion(db, assoc):
    from fællesskab.outreach import consent, services

    newcomer = services.register_newcomer(
        {"name": "Fletteprøve", "email": "flet@example.org", "town": "Almind", "adults": 1, "consent_contact": True},
        source="self", consents=[(consent.CONTACT, True, consent.CURRENT["contact"])])
    case = newcomer.case
    case.suggestions = [{"type": "association", "id": assoc.id, "external_id": assoc.external_id,
                         "name": assoc.name, "url": f"/foreninger/{assoc.slug}"},
                        {"type": "event", "id": 99, "name": "Andet"}]
    case.welcome_draft = {"subject": "Velkommen", "body": "…", "items": [f"association:{assoc.id}", "event:99"]}
    db.session.commit()
    return case.id


def test_merge_moves_every_reference_and_redirects_the_old_slug(client, db, login_as, make_association, make_event):
    from fællesskab.outreach.models import Case

    coordinator = login_as("coordinator")
    keep = make_association(name="Almind IF", email="if@example.org")
    dup = make_association(name="Almind Idrætsforening", email="if2@example.org")
    event = make_event(association_external_id=dup.external_id, registration_required="true", capacity=10)
    db.session.add(Registration(event_id=event.id, name="Deltager", email="d@example.org", party_size=1,
                                status="confirmed", token_key="k" * 32))
    db.session.commit()
    case_id = _case_with_suggestion(db, dup)
    old_slug, dup_id, keep_id = dup.slug, dup.id, keep.id

    page = client.get(f"/koordinator/foreninger/{dup_id}/flet?q=Almind").get_data(as_text=True)
    assert f'value="{keep_id}"' in page and f'value="{dup_id}"' not in page
    response = client.post(f"/koordinator/foreninger/{dup_id}/flet", data={"survivor": str(keep_id)})
    assert response.status_code == 302

    db.session.expire_all()
    assert db.session.get(Event, event.id).association_id == keep_id
    assert db.session.scalar(sa.select(Registration.event_id).where(Registration.email == "d@example.org")) == event.id
    case = db.session.get(Case, case_id)
    assert case.suggestions[0]["id"] == keep_id and case.suggestions[0]["url"] == f"/foreninger/{keep.slug}"
    assert case.suggestions[1] == {"type": "event", "id": 99, "name": "Andet"}
    assert case.welcome_draft["items"] == [f"association:{keep_id}", "event:99"]
    old = db.session.get(Association, dup_id)
    assert old.status == "archived" and old.merged_into_id == keep_id
    assert revisions_of(db, dup_id)[-1].kind == "merge" and revisions_of(db, keep_id)[-1].kind == "merge"
    assert revisions_of(db, dup_id)[-1].actor_id == coordinator.id

    redirect = client.get(f"/foreninger/{old_slug}")
    assert redirect.status_code == 301 and redirect.headers["Location"].endswith(f"/foreninger/{keep.slug}")
    assert client.get(f"/foreninger/{old_slug}/ret").status_code == 301
    # a merged listing cannot be merged again, or re-opened
    assert client.post(f"/koordinator/foreninger/{dup_id}/flet", data={"survivor": str(keep_id)}).status_code == 400
    assert client.post(f"/koordinator/foreninger/{dup_id}/status", data={"status": "published"}).status_code == 400


def test_merge_refuses_itself_and_odd_ids(client, db, login_as, make_association):
    login_as("coordinator")
    assoc = make_association()
    assert client.post(f"/koordinator/foreninger/{assoc.id}/flet", data={"survivor": str(assoc.id)}).status_code == 400
    response = client.post(f"/koordinator/foreninger/{assoc.id}/flet", data={"survivor": "²"})
    assert response.status_code == 400 and "survivor" in response.get_data(as_text=True)
    assert client.post(f"/koordinator/foreninger/{assoc.id}/flet", data={"survivor": "2147483000"}).status_code == 400
