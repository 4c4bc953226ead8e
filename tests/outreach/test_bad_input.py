"""No input gives a 5xx: every outreach form and page, fed junk, as the roles that may use it."""
from __future__ import annotations

import pytest

JUNK = [
    {},
    {"status": "x" * 3000, "note": "\u202e" * 10, "text": "x" * 30000, "koordinator": "-1", "givet": "maybe"},
    {"next_action_on": "31-31-2031", "valg": ["association:x", "event:999999", ":", "x" * 500],
     "subject": "a\r\nBcc: evil@example.org", "body": "x", "handling": "send"},
    {"hvad": ["contacted", "attended"], "event_id": "9" * 30, "sag": ["1e5", "-1", "0"], "handling": "tildel-"},
    {"name": "x" * 200, "email": "a@b", "adults": "99", "children_ages": "1,,,2;;x", "languages": "da, en, xx",
     "interests": "x" * 50, "preferred_language": "xx", "postcode": "abcd", "move_in_date": "0000-00-00"},
]


@pytest.fixture
def staff_case(db, make_case, almind_forum):
    return make_case(name="Sofie Lund", handover=True)


def test_coordinator_forms_never_fail_with_a_server_error(client, coordinator, staff_case):
    base = f"/koordinator/tilflyttere/{staff_case.id}"
    posts = [f"{base}/status", f"{base}/tildel", f"{base}/noter", f"{base}/naeste-handling", f"{base}/samtykke",
             f"{base}/velkomst", f"{base}/overdrag", f"{base}/oplysninger", f"{base}/forslag",
             "/koordinator/tilflyttere/handling"]
    for url in posts:
        for data in JUNK:
            response = client.post(url, data=data)
            assert response.status_code < 500, (url, data, response.status_code)
    for query in ("?valg=" + "x" * 3000, "?ny=1&valg=event:1", "?personoplysninger=1&status=alle"):
        for url in (f"{base}/velkomst", f"{base}/brev", "/koordinator/tilflyttere/eksport.csv"):
            assert client.get(url + query).status_code < 500, (url, query)


def test_forum_and_public_forms_never_fail_with_a_server_error(client, db, login, make_user, almind_forum,
                                                               staff_case):
    for data in JUNK:
        for url in ("/kontakt-mig", "/ny-i-kolding/kontakt"):
            assert client.post(url, data={**data, "step": "send"}).status_code < 500
            assert client.post(url, data=data).status_code < 500
    login(make_user("forum", forum=almind_forum))
    for data in JUNK:
        assert client.post(f"/forum/tilflyttere/{staff_case.id}/opdater", data=data).status_code < 500
