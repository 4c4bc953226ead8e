"""The welcome message: drafted from a template in the household's language, edited, sent through the
outbox to a real SMTP server on 127.0.0.1, written on the timeline; the printable letter."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from fællesskab.outreach.models import Case, CaseNote

from ..mail.smtp import body

BASE = "/koordinator/tilflyttere/"


def suggest(db, case, client):
    client.post(f"{BASE}{case.id}/forslag")
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    return [f"{s['type']}:{s['id']}" for s in case.suggestions], case


def test_a_danish_welcome_email_with_matches_and_a_welcome_event(client, db, coordinator, make_case, make_association,
                                                                   almind_forum, make_event, smtp_server, outbox):
    make_association(name="Almind Boldklub", town="Almind", tags="fodbold")
    make_event(title="Velkomstaften i Almind", kind="welcome-meeting", forum_id=almind_forum.id,
               starts_in=timedelta(days=10))
    case = make_case(name="Sofie Lund", email="sofie@example.org", interests="fodbold", languages="da")
    keys, case = suggest(db, case, client)
    chosen = [k for k, s in zip(keys, case.suggestions, strict=True) if s["name"] == "Almind Boldklub"]
    draft = client.get(f"{BASE}{case.id}/velkomst", query_string={"valg": chosen}).get_data(as_text=True)
    assert "Velkommen til Kolding Kommune" in draft and "Velkomstaften i Almind" in draft

    response = client.post(f"{BASE}{case.id}/velkomst", data={
        "subject": "Velkommen til Almind, Sofie", "valg": chosen, "handling": "send",
        "body": "Kære Sofie\n\nPrøv Almind Boldklub: https://example.org/boldklub\n\nVenlig hilsen\nKaren <3",
    })
    assert response.status_code == 302
    (received,) = smtp_server.inbox.wait_for(1)
    assert received["To"] == "sofie@example.org"
    assert received["Subject"] == "Velkommen til Almind, Sofie"
    assert received["Content-Language"] == "da"
    assert "Prøv Almind Boldklub: https://example.org/boldklub" in body(received)
    html = body(received, "html")
    assert '<html lang="da">' in html and '<a href="https://example.org/boldklub"' in html
    assert "Karen &lt;3" in html  # the coordinator's text is escaped
    assert "fællesskabskoordinator må kontakte dig" in html
    (message,) = outbox(kind="outreach_welcome")
    assert message.status == "sent"

    case = db.session.get(Case, case.id)
    assert case.status == "matched"  # sending was the contact; with a match in it, matched
    email_note = db.session.scalar(sa.select(CaseNote).where(CaseNote.case_id == case.id, CaseNote.kind == "email"))
    assert email_note.data["items"] == ["Almind Boldklub"] and email_note.data["outbox_id"] == message.id
    page = client.get(f"{BASE}{case.id}").get_data(as_text=True)
    assert "E-mail sendt" in page and "Velkommen til Almind, Sofie" in page


def test_an_english_household_gets_the_english_template(client, db, coordinator, make_case, smtp_server, outbox):
    case = make_case(name="James O'Connor", email="james@example.org", languages="en", interests="running")
    draft = client.get(f"{BASE}{case.id}/velkomst").get_data(as_text=True)
    assert "Dear James" in draft and "Welcome to Kolding Municipality" in draft
    assert "Beskeden er på engelsk" in draft
    import re

    subject = re.search(r'name="subject"[^>]*value="([^"]*)"', draft).group(1)
    text = re.search(r'<textarea[^>]*name="body"[^>]*>\n?(.*?)</textarea>', draft, re.S).group(1)
    import html as htmllib

    response = client.post(f"{BASE}{case.id}/velkomst", data={
        "subject": htmllib.unescape(subject), "body": htmllib.unescape(text), "handling": "send"})
    assert response.status_code == 302
    (received,) = smtp_server.inbox.wait_for(1)
    assert received["Subject"] == "Welcome to Kolding Municipality – communities near you"
    assert received["Content-Language"] == "en"
    assert "Dear James" in body(received) and "Kind regards" in body(received)
    assert '<html lang="en">' in body(received, "html")
    assert "agreed that Kolding Municipality" in body(received, "html")
    assert db.session.get(Case, case.id).status == "contacted"  # no matches chosen: contacted, not matched


def test_no_email_means_a_printed_letter(client, db, coordinator, make_case, outbox):
    case = make_case(name="Marek Nowak", email="", phone="+45 20 00 00 04", languages="pl;en")
    page = client.get(f"{BASE}{case.id}/velkomst").get_data(as_text=True)
    assert "ingen e-mail" in page and 'value="send"' not in page
    refused = client.post(f"{BASE}{case.id}/velkomst", data={"subject": "Hej", "body": "Tekst", "handling": "send"})
    assert refused.status_code == 400 and "Udskriv beskeden som brev" in refused.get_data(as_text=True)
    assert outbox() == []

    response = client.post(f"{BASE}{case.id}/velkomst", data={
        "subject": "Welcome, Marek", "body": "Dear Marek\n\nSee you soon.", "handling": "brev"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{case.id}/brev")
    letter = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="letter"' in letter and "Welcome, Marek" in letter and "Ahornvej" not in letter
    assert "Almind Stationsvej 14" in letter and "6051 Almind" in letter and "Dear Marek" in letter
    assert 'class="no-print"' in letter
    note = db.session.scalar(sa.select(CaseNote).where(CaseNote.case_id == case.id, CaseNote.kind == "letter"))
    assert note.data["subject"] == "Welcome, Marek"


def test_an_empty_message_is_refused(client, coordinator, make_case, outbox):
    case = make_case()
    response = client.post(f"{BASE}{case.id}/velkomst", data={"subject": " ", "body": "", "handling": "send"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Skriv et emne." in html and "Skriv en besked." in html
    assert outbox() == []


def test_people_without_consent_are_never_emailed(db, make_case, make_user, outbox):
    from fællesskab.core.errors import NotFound
    from fællesskab.outreach import messages, services

    coordinator = make_user("coordinator")
    case = make_case(name="Sofie Lund")
    services.withdraw_contact(case.newcomer, actor=coordinator)
    db.session.commit()
    try:
        messages.send_welcome(case, "Hej", "Tekst", [], actor=coordinator)
    except NotFound:
        pass
    else:  # pragma: no cover
        raise AssertionError("a person without consent was emailed")
    assert outbox() == []
