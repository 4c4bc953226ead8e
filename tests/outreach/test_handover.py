"""Hand-over to the village forum serving the newcomer's place: consent, what the forum sees, its updates."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from fællesskab.outreach import services
from fællesskab.outreach.models import Case, HandOver

BASE = "/koordinator/tilflyttere/"
FORUM = "/forum/tilflyttere/"


def matched_case(db, make_case, coordinator, **kw):
    case = make_case(**kw)
    services.transition(case, "contacted", actor=coordinator)
    services.transition(case, "matched", actor=coordinator)
    db.session.commit()
    return case


def test_a_hand_over_needs_consent_and_a_forum(client, db, coordinator, make_case, almind_forum):
    case = matched_case(db, make_case, coordinator, name="Sofie Lund")
    page = client.get(f"{BASE}{case.id}/overdrag").get_data(as_text=True)
    assert "ikke givet samtykke" in page
    refused = client.post(f"{BASE}{case.id}/overdrag", data={"status": "handed_over"}, follow_redirects=True)
    assert "ikke givet samtykke" in refused.get_data(as_text=True)
    assert db.session.get(Case, case.id).status == "matched"

    nowhere = matched_case(db, make_case, coordinator, handover=True, address="Ahornvej 22", postcode="6580",
                           town="Vamdrup")
    assert "Intet lokalråd dækker" in client.get(f"{BASE}{nowhere.id}/overdrag").get_data(as_text=True)

    early = make_case(handover=True)
    assert "skal være matchet" in client.get(f"{BASE}{early.id}/overdrag").get_data(as_text=True)


def test_the_forum_sees_and_updates_only_its_handed_over_people(client, db, login, make_user, make_case,
                                                                  almind_forum, make_forum, make_event, outbox,
                                                                  audit_rows, smtp_server):
    coordinator = make_user("coordinator", name="Karen")
    login(coordinator)
    forum_user = make_user("forum", forum=almind_forum)
    other_forum = make_forum(name="Andet Lokalråd", places=["Viuf"])
    other_user = make_user("forum", forum=other_forum)
    case = matched_case(db, make_case, coordinator, name="Sofie Lund", email="sofie@example.org",
                        phone="+45 20 00 00 01", interests="fodbold;kor", handover=True)
    not_handed = make_case(name="Ikke Overdraget", handover=True)

    page = client.get(f"{BASE}{case.id}/overdrag").get_data(as_text=True)
    assert "Almind Testforum får adgang" in page and "Gadeadressen gives ikke videre" in page
    response = client.post(f"{BASE}{case.id}/overdrag", data={"status": "handed_over", "note": "Glæder sig"})
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == "handed_over" and case.handed_to_forum_id == almind_forum.id
    (notice,) = smtp_server.inbox.wait_for(1)
    assert notice["To"] == forum_user.email
    assert "Sofie" not in notice.as_string() and "sofie@example.org" not in notice.as_string()
    assert f"/forum/tilflyttere/{case.id}" in notice.get_body(("plain",)).get_content()

    login(forum_user)
    listing = client.get(FORUM).get_data(as_text=True)
    assert "Sofie Lund" in listing and "Ikke Overdraget" not in listing
    detail = client.get(f"{FORUM}{case.id}").get_data(as_text=True)
    assert "sofie@example.org" in detail and "+45 20 00 00 01" in detail and "fodbold, kor" in detail
    assert "2 voksne, 2 børn (4, 9 år)" in detail
    assert "Stationsvej" not in detail  # no street address for the forum
    assert "Glæder sig" in detail  # the hand-over note is written to the forum
    assert client.get(f"{FORUM}{not_handed.id}").status_code == 403
    assert client.get(f"{FORUM}99999999").status_code == 404
    views = audit_rows(action="view", actor_id=forum_user.id)
    assert [v.subject_id for v in views] == [case.newcomer_id]

    own_event = make_event(title="Velkomstaften", forum_id=almind_forum.id, starts_in=timedelta(days=-2))
    foreign_event = make_event(title="Fremmed", forum_id=other_forum.id, town="Viuf", starts_in=timedelta(days=-2))
    assert client.post(f"{FORUM}{case.id}/opdater", data={"hvad": "contacted", "text": "Ringede"}).status_code == 302
    bad = client.post(f"{FORUM}{case.id}/opdater", data={"hvad": "attended", "event_id": str(foreign_event.id)},
                      follow_redirects=True)
    assert "Vælg et af jeres egne arrangementer." in bad.get_data(as_text=True)
    assert client.post(f"{FORUM}{case.id}/opdater", data={"hvad": "nonsense"}).status_code == 302
    client.post(f"{FORUM}{case.id}/opdater", data={"hvad": "attended", "event_id": str(own_event.id)})
    db.session.expire_all()
    ho = db.session.scalar(sa.select(HandOver).where(HandOver.case_id == case.id))
    assert ho.contacted_at is not None and ho.attended_at is not None and ho.attended_event_id == own_event.id

    login(other_user)
    assert client.get(f"{FORUM}{case.id}").status_code == 403
    assert client.post(f"{FORUM}{case.id}/opdater", data={"hvad": "contacted"}).status_code == 403
    assert "Sofie" not in client.get(FORUM).get_data(as_text=True)

    login(coordinator)
    timeline = client.get(f"{BASE}{case.id}").get_data(as_text=True)
    assert "Lokalrådet har kontaktet tilflytteren" in timeline and "Ringede" in timeline
    assert "Kom til et velkomstarrangement" in timeline and "Velkomstaften" in timeline

    client.post(f"{BASE}{case.id}/status", data={"status": "matched"})  # taken back
    login(forum_user)
    assert client.get(f"{FORUM}{case.id}").status_code == 403
    assert "Sofie" not in client.get(FORUM).get_data(as_text=True)


def test_withdrawn_handover_consent_ends_the_forums_access(client, db, login, make_user, make_case, almind_forum):
    coordinator = make_user("coordinator")
    forum_user = make_user("forum", forum=almind_forum)
    login(coordinator)
    case = matched_case(db, make_case, coordinator, handover=True)
    client.post(f"{BASE}{case.id}/overdrag", data={"status": "handed_over"})
    client.post(f"{BASE}{case.id}/samtykke", data={"givet": "0"})
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "matched"
    login(forum_user)
    assert client.get(f"{FORUM}{case.id}").status_code == 403


def _handover_item(page: str) -> str:
    """The hand-over entry of a rendered timeline."""
    start = page.index("timeline__item--handover")
    return page[start:page.index("</li>", start)]


def test_the_forum_sees_who_handed_over_when_and_the_note(client, db, login, make_user, make_case, almind_forum):
    coordinator = make_user("coordinator", name="Karen Koordinator", email="karen@kolding.example")
    forum_user = make_user("forum", forum=almind_forum)
    login(coordinator)
    case = matched_case(db, make_case, coordinator, name="Sofie Lund", email="sofie@example.org",
                        phone="+45 20 00 00 01", handover=True)
    client.post(f"{BASE}{case.id}/noter", data={"text": "Intern: ringede to gange"})
    hand_page = client.get(f"{BASE}{case.id}/overdrag").get_data(as_text=True)
    assert "Besked til lokalrådet" in hand_page  # the coordinator knows who reads the note
    client.post(f"{BASE}{case.id}/overdrag", data={"status": "handed_over",
                                                   "note": "Spiller gerne fodbold om tirsdagen"})

    login(forum_user)
    detail = client.get(f"{FORUM}{case.id}").get_data(as_text=True)
    assert "Spiller gerne fodbold om tirsdagen" in detail
    assert "Intern: ringede to gange" not in detail  # the coordinator's own notes stay with the coordinator
    assert "Karen Koordinator" in detail and "karen@kolding.example" in detail
    assert "sofie@example.org" in detail and "+45 20 00 00 01" in detail
    item = _handover_item(detail)
    assert "Karen Koordinator" in item  # the coordinator did it, not the forum
    assert item.count("Almind Testforum") <= 1  # the forum's name once, not twice
    assert "Spiller gerne fodbold om tirsdagen" in item

    english = client.get(f"{FORUM}{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Message from the coordinator" in english and "Handed over" in english


def test_the_coordinators_timeline_credits_the_coordinator_with_the_hand_over(client, db, login, make_user,
                                                                             make_case, almind_forum):
    coordinator = make_user("coordinator", name="Karen Koordinator")
    login(coordinator)
    case = matched_case(db, make_case, coordinator, handover=True)
    client.post(f"{BASE}{case.id}/overdrag", data={"status": "handed_over", "note": "Ring efter kl. 16"})
    page = client.get(f"{BASE}{case.id}").get_data(as_text=True)
    item = _handover_item(page)
    assert "Karen Koordinator" in item and item.count("Almind Testforum") == 1
    assert "Ring efter kl. 16" in item
    assert page.count("Ring efter kl. 16") == 1  # once, on the hand-over, not again on the status change
