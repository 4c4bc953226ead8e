"""Issue 22 part 2: associations confirm or correct their own listing through a signed, single-use link."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fællesskab.core.time import utcnow
from fællesskab.directory.models import Association, AssociationRevision, ListingLink
from fællesskab.extensions import limiter

from ..helpers import audit_rows, link_in, revisions_of


def stamp(seconds_ago: float = 30) -> str:
    from fællesskab.core.flood import make_stamp

    return make_stamp(now=time.time() - seconds_ago)


def ask(client, slug: str, email: str, **extra):
    return client.post(f"/foreninger/{slug}/ret", data={"email": email, "started": stamp(), **extra})


def fields_of(assoc, **changes) -> dict:
    data = {"name": assoc.name, "category": assoc.category, "summary": assoc.summary or "",
            "description": assoc.description or "", "tags": ";".join(assoc.tags or []),
            "target_groups": list(assoc.target_groups or []), "age_min": "", "age_max": "",
            "languages": ";".join(assoc.languages or []), "address": assoc.address or "",
            "postcode": assoc.postcode or "", "town": assoc.town or "", "email": assoc.email or "",
            "phone": assoc.phone or "", "website": assoc.website or "", "meeting_times": assoc.meeting_times or "",
            "price_dkk_per_year": "", "welcomes_newcomers": "true" if assoc.welcomes_newcomers else ""}
    data.update(changes)
    return data


@pytest.fixture
def listing(make_association):
    return make_association(name="Vamdrup Kor", category="music", email="kor@example.org",
                            meeting_times="Onsdage 19-21")


def test_every_public_page_offers_the_correction(client, listing):
    page = client.get(f"/foreninger/{listing.slug}").get_data(as_text=True)
    assert f'href="/foreninger/{listing.slug}/ret"' in page and "Sidst bekræftet" in page
    client.get("/?lang=en")
    page = client.get(f"/foreninger/{listing.slug}").get_data(as_text=True)
    assert "Is this your association?" in page and "Last confirmed" in page


def test_the_contact_email_gets_a_link_another_email_reaches_the_queue_same_answer(client, db, listing, outbox):
    own = ask(client, listing.slug, "KOR@example.org")
    other = ask(client, listing.slug, "nabo@example.org")
    assert own.status_code == other.status_code == 302
    assert own.headers["Location"] == other.headers["Location"]
    assert client.get(own.headers["Location"]).get_data(as_text=True) == \
        client.get(other.headers["Location"]).get_data(as_text=True)
    (message,) = outbox()
    assert message.to_address == "kor@example.org" and message.kind == "directory_link"
    assert "nabo@example.org" not in message.text_body
    claim = db.session.scalar(sa.select(AssociationRevision).where(AssociationRevision.kind == "claim"))
    assert claim.status == "pending" and claim.email == "nabo@example.org"


def test_odd_input_is_a_400_naming_the_field(client, db, listing, outbox):
    response = ask(client, listing.slug, "ikke en e-mail")
    assert response.status_code == 400 and 'id="email-error"' in response.get_data(as_text=True)
    response = ask(client, listing.slug, "")
    assert response.status_code == 400 and 'id="email-error"' in response.get_data(as_text=True)
    response = ask(client, listing.slug, "x" * 300 + "@example.org")
    assert response.status_code == 400 and 'id="email-error"' in response.get_data(as_text=True)
    assert outbox() == [] and db.session.scalar(sa.select(sa.func.count()).select_from(AssociationRevision)
                                                .where(AssociationRevision.kind == "claim")) == 0


def test_a_filled_trap_creates_nothing(client, db, listing, outbox):
    response = ask(client, listing.slug, "kor@example.org", website="http://spam.example")
    assert response.status_code == 302
    assert outbox() == []


def test_the_link_opens_this_listing_only_and_only_once(client, db, listing, make_association, outbox):
    other = make_association(name="Anden Forening", email="anden@example.org")
    ask(client, listing.slug, "kor@example.org")
    path = link_in(outbox()[0])
    token = path.rsplit("/", 1)[1]
    # another listing's page with this link: refused, nothing changes
    response = client.get(f"/foreninger/{other.slug}/ret/{token}")
    assert response.status_code == 400
    assert client.post(f"/foreninger/{other.slug}/ret/{token}/korrekt").status_code == 400
    # GET shows the form and changes nothing (mail scanners fetch links)
    before = db.session.get(Association, listing.id).last_verified_at
    page = client.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'value="Vamdrup Kor"' in page.get_data(as_text=True)
    client.get(path)
    db.session.expire_all()
    assert db.session.get(Association, listing.id).last_verified_at == before
    assert db.session.scalar(sa.select(ListingLink.used_at)) is None
    # "Alt er korrekt": verified today, and the link is spent
    assoc = db.session.get(Association, listing.id)
    assoc.last_verified_at = utcnow() - timedelta(days=500)
    db.session.commit()
    assert client.post(path + "/korrekt").status_code == 200
    db.session.expire_all()
    assert db.session.get(Association, listing.id).last_verified_at > utcnow() - timedelta(minutes=1)
    assert revisions_of(db, listing.id)[-1].kind == "verify"
    assert client.get(path).status_code == 400
    assert client.post(path + "/korrekt").status_code == 400
    assert client.post(path, data=fields_of(listing, name="Kapret")).status_code == 400
    assert db.session.get(Association, listing.id).name == "Vamdrup Kor"


def test_a_forged_or_expired_link_changes_nothing(client, db, listing, outbox):
    assert client.get(f"/foreninger/{listing.slug}/ret/forfalsket").status_code == 400
    ask(client, listing.slug, "kor@example.org")
    path = link_in(outbox()[0])
    link = db.session.scalar(sa.select(ListingLink))
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 400 and "udløbet" in response.get_data(as_text=True)


def test_a_correction_waits_as_a_diff_and_approval_publishes_it(client, db, listing, outbox, login_as):
    ask(client, listing.slug, "kor@example.org")
    path = link_in(outbox()[0])
    response = client.post(path, data=fields_of(listing, meeting_times="Torsdage 19-21"))
    assert response.status_code == 200 and "ser dem igennem" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Association, listing.id).meeting_times == "Onsdage 19-21"  # not yet
    pending = revisions_of(db, listing.id)[-1]
    assert (pending.kind, pending.status, pending.email) == ("correction", "pending", "kor@example.org")
    assert pending.changes == {"meeting_times": ["Onsdage 19-21", "Torsdage 19-21"]}
    assert client.post(path, data=fields_of(listing, meeting_times="Igen")).status_code == 400  # single use

    coordinator = login_as("coordinator")
    queue = client.get("/koordinator/godkendelse").get_data(as_text=True)
    assert "Onsdage 19-21</td><td>Torsdage 19-21" in queue and "kor@example.org" in queue
    assoc = db.session.get(Association, listing.id)
    assoc.last_verified_at = utcnow() - timedelta(days=400)
    db.session.commit()
    assert client.post(f"/koordinator/godkendelse/foreninger/{pending.id}/godkend").status_code == 302
    db.session.expire_all()
    assoc = db.session.get(Association, listing.id)
    assert assoc.meeting_times == "Torsdage 19-21"
    assert assoc.last_verified_at > utcnow() - timedelta(minutes=1)
    approved = db.session.get(AssociationRevision, pending.id)
    assert approved.status == "approved" and approved.reviewed_by_id == coordinator.id
    assert any(row.detail.startswith("correction (contact, approved)") for row in audit_rows(db, listing.id))
    # deciding twice is refused politely
    assert client.post(f"/koordinator/godkendelse/foreninger/{pending.id}/godkend").status_code == 302
    assert client.post(f"/koordinator/godkendelse/foreninger/{pending.id}/afvis").status_code == 302


def test_a_trusted_contact_publishes_at_once(client, db, listing, outbox, login_as):
    from fællesskab.directory import services

    coordinator = login_as("coordinator")
    services.set_contact_trust(db.session.get(Association, listing.id), True, actor=coordinator)
    db.session.commit()
    ask(client, listing.slug, "kor@example.org")
    response = client.post(link_in(outbox()[0]), data=fields_of(listing, summary="Nyt resumé"))
    assert response.status_code == 200 and "vises nu" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Association, listing.id).summary == "Nyt resumé"
    update = revisions_of(db, listing.id)[-1]
    assert (update.kind, update.source, update.status, update.email) == ("update", "contact", "applied",
                                                                         "kor@example.org")


def test_a_new_contact_email_ends_the_trust(db, listing, login_as):
    from fællesskab.directory import services

    coordinator = login_as("coordinator")
    assoc = db.session.get(Association, listing.id)
    services.set_contact_trust(assoc, True, actor=coordinator)
    values = services.clean_association(fields_of(assoc, email="ny@example.org", external_id=assoc.external_id))
    services.update_association(assoc, values, actor=coordinator)
    assert assoc.is_contact_trusted is False


def test_a_request_from_another_email_can_make_it_the_contact(client, db, listing, outbox, login_as):
    ask(client, listing.slug, "ny-formand@example.org")
    claim = db.session.scalar(sa.select(AssociationRevision).where(AssociationRevision.kind == "claim"))
    login_as("coordinator")
    assert "ny-formand@example.org" in client.get("/koordinator/godkendelse").get_data(as_text=True)
    assert client.post(f"/koordinator/godkendelse/foreninger/{claim.id}/godkend").status_code == 302
    db.session.expire_all()
    assert db.session.get(Association, listing.id).email == "ny-formand@example.org"
    (message,) = outbox()
    assert message.to_address == "ny-formand@example.org" and message.kind == "directory_link"


def test_asking_again_and_again_sends_no_more_than_a_few_links(client, db, listing, outbox):
    for _ in range(6):
        assert ask(client, listing.slug, "kor@example.org").status_code == 302
        assert ask(client, listing.slug, "fremmed@example.org").status_code == 302
    assert len(outbox()) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssociationRevision)
                             .where(AssociationRevision.kind == "claim")) == 3



def test_one_address_is_rate_limited_and_so_is_everyone_together(app, client, db, listing, limits_on, monkeypatch):
    from fællesskab.accounts.security import CONTACT_SEND_LIMIT

    allowed = int(CONTACT_SEND_LIMIT.split()[0])
    statuses = [ask(client, listing.slug, f"p{i}@example.org").status_code for i in range(allowed + 2)]
    assert statuses[:allowed] == [302] * allowed and set(statuses[allowed:]) == {429}
    monkeypatch.setitem(app.config, "CONTACT_GLOBAL_LIMIT", "2 per hour")
    limiter.reset()
    statuses = [client.post(f"/foreninger/{listing.slug}/ret", data={"email": f"q{i}@example.org", "started": stamp()},
                            environ_base={"REMOTE_ADDR": f"192.0.2.{i + 1}"}).status_code for i in range(4)]
    assert statuses == [302, 302, 429, 429]


def test_a_form_sent_too_fast_creates_nothing(client, db, listing, limits_on, outbox):
    response = client.post(f"/foreninger/{listing.slug}/ret", data={"email": "kor@example.org", "started": stamp(0)})
    assert response.status_code == 302
    assert outbox() == []
