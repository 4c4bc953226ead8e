"""Reasons stored on a case are codes and values, worded in the language of the page or letter showing
them (issue 20 rule 7, issue 21 item 7): the case page, the welcome message and its printed letter, and
the forum's view of a handed-over case. Suggestions stored before the codes keep their stored text."""
from __future__ import annotations

import html as htmllib
import re

from fællesskab.outreach import services
from fællesskab.outreach.models import Case

BASE = "/koordinator/tilflyttere/"
FORUM = "/forum/tilflyttere/"
DANISH = "matcher »fodbold«"
ENGLISH = "matches “fodbold”"


def text(response) -> str:
    return htmllib.unescape(response.get_data(as_text=True))


def suggested_case(client, db, make_case, make_association, **kw):
    """A case whose suggestions were fetched for a Danish-speaking household (so stored in Danish)."""
    make_association(name="Almind Boldklub", town="Almind", category="sport", tags="fodbold",
                     target_groups="children", age_min="4", age_max="12")
    case = make_case(name="Sofie Lund", interests="fodbold", languages="da", **kw)
    assert client.post(f"{BASE}{case.id}/forslag").status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    (item,) = [s for s in case.suggestions if s["name"] == "Almind Boldklub"]
    return case, item


def test_the_case_page_words_the_reasons_in_the_pages_language(client, db, coordinator, make_case,
                                                                 make_association):
    case, item = suggested_case(client, db, make_case, make_association)
    assert {"code": "interest", "params": {"words": ["fodbold"]}} in item["reason_codes"]
    assert DANISH in item["reasons"]  # the text as worded when fetched stays (older readers use it)

    danish = text(client.get(f"{BASE}{case.id}?lang=da"))
    assert DANISH in danish and "for børn 4–12 år" in danish and ENGLISH not in danish
    english = text(client.get(f"{BASE}{case.id}?lang=en"))
    assert ENGLISH in english and "for children aged 4–12" in english
    assert DANISH not in english and "km fra dig" not in english


def test_suggestions_stored_without_codes_keep_their_text(client, db, coordinator, make_case):
    case = make_case(name="Gammel Sag")
    case.suggestions = [{"type": "association", "id": 1, "name": "Gammel Forening", "url": "/foreninger/x",
                         "distance_km": 1.2, "reasons": ["1,2 km fra dig", "matcher »strik«"]}]
    db.session.commit()
    for lang in ("da", "en"):
        page = text(client.get(f"{BASE}{case.id}?lang={lang}"))
        assert "Gammel Forening" in page and "1,2 km fra dig · matcher »strik«" in page


def test_the_welcome_message_and_the_letter_word_them_in_the_letters_language(client, db, coordinator,
                                                                                make_case, make_association):
    case, item = suggested_case(client, db, make_case, make_association)
    key = f"{item['type']}:{item['id']}"
    danish = text(client.get(f"{BASE}{case.id}/velkomst", query_string={"valg": key, "lang": "en"}))
    assert "Kære Sofie" in danish and DANISH in danish  # a Danish letter, also on an English page

    case.newcomer.preferred_language = "en"  # the household now reads English: the letter follows
    db.session.commit()
    english = text(client.get(f"{BASE}{case.id}/velkomst", query_string={"valg": key}))
    assert "Dear Sofie" in english and ENGLISH in english and "for children aged 4–12" in english
    assert DANISH not in english and "km fra dig" not in english

    subject = re.search(r'name="subject"[^>]*value="([^"]*)"', english).group(1)
    body = re.search(r'<textarea[^>]*name="body"[^>]*>\n?(.*?)</textarea>', english, re.S).group(1)
    saved = client.post(f"{BASE}{case.id}/velkomst", data={"subject": subject, "body": body, "valg": key,
                                                            "handling": "brev"})
    assert saved.status_code == 302
    letter = text(client.get(f"{BASE}{case.id}/brev"))
    assert "Dear Sofie" in letter and ENGLISH in letter and DANISH not in letter


def test_the_forums_view_words_them_in_the_forums_language(client, db, login, make_user, make_case,
                                                           make_association, almind_forum):
    coordinator = login(make_user("coordinator"))
    case, _item = suggested_case(client, db, make_case, make_association, handover=True)
    services.transition(case, "contacted", actor=coordinator)
    services.transition(case, "matched", actor=coordinator)
    db.session.commit()
    assert client.post(f"{BASE}{case.id}/overdrag", data={"status": "handed_over"}).status_code == 302

    login(make_user("forum", forum=almind_forum))
    danish = text(client.get(f"{FORUM}{case.id}?lang=da"))
    assert "Almind Boldklub" in danish and DANISH in danish
    english = text(client.get(f"{FORUM}{case.id}?lang=en"))
    assert "Almind Boldklub" in english and ENGLISH in english and DANISH not in english
    # no distances: the forum does not get the street address, and distances to known places give it away
    assert "km fra dig" not in danish and "km away" not in english
