"""The welcome message and the printed letter (issue 21, item 8): how to reach the coordinator
(not "reply to this email"), each welcome meeting once and the person's own village first,
no "(0,0 km)" or "*" bullets, and no inline styles the page's CSP would block."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from .test_welcome import BASE, suggest


@pytest.fixture
def letter_case(db, app, monkeypatch, make_case, make_event, almind_forum, make_forum):
    monkeypatch.setitem(app.config, "COORDINATOR_PHONE", "+45 79 79 12 34")
    other = make_forum(name="Vester Nebel Testforum", places=["Vester Nebel"], slug="vn-test")
    make_event(title="Velkomstaften i Vester Nebel", kind="welcome-meeting", forum_id=other.id, town="Vester Nebel",
               starts_in=timedelta(days=5))
    make_event(title="Velkomstaften i Almind", kind="welcome-meeting", forum_id=almind_forum.id, town="Almind",
               starts_in=timedelta(days=12))
    return make_case(name="Marek Nowak", email="", phone="+45 20 00 00 04", languages="da")


def test_the_draft_names_the_coordinator_and_lists_each_meeting_once(client, db, coordinator, letter_case):
    keys, case = suggest(db, letter_case, client)
    events = [k for k, s in zip(keys, case.suggestions, strict=True) if s["type"] == "event"]
    page = client.get(f"{BASE}{case.id}/velkomst", query_string={"valg": keys[:3] + events[:1]})
    body = re.search(r"<textarea[^>]*>(.*?)</textarea>", page.get_data(as_text=True), re.S).group(1)
    assert "svar på denne e-mail" not in body
    assert coordinator.email in body and "+45 79 79 12 34" in body
    assert not re.search(r"^\* ", body, re.M), body  # bullets a letter prints well
    assert "(0,0 km)" not in body
    assert body.count("Velkomstaften i Almind") == 1, body
    assert body.index("Velkomstaften i Almind") < body.index("Velkomstaften i Vester Nebel")


def test_the_letter_page_has_no_inline_styles(client, db, coordinator, letter_case):
    case = letter_case
    client.post(f"{BASE}{case.id}/velkomst", data={
        "subject": "Velkommen", "body": "Kære Marek\n\nSe https://example.org/almind\n\nHilsen", "handling": "brev"})
    page = client.get(f"{BASE}{case.id}/brev").get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]
    assert 'href="https://example.org/almind"' in main
    assert "style=" not in main
