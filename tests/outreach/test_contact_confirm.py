"""Issue 18 finding 1: a contact request for an email that already has a case changes nothing
until the person who reads that email opens the link we send them."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from fællesskab.core.time import utcnow
from fællesskab.outreach.models import Case, CaseNote, ConsentRecord, Newcomer

SELF = "/kontakt-mig"
JOURNEY = "/ny-i-kolding/kontakt"
LINK = re.compile(r"https?://[^\s\"<>]+/kontakt-mig/bekraeft/[A-Za-z0-9_.\-]+")


def forged(email: str, **extra) -> dict:
    """What the attacker in the issue sent: any name, the victim's email, every consent ticked."""
    return {"step": "send", "name": "Mallory Mallet", "email": email, "phone": "+45 20 00 00 66",
            "address": "Ahornvej 22, 6580 Vamdrup", "preferred_language": "da", "consent_contact": "y",
            "consent_handover": "y", "consent_survey": "y", **extra}


def state(db, case_id: int) -> tuple:
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    n = case.newcomer
    records = sorted((r.kind, r.granted, r.text_version, r.source) for r in n.consents)
    notes = sorted((x.kind, x.text) for x in case.notes)
    return (n.name, n.email, n.phone, n.address, n.adults, n.preferred_language, n.languages,
            n.consent_contact, n.consent_handover, n.consent_survey, records, notes, case.status)


def link_in(message) -> str:
    found = LINK.search(message.text_body)
    assert found, message.text_body
    return found.group(0).split("faellesskab.example.org", 1)[1]


def test_a_forged_request_adds_no_consent_to_the_existing_case(client, db, make_case, outbox, mail_folder):
    case = make_case(email="victim@example.org", name="Vera Victim")
    before = state(db, case.id)
    assert before[8] is False and before[9] is False  # no hand-over or survey consent yet
    for url in (SELF, JOURNEY):
        response = client.post(url, data=forged("Victim@Example.org", submission_key=url))
        assert response.status_code == 302 and response.headers["Location"] == "/kontakt-mig/tak"
    assert state(db, case.id) == before  # no consent, no name, no timeline entry
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 1
    sent = outbox(to_address="victim@example.org")
    assert len(sent) == 2 and all(m.kind == "outreach_confirm_request" for m in sent)
    assert "Mallory" not in sent[0].text_body and "Ahornvej" not in sent[0].text_body  # no attacker text in mail


def test_known_and_unknown_emails_get_the_same_answer(client, db, make_case, mail_folder):
    make_case(email="known@example.org")
    answers = []
    for email in ("known@example.org", "unknown@example.org"):
        response = client.post(SELF, data=forged(email, submission_key=email))
        thanks = client.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"], response.get_data(as_text=True),
                        thanks.status_code, thanks.get_data(as_text=True)))
    assert answers[0] == answers[1]
    assert "e-mail" in answers[0][4]  # the page says a link may have been sent


def test_the_link_confirms_the_request_once(client, db, make_case, outbox, audit_rows, mail_folder):
    case = make_case(email="sofie@example.org", name="Sofie Lund")
    client.post(SELF, data=forged("sofie@example.org", name="Sofie Lund", submission_key="a"))
    url = link_in(outbox(to_address="sofie@example.org")[-1])
    before = state(db, case.id)

    page = client.get(url)  # a mail scanner fetching the link changes nothing
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Bekræft" in html and "Ahornvej 22" in html and f'action="{url}"' in html
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    assert state(db, case.id) == before

    done = client.post(url)
    assert done.status_code == 200, done.get_data(as_text=True)[:2000]
    after = state(db, case.id)
    assert after[0] == "Sofie Lund" and after[2] is None  # the stored details stay; the request goes on the timeline
    assert after[8] is True and after[9] is True
    new_records = [r for r in after[10] if r not in before[10] or after[10].count(r) > before[10].count(r)]
    assert ("handover", True, "handover-2025-1", "self") in new_records
    assert ("survey", True, "survey-2026-1", "self") in new_records
    note = db.session.scalar(sa.select(CaseNote).where(CaseNote.case_id == case.id, CaseNote.kind == "request"))
    assert note.data["submitted"]["phone"] == "+45 20 00 00 66" and note.data["confirmed"] is True
    rows = [r for r in audit_rows(subject_type="newcomer", subject_id=case.newcomer.id)
            if "bekræftet med link" in r.detail]
    assert len(rows) == 1 and rows[0].action == "update"

    count = db.session.scalar(sa.select(sa.func.count()).select_from(ConsentRecord))
    for again in (client.post(url), client.get(url)):
        assert again.status_code == 400 and "allerede brugt" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsentRecord)) == count


