"""After "Tilmeld": a page of its own that says what the person signed up for (issue 21, item 1)."""
from __future__ import annotations

import re

from .test_signup import post_sign_up


def _main(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def test_a_sign_up_leads_to_its_own_confirmation_page(client, db, forum_event):
    event = forum_event(capacity=10)
    response = post_sign_up(client, event, party_size="2")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.endswith(f"/arrangementer/{event.id}/tilmeldt") and "#" not in location
    page = _main(client.get(location).get_data(as_text=True))
    assert "<h1>Du er tilmeldt</h1>" in page
    assert "Velkomstmøde i Almind" in page and "Vestergade 20" in page
    assert re.search(r"<time datetime=\"[^\"]+\">[^<]*\d{4}", page)  # when
    assert "anna@example.org" in page and "e-mail" in page  # an email is on its way
    assert f'href="/arrangementer/{event.id}.ics"' in page  # the calendar file
    assert "afmeld" in page.lower()  # how to cancel
    assert "<form" not in page  # no empty form to fill in again


def test_the_confirmation_page_in_english(client, db, forum_event):
    event = forum_event(capacity=10)
    client.get("/?lang=en")
    page = _main(client.get(post_sign_up(client, event).headers["Location"]).get_data(as_text=True))
    assert "<h1>You are signed up</h1>" in page and "Add to calendar" in page


def test_the_waiting_list_position_is_on_the_confirmation(client, db, forum_event, sign_up):
    event = forum_event(capacity=2)
    sign_up(event, email="first@example.org", party_size=2)
    page = _main(client.get(post_sign_up(client, event).headers["Location"]).get_data(as_text=True))
    assert "<h1>Du står på venteliste</h1>" in page and "nummer 1" in page


def test_the_confirmation_page_without_a_sign_up_goes_to_the_event(client, db, forum_event):
    event = forum_event()
    response = client.get(f"/arrangementer/{event.id}/tilmeldt")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/arrangementer/{event.id}")
