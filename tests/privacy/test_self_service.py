"""The newcomer's self-service: ask → emailed link → see, download, withdraw, delete."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from fællesskab.core.audit import AuditEntry
from fællesskab.mail.models import OutboxMessage
from fællesskab.outreach.models import Case, Newcomer
from fællesskab.privacy import access


def _link(db, email):
    message = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == email,
                                                                OutboxMessage.kind == "privacy_access")
                                 .order_by(OutboxMessage.id.desc())).first()
    found = re.search(r"https://\S+/privatliv/mine-data/adgang/\S+", message.text_body)
    return message, (found.group(0).replace("https://faellesskab.example.org", "") if found else None)


def test_asking_gives_the_same_answer_whether_or_not_we_know_the_address(client, db, make_case):
    make_case(name="Karla Kendt", email="kendt@example.org")
    known = client.post("/privatliv/mine-data/", data={"email": "kendt@example.org"})
    unknown = client.post("/privatliv/mine-data/", data={"email": "ukendt@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    assert known.headers["Cache-Control"] == "no-store"
    # both get an email; only the known one a link
    assert _link(db, "kendt@example.org")[1] is not None
    message, link = _link(db, "ukendt@example.org")
    assert link is None and "ingen oplysninger" in message.text_body


def test_a_bad_address_is_a_form_error(client, db):
    response = client.post("/privatliv/mine-data/", data={"email": "ikke en adresse"})
    assert response.status_code == 400 and "gyldig e-mailadresse" in response.get_data(as_text=True)


def test_the_link_shows_downloads_and_withdraws(client, db, make_case, forum_event, sign_up):
    case = make_case(name="Dorte Data", email="dorte@example.org", handover=True)
    sign_up(forum_event(title="Høstfest i Almind"), email="dorte@example.org", name="Dorte Data")
    client.post("/privatliv/mine-data/", data={"email": "Dorte@example.org"})
    _message, link = _link(db, "dorte@example.org")

    opened = client.get(link)
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/privatliv/mine-data/oversigt")
    page = client.get("/privatliv/mine-data/oversigt")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Dorte Data" in html and "Høstfest i Almind" in html and "Almind Stationsvej 14" in html

    data = client.get("/privatliv/mine-data/oversigt.json")
    assert data.headers["Content-Disposition"].startswith("attachment")
    body = data.get_json()
    assert body["email"] == "dorte@example.org"
    [newcomer] = body["newcomers"]
    assert newcomer["name"] == "Dorte Data" and newcomer["case"]["status"] == "new"
    assert {c["purpose"] for c in newcomer["consent_history"]} == {"contact", "handover"}
    assert all(c["text"] and c["how"] and c["at"] for c in newcomer["consent_history"])
    assert body["registrations"][0]["event"] == "Høstfest i Almind"
    assert any(m["kind"] == "registration_confirmed" for m in body["messages"])

    response = client.post("/privatliv/mine-data/samtykke", data={"newcomer_id": newcomer["id"],
                                                                  "purpose": "handover"})
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Case, case.id).newcomer.consent_handover
    # someone else's record cannot be touched through this session
    other = make_case(email="andre@example.org")
    assert client.post("/privatliv/mine-data/samtykke", data={"newcomer_id": other.newcomer_id,
                                                              "purpose": "contact"}).status_code == 404
    assert db.session.get(Case, other.id).newcomer.consent_contact
    # reads by the person are in the audit log, without their address
    details = [e.detail for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.subject_type == "person"))]
    assert any("selvbetjening" in d for d in details) and not any("dorte" in d for d in details)


def test_delete_needs_the_tick_then_erases_everything(client, db, make_case, forum_event, sign_up):
    case = make_case(name="Sletmig Selv", email="selv@example.org")
    sign_up(forum_event(), email="selv@example.org")
    client.post("/privatliv/mine-data/", data={"email": "selv@example.org"})
    client.get(_link(db, "selv@example.org")[1])

    assert client.post("/privatliv/mine-data/slet", data={}).status_code == 302
    assert db.session.get(Newcomer, case.newcomer_id) is not None
    response = client.post("/privatliv/mine-data/slet", data={"confirm": "y"})
    assert response.headers["Location"].endswith("/privatliv/mine-data/slettet")
    db.session.expire_all()
    assert db.session.get(Newcomer, case.newcomer_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.to_address == "selv@example.org")) == 0
    # the session no longer opens the data page
    assert client.get("/privatliv/mine-data/oversigt").status_code == 302


@pytest.mark.parametrize("token", ["ugyldig", "x" * 300])
def test_a_forged_link_is_refused(client, db, token):
    response = client.get(f"/privatliv/mine-data/adgang/{token}")
    assert response.status_code == 400 and "Bed om et nyt link" in response.get_data(as_text=True)


def test_an_expired_link_is_refused(app, client, db, make_case, monkeypatch):
    make_case(email="gammel@example.org")
    token = access.make_token("gammel@example.org")
    monkeypatch.setitem(app.config, "PRIVACY_LINK_HOURS", 1)
    import itsdangerous.timed

    real = itsdangerous.timed.TimestampSigner.get_timestamp
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: real(self) + 2 * 3600)
    response = client.get(f"/privatliv/mine-data/adgang/{token}")
    assert response.status_code == 400 and "udløbet" in response.get_data(as_text=True)


def test_asking_is_rate_limited(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMITS_ON", True)
    from fællesskab.extensions import limiter

    limiter.reset()
    statuses = [client.post("/privatliv/mine-data/", data={"email": f"n{i}@example.org"}).status_code
                for i in range(7)]
    limiter.reset()
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


def test_asking_in_english_gets_the_english_email(client, db, make_case):
    make_case(email="english@example.org")
    client.post("/privatliv/mine-data/?lang=en", data={"email": "english@example.org"})
    message, link = _link(db, "english@example.org")
    assert message.language == "en" and message.subject == "Your information at Fællesskab Kolding"
    assert link is not None and "the link works for 24 hours" in message.text_body
