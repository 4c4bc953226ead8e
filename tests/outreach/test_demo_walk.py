"""Issue 7, "Done when", walked through the web with CSRF on, on the demo data:

the coordinator takes a newcomer from the arrivals list to "anchored" — contact,
match, send the welcome message, hand over, follow up — and the demo forum
(Almind Borgerforening) sees and updates the handed-over person.
"""
from __future__ import annotations

import html as htmllib
import re

import sqlalchemy as sa

from fællesskab.outreach.models import Case, Newcomer

from ..events.test_done_when import csrf, field_value, get


def login(client, email, password):
    page = get(client, "/login").get_data(as_text=True)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf(page)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def logout(client):
    page = get(client, "/logout").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf(page)})


def post(client, url, page, data, expect=302):
    response = client.post(url, data={"csrf_token": csrf(page), **data})
    assert response.status_code == expect, response.get_data(as_text=True)[:2000]
    return response


def test_demo_walk_from_the_arrivals_list_to_anchored(app, client, runner, db, monkeypatch, eml_files):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "Tilflyttere: 13 oprettet" in result.output
    assert "Tilflyttere: 0 oprettet, 0 opdateret, 13 uændret" in runner.invoke(args=["seed", "demo"]).output
    sofie = db.session.scalar(sa.select(Newcomer).where(Newcomer.external_id == "DEMO-N-001"))
    case_id = sofie.case.id
    case_url = f"/koordinator/tilflyttere/{case_id}"

    # 1. The coordinator finds Sofie on the arrivals list; people without consent are not there.
    login(client, "koordinator@example.org", "coordinator-demo-kolding")
    dashboard = get(client, "/koordinator/").get_data(as_text=True)
    assert 'href="/koordinator/tilflyttere/"' in dashboard
    inbox = get(client, "/koordinator/tilflyttere/?sted=almind").get_data(as_text=True)
    assert "Sofie Lund Mikkelsen" in inbox and "Mette Holm" not in inbox

    # 2. Contact: takes the case, calls, and marks it contacted from the inbox (bulk, keyboard-usable form).
    post(client, "/koordinator/tilflyttere/handling", inbox, {"sag": str(case_id), "handling": "tildel-mig"})
    post(client, "/koordinator/tilflyttere/handling", inbox, {"sag": str(case_id), "handling": "kontaktet"})
    page = get(client, case_url).get_data(as_text=True)
    assert "Kontaktet" in page and "Demo Koordinator" in page
    post(client, f"{case_url}/samtykke", page, {"givet": "1"})  # she said yes to meeting the forum
    post(client, f"{case_url}/noter", page, {"text": "Ringede. Glad for at høre om fodbold og kor."})

    # 3. Match: suggestions from the matching service; pick two; write and send the welcome message.
    post(client, f"{case_url}/forslag", page, {})
    db.session.expire_all()
    suggestions = db.session.get(Case, case_id).suggestions
    assert suggestions, "the matching service found nothing near Almind"
    keys = [f"{s['type']}:{s['id']}" for s in suggestions[:2]]
    compose = get(client, f"{case_url}/velkomst?" + "&".join(f"valg={k}" for k in keys)).get_data(as_text=True)
    assert "Kære Sofie" in compose and suggestions[0]["name"] in htmllib.unescape(compose)
    subject = htmllib.unescape(field_value(compose, "subject"))
    body = htmllib.unescape(re.search(r'<textarea[^>]*name="body"[^>]*>\n?(.*?)</textarea>', compose, re.S).group(1))
    post(client, f"{case_url}/velkomst", compose, {"subject": subject, "body": body + "\nPS: Vi ses!",
                                                   "valg": keys, "handling": "send"})
    (welcome,) = [m for m in eml_files() if m["To"] == "sofie.mikkelsen@example.org"]
    assert "PS: Vi ses!" in welcome.get_body(("plain",)).get_content()
    assert db.session.get(Case, case_id).status == "matched"

    # 4. Hand over to the forum serving Almind.
    handover_page = get(client, f"{case_url}/overdrag").get_data(as_text=True)
    assert "Almind Borgerforening får adgang" in handover_page
    post(client, f"{case_url}/overdrag", handover_page, {"status": "handed_over"})
    db.session.expire_all()
    assert db.session.get(Case, case_id).status == "handed_over"
    assert any(m["To"] == "forum@example.org" for m in eml_files())
    logout(client)

    # 5. The forum sees Sofie and records contact and the welcome meeting.
    login(client, "forum@example.org", "forum-demo-kolding")
    forum_dashboard = get(client, "/forum/").get_data(as_text=True)
    assert 'href="/forum/tilflyttere/"' in forum_dashboard
    listing = get(client, "/forum/tilflyttere/").get_data(as_text=True)
    assert "Sofie Lund Mikkelsen" in listing and "James O" not in listing
    detail = get(client, f"/forum/tilflyttere/{case_id}").get_data(as_text=True)
    assert "sofie.mikkelsen@example.org" in detail and "fodbold" in detail
    post(client, f"/forum/tilflyttere/{case_id}/opdater", detail, {"hvad": "contacted", "text": "Hun kommer!"})
    detail = get(client, f"/forum/tilflyttere/{case_id}").get_data(as_text=True)
    event_id = re.search(r'<option value="(\d+)"[^>]*>Velkomstmøde for nye borgere i Almind', detail).group(1)
    post(client, f"/forum/tilflyttere/{case_id}/opdater", detail, {"hvad": "attended", "event_id": event_id})
    logout(client)

    # 6. Follow up and close the loop.
    login(client, "koordinator@example.org", "coordinator-demo-kolding")
    page = get(client, case_url).get_data(as_text=True)
    assert "Lokalrådet har kontaktet tilflytteren" in page and "Hun kommer!" in page
    assert "Velkomstmøde for nye borgere i Almind" in page
    post(client, f"{case_url}/status", page, {"status": "followed_up", "note": "Har det godt i koret."})
    post(client, f"{case_url}/status", page, {"status": "anchored"})
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.status == "anchored" and case.is_closed and case.handed_to_forum_id is not None
    anchored = get(client, "/koordinator/tilflyttere/?status=anchored").get_data(as_text=True)
    assert "Sofie Lund Mikkelsen" in anchored and "1 forankret i et fællesskab" in anchored
