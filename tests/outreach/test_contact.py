"""The newcomer's contact requests: the journey's "get help" (POST /ny-i-kolding/kontakt) and /kontakt-mig."""
from __future__ import annotations

import re

import sqlalchemy as sa

from fællesskab.outreach.models import Case, CaseNote, Newcomer

JOURNEY = "/ny-i-kolding/kontakt"
SELF = "/kontakt-mig"
PROFILE = {"address": "Almind Stationsvej 14, 6051 Almind", "adults": "2", "children_ages": "4, 9",
           "interests": ["fodbold", "kor"], "languages": ["da", "en"]}


def count(db, model):
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def no_address_in_urls(html: str, address: str = "Stationsvej"):
    for url in re.findall(r'(?:href|action|src)="([^"]*)"', html):
        assert address not in url, url


def test_the_journeys_profile_prefills_the_form_and_nothing_is_stored(client, db):
    response = client.post(JOURNEY, data=PROFILE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Almind Stationsvej 14, 6051 Almind"' in html
    assert 'value="4, 9"' in html and 'value="fodbold, kor"' in html
    assert 'id="sprog-en" name="languages" value="en" checked' in html
    assert "Jeg giver samtykke til, at Kolding Kommunes fællesskabskoordinator" in html
    assert 'action="/ny-i-kolding/kontakt"' in html
    no_address_in_urls(html)
    assert count(db, Newcomer) == 0


def test_a_complete_request_opens_a_case_with_the_consent_record(client, db, almind_forum):
    data = {**PROFILE, "step": "send", "name": "Sofie Lund", "email": "Sofie@Example.org", "phone": "",
            "preferred_language": "da", "consent_contact": "y", "consent_handover": "y",
            "submission_key": "k1"}
    response = client.post(JOURNEY, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/kontakt-mig/tak"
    thanks = client.get("/kontakt-mig/tak").get_data(as_text=True)
    assert "Tak! Vi kontakter dig snart" in thanks
    n = db.session.scalar(sa.select(Newcomer))
    assert (n.name, n.email, n.source, n.adults, n.children_ages) == ("Sofie Lund", "sofie@example.org", "journey",
                                                                      2, [4, 9])
    assert n.interests == ["fodbold", "kor"] and n.languages == ["da", "en"] and n.place.name == "Almind"
    assert n.case.status == "new" and n.case.forum_id == almind_forum.id
    records = {(r.kind, r.granted, r.text_version, r.source) for r in n.consents}
    assert records == {("contact", True, "contact-2025-1", "journey"), ("handover", True, "handover-2025-1", "journey")}
    assert all(r.recorded_at is not None for r in n.consents)
    assert n.consent_contact and n.consent_handover

    again = client.post(JOURNEY, data=data)  # a double click: the same submission key
    assert again.status_code == 302 and count(db, Case) == 1


def test_a_second_request_from_the_same_email_goes_on_the_open_case_once_confirmed(client, db, login_as, outbox,
                                                                                    mail_folder):
    """Issue 18: the second request waits for the link sent to the email (it used to go on the case at once)."""
    base = {"step": "send", "name": "Sofie Lund", "email": "sofie@example.org", "consent_contact": "y",
            "preferred_language": "da"}
    client.post(SELF, data={**base, "submission_key": "a"})
    client.post(SELF, data={**base, "submission_key": "b", "name": "Someone Else", "phone": "+45 20 00 00 09"})
    assert count(db, Case) == 1
    assert db.session.scalar(sa.select(CaseNote).where(CaseNote.kind == "request")) is None  # not before the link
    link = re.search(r"/kontakt-mig/bekraeft/\S+", outbox(to_address="sofie@example.org")[-1].text_body).group(0)
    assert client.post(link).status_code == 200
    n = db.session.scalar(sa.select(Newcomer))
    assert n.name == "Sofie Lund" and n.phone is None  # a public form never overwrites what we hold
    note = db.session.scalar(sa.select(CaseNote).where(CaseNote.kind == "request"))
    assert note.data["submitted"]["name"] == "Someone Else"
    login_as("coordinator")
    page = client.get(f"/koordinator/tilflyttere/{n.case.id}").get_data(as_text=True)
    assert "Ny henvendelse" in page and "Navn: Someone Else" in page and "Telefon: +45 20 00 00 09" in page


def test_consent_and_a_way_to_reach_you_are_required(client, db):
    response = client.post(SELF, data={"step": "send", "name": "Sofie", "preferred_language": "da"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Sæt kryds, hvis vi må kontakte dig" in html
    assert "Skriv din e-mail eller dit telefonnummer" in html
    assert 'aria-invalid="true"' in html
    no_name = client.post(SELF, data={"step": "send", "email": "a@example.org", "consent_contact": "y"})
    assert no_name.status_code == 400 and "Navnet skal udfyldes." in no_name.get_data(as_text=True)
    assert count(db, Newcomer) == 0


def test_self_registration(client, db):
    page = client.get(SELF)
    assert page.status_code == 200 and "Jeg vil gerne kontaktes" in page.get_data(as_text=True)
    response = client.post(SELF, data={"step": "send", "name": "Marek Nowak", "phone": "+45 20 00 00 04",
                                       "address": "Ahornvej 22, 6580 Vamdrup", "languages": ["pl", "en"],
                                       "preferred_language": "en", "consent_contact": "y"})
    assert response.status_code == 302
    n = db.session.scalar(sa.select(Newcomer))
    assert n.source == "self" and n.preferred_language == "en" and n.case is not None
    assert not n.consent_handover
    assert client.get(JOURNEY).headers["Location"] == "/kontakt-mig"


def test_bad_input_is_a_form_error_never_a_server_error(client, db):
    junk = [
        {"step": "send", "name": "x" * 5000, "email": "y" * 600, "consent_contact": "y"},
        {"step": "send", "name": "A", "email": "a@example.org", "consent_contact": "y", "adults": "-3",
         "children_ages": "fire, 200", "move_in_date": "2025-02-30", "preferred_language": "sv"},
        {"step": "send", "name": "A", "email": "a@example.org", "consent_contact": "y", "interests": ["x" * 80]},
        {"step": "send", "name": "A", "phone": "++++++++", "consent_contact": "y",
         "languages": ["dansk", "zz", "1"], "address": "§§§ ###"},
        {"address": "x" * 5000, "adults": "1e9", "interests": ["a"] * 500, "languages": ["en"] * 500},
    ]
    for data in junk:
        response = client.post(SELF, data=data)
        assert response.status_code in (200, 302, 400), (data, response.status_code)
    assert client.post(SELF, data={"step": "send", "name": "A\x00B"}).status_code == 400


def test_csrf_is_required(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(JOURNEY, data=PROFILE)
    assert response.status_code == 400
    assert count(db, Newcomer) == 0
    from ..events.test_done_when import csrf, field_value, get

    token = csrf(get(client, SELF).get_data(as_text=True))
    first = client.post(JOURNEY, data={**PROFILE, "csrf_token": token})  # as the journey's results page posts
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    response = client.post(JOURNEY, data={
        "csrf_token": csrf(page), "step": "send", "submission_key": field_value(page, "submission_key"),
        "address": PROFILE["address"], "adults": "2", "children_ages": "4, 9", "interests": "fodbold, kor",
        "languages": ["da"], "name": "Sofie Lund", "email": "sofie@example.org", "preferred_language": "da",
        "consent_contact": "y"})
    assert response.status_code == 302 and count(db, Newcomer) == 1


def test_the_front_page_links_to_the_contact_form(client, db):
    assert 'href="/kontakt-mig"' in client.get("/").get_data(as_text=True)


def test_the_journeys_results_page_hands_its_profile_to_the_contact_form(client, db, make_association):
    """The interface with issue 5: the results page's "get help" form posts here."""
    make_association(name="Almind Boldklub", town="Almind", tags="fodbold")
    results = client.post("/ny-i-kolding", data={"address": "Almind Stationsvej 14, 6051 Almind", "adults": "2",
                                                 "children_ages": "4, 9", "interests_text": "fodbold",
                                                 "languages": ["da", "en"]}, follow_redirects=True)
    assert results.status_code == 200
    html = results.get_data(as_text=True)
    form = re.search(r'<form method="post" action="/ny-i-kolding/kontakt">(.*?)</form>', html, re.S)
    assert form, "the results page has no contact form"
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(1))
    data: dict = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    page = client.post(JOURNEY, data=data).get_data(as_text=True)
    assert 'value="Almind Stationsvej 14, 6051 Almind"' in page and re.search(r'value="4, ?9"', page)
    assert 'value="fodbold"' in page and 'id="sprog-en" name="languages" value="en" checked' in page
    no_address_in_urls(page)