def test_an_expired_link_changes_nothing(client, db, make_case, outbox, mail_folder):
    from fællesskab.outreach.models import ContactConfirmation

    case = make_case(email="late@example.org")
    client.post(SELF, data=forged("late@example.org", submission_key="a"))
    url = link_in(outbox(to_address="late@example.org")[-1])
    db.session.execute(sa.update(ContactConfirmation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    before = state(db, case.id)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400 and "udløbet" in response.get_data(as_text=True)
    assert state(db, case.id) == before


def test_forged_or_damaged_links_get_a_plain_page(client, db, make_case, outbox, mail_folder):
    case = make_case(email="x@example.org")
    client.post(SELF, data=forged("x@example.org", submission_key="a"))
    url = link_in(outbox(to_address="x@example.org")[-1])
    before = state(db, case.id)
    for bad in (url[:-3], url + "x", "/kontakt-mig/bekraeft/abc", "/kontakt-mig/bekraeft/" + "a" * 3000):
        for response in (client.get(bad), client.post(bad)):
            assert response.status_code in (400, 404), (bad, response.status_code)
    assert client.get("/kontakt-mig/bekraeft/abc").status_code == 400
    assert "Linket virker ikke" in client.get("/kontakt-mig/bekraeft/abc").get_data(as_text=True)
    assert state(db, case.id) == before


def test_the_email_is_in_the_requests_language(client, db, make_case, outbox, mail_folder):
    make_case(email="en@example.org")
    client.post(SELF + "?lang=en", data=forged("en@example.org", preferred_language="en", submission_key="a"))
    message = outbox(to_address="en@example.org")[-1]
    assert message.language == "en" and "confirm" in message.text_body.lower()


def test_a_new_email_still_opens_a_case_at_once(client, db, outbox, mail_folder):
    response = client.post(SELF, data=forged("new@example.org", submission_key="a"))
    assert response.status_code == 302
    n = db.session.scalar(sa.select(Newcomer).where(Newcomer.email == "new@example.org"))
    assert n.case is not None and n.consent_handover and n.name == "Mallory Mallet"
    assert outbox(to_address="new@example.org") == []


def test_waiting_requests_are_purged_when_used_or_expired_and_go_with_an_erasure(client, db, make_case, outbox,
                                                                                 mail_folder):
    from fællesskab.outreach import retention, services
    from fællesskab.outreach.models import ContactConfirmation

    def rows():
        db.session.expire_all()
        return db.session.scalar(sa.select(sa.func.count()).select_from(ContactConfirmation))

    case = make_case(email="keep@example.org")
    for key in ("a", "b", "c", "d", "e"):  # at most three wait per case: no mail bomb through us
        client.post(SELF, data=forged("keep@example.org", submission_key=key))
    assert rows() == 3 and len(outbox(to_address="keep@example.org")) == 3
    client.post(link_in(outbox(to_address="keep@example.org")[0]))
    retention.purge_expired()
    db.session.commit()
    assert rows() == 2  # the used one is gone; the others wait for their links
    services.erase_personal_data(db.session.get(Case, case.id).newcomer, reason="test")
    db.session.commit()
    assert rows() == 0
