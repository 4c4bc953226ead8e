"""Issue 22 part 6: listings in English too (forms, CSV, API, UI, search).

Optional English name, summary and description on associations (an event's
title and description): saved by every door, shown by the English UI when
present ("Only in Danish" beside the Danish text when not), never on Danish
pages, and found by search in English.
"""
from __future__ import annotations

import io
import time

import pytest
import sqlalchemy as sa

from fællesskab.core.listing_text import pick
from fællesskab.directory.importer import import_associations
from fællesskab.directory.models import Association
from fællesskab.events.importer import import_events
from fællesskab.events.models import Event
from tests.search.backends import use_search_backend

from ..helpers import link_in, revisions_of

ONLY_DANISH = "Only in Danish"


def english(client) -> None:
    client.get("/?lang=en")


def danish(client) -> None:
    client.get("/?lang=da")


# ---------- the pure rule ----------

def test_the_rule_danish_pages_danish_english_pages_english_when_there_is_any():
    assert pick("Kor", "Choir", danish_ui=True) == ("Kor", "da", False)
    assert pick("Kor", "Choir", danish_ui=False) == ("Choir", "en", False)
    assert pick("Kor", None, danish_ui=False) == ("Kor", "da", True)
    assert pick("Kor", "   ", danish_ui=False) == ("Kor", "da", True)
    assert pick("", None, danish_ui=False) == ("", "da", False)  # nothing to flag


# ---------- forms ----------

EDITOR_FORM = {"name": "Vamdrup Skakklub", "category": "hobby", "summary": "Skak hver tirsdag.", "town": "Vamdrup",
               "postcode": "6580", "languages": "da;en", "welcomes_newcomers": "true",
               "name_en": "Vamdrup Chess Club", "summary_en": "Chess every Tuesday.",
               "description_en": "Beginners are welcome; we teach the rules."}


def test_the_coordinators_editor_saves_and_shows_english(client, db, login_as):
    login_as("coordinator")
    response = client.post("/koordinator/foreninger/ny", data=EDITOR_FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assoc = db.session.scalar(sa.select(Association).where(Association.name == "Vamdrup Skakklub"))
    assert (assoc.name_en, assoc.summary_en, assoc.description_en) == (
        "Vamdrup Chess Club", "Chess every Tuesday.", "Beginners are welcome; we teach the rules.")
    page = client.get(f"/koordinator/foreninger/{assoc.id}").get_data(as_text=True)
    assert 'value="Vamdrup Chess Club"' in page and 'lang="en"' in page
    # clearing the English name is a change like any other, kept as a revision
    form = {**EDITOR_FORM, "name_en": "", "lat": f"{assoc.lat:.6f}", "lon": f"{assoc.lon:.6f}"}
    assert client.post(f"/koordinator/foreninger/{assoc.id}", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Association, assoc.id).name_en is None
    assert revisions_of(db, assoc.id)[-1].changes == {"name_en": ["Vamdrup Chess Club", None]}


def test_too_long_english_text_is_a_400_naming_the_field(client, db, login_as):
    login_as("coordinator")
    response = client.post("/koordinator/foreninger/ny", data={**EDITOR_FORM, "summary_en": "x" * 301})
    assert response.status_code == 400
    assert 'id="summary_en-error"' in response.get_data(as_text=True)


def test_the_self_service_form_offers_english_and_the_queue_shows_it(client, db, make_association, outbox,
                                                                     login_as):
    from fællesskab.core.flood import make_stamp

    listing = make_association(name="Vamdrup Kor", category="music", email="kor@example.org")
    client.post(f"/foreninger/{listing.slug}/ret", data={"email": "kor@example.org",
                                                         "started": make_stamp(now=time.time() - 30)})
    path = link_in(outbox()[0])
    form_page = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert 'name="name_en"' in form_page and 'name="description_en"' in form_page
    data = {"name": listing.name, "category": listing.category, "summary": listing.summary or "",
            "languages": "da", "town": listing.town or "", "postcode": listing.postcode or "",
            "email": "kor@example.org", "welcomes_newcomers": "true", "name_en": "Vamdrup Choir"}
    response = client.post(path, data=data)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    pending = revisions_of(db, listing.id)[-1]
    assert pending.status == "pending" and pending.changes == {"name_en": [None, "Vamdrup Choir"]}
    login_as("coordinator")
    queue = client.get("/koordinator/godkendelse").get_data(as_text=True)
    assert "Navn på engelsk" in queue and "Vamdrup Choir" in queue
    assert client.post(f"/koordinator/godkendelse/foreninger/{pending.id}/godkend").status_code == 302
    db.session.expire_all()
    assert db.session.get(Association, listing.id).name_en == "Vamdrup Choir"


def _forum_form(**changes):
    from tests.events.test_forum import event_form

    return event_form(**changes)


def test_the_forums_event_form_saves_and_shows_english(client, db, forum_login):
    _user, forum = forum_login(trusted=True)
    page = client.get("/forum/arrangementer/nyt").get_data(as_text=True)
    assert 'name="title_en"' in page and 'name="description_en"' in page
    response = client.post("/forum/arrangementer/nyt", data=_forum_form(
        title_en="Welcome meeting for newcomers in Almind", description_en="Coffee, cake and a chat."))
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event).where(Event.forum_id == forum.id))
    assert (event.title_en, event.description_en) == ("Welcome meeting for newcomers in Almind",
                                                      "Coffee, cake and a chat.")
    edit = client.get(f"/forum/arrangementer/{event.id}/rediger").get_data(as_text=True)
    assert 'value="Welcome meeting for newcomers in Almind"' in edit
    # an untrusted forum's change of the English title waits, like any other change
    forum.is_trusted = False
    db.session.commit()
    client.post(f"/forum/arrangementer/{event.id}/rediger", data=_forum_form(title_en="Welcome evening"))
    db.session.expire_all()
    assert db.session.get(Event, event.id).title_en == "Welcome meeting for newcomers in Almind"


# ---------- CSV ----------

ASSOC_HEADER = "external_id,name,summary,category,town"


def _import(text: str, importer=import_associations):
    return importer(io.BytesIO(text.encode("utf-8")))


def test_associations_csv_with_and_without_the_english_columns(db):
    report = _import(f"{ASSOC_HEADER},name_en,summary_en,description_en\n"
                     "EN-1,Almind Kor,Kor for alle.,music,Almind,Almind Choir,A choir for all.,We sing.\n"
                     "EN-2,Almind Strik,,creative,Almind,,,\n")
    assert report.ok and report.created == 2, report.problems
    db.session.commit()
    choir = db.session.scalar(sa.select(Association).where(Association.external_id == "EN-1"))
    knit = db.session.scalar(sa.select(Association).where(Association.external_id == "EN-2"))
    assert (choir.name_en, choir.summary_en, choir.description_en) == ("Almind Choir", "A choir for all.", "We sing.")
    assert (knit.name_en, knit.summary_en, knit.description_en) == (None, None, None)
    # the old format (no English columns) still works and leaves the English text alone
    report = _import(f"{ASSOC_HEADER}\nEN-1,Almind Kor,Kor for alle og enhver.,music,Almind\n")
    assert report.ok and report.updated == 1, report.problems
    db.session.commit()
    db.session.expire_all()
    choir = db.session.get(Association, choir.id)
    assert choir.summary == "Kor for alle og enhver." and choir.name_en == "Almind Choir"
    # an empty English cell in a file that has the column clears it
    report = _import(f"{ASSOC_HEADER},name_en\nEN-1,Almind Kor,Kor for alle og enhver.,music,Almind,\n")
    assert report.ok and report.updated == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Association, choir.id).name_en is None


def test_associations_csv_too_long_english_is_reported_by_line(db):
    report = _import(f"{ASSOC_HEADER},summary_en\nEN-3,Kor,,music,Almind,{'x' * 301}\n")
    assert not report.ok
    assert [(p.line, p.field) for p in report.problems] == [(2, "summary_en")]


EVENT_HEADER = "external_id,title,kind,starts_at,town"


def test_events_csv_with_and_without_the_english_columns(db):
    report = _import(f"{EVENT_HEADER},name_en,summary_en,description_en\n"
                     "EV-1,Velkomstmøde,welcome-meeting,2027-03-04T19:00:00+01:00,Almind,Welcome meeting,,Coffee.\n",
                     import_events)
    assert report.ok and report.created == 1, report.problems
    db.session.commit()
    event = db.session.scalar(sa.select(Event).where(Event.external_id == "EV-1"))
    assert (event.title_en, event.description_en) == ("Welcome meeting", "Coffee.")
    report = _import(f"{EVENT_HEADER}\nEV-1,Velkomstmøde i Almind,welcome-meeting,2027-03-04T19:00:00+01:00,Almind\n",
                     import_events)
    assert report.ok and report.updated == 1, report.problems
    db.session.commit()
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.title == "Velkomstmøde i Almind" and event.title_en == "Welcome meeting"
    # an event has no summary: text there is refused, not dropped unseen
    report = _import(f"{EVENT_HEADER},summary_en\nEV-2,Messe,fair,2027-03-04T19:00:00+01:00,Almind,A fair\n",
                     import_events)
    assert not report.ok and [(p.line, p.field) for p in report.problems] == [(2, "summary_en")]


# ---------- API ----------

@pytest.fixture
def bilingual(make_association, make_event):
    both = make_association(name="Sjølund Gymnastikforening", summary="Gymnastik for alle.",
                            description="Vi laver gymnastik.", name_en="Sjølund Gymnastics Club",
                            summary_en="Gymnastics for everyone.", description_en="We do gymnastics.")
    danish_only = make_association(name="Almind Husflid", summary="Træsløjd og kurvefletning.",
                                   description="Værksted hele vinteren.")
    event = make_event(title="Velkomstmøde i Sjølund", description="Kaffe og kage.",
                       title_en="Welcome meeting in Sjølund", description_en="Coffee and cake.")
    plain_event = make_event(title="Åbent hus i Almind", description="Kom forbi.")
    return {"both": both, "danish": danish_only, "event": event, "plain_event": plain_event}


def test_the_api_adds_english_fields_and_documents_them(client, bilingual):
    body = client.get(f"/api/v1/associations/{bilingual['both'].id}").get_json()
    assert (body["name"], body["name_en"], body["summary_en"], body["description_en"]) == (
        "Sjølund Gymnastikforening", "Sjølund Gymnastics Club", "Gymnastics for everyone.", "We do gymnastics.")
    body = client.get(f"/api/v1/associations/{bilingual['danish'].id}").get_json()
    assert (body["name_en"], body["summary_en"], body["description_en"]) == (None, None, None)
    events = {e["id"]: e for e in client.get("/api/v1/events").get_json()["results"]}
    assert events[bilingual["event"].id]["title_en"] == "Welcome meeting in Sjølund"
    assert events[bilingual["plain_event"].id]["title_en"] is None
    spec = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert {"name_en", "summary_en", "description_en"} <= set(spec["Association"]["properties"])
    assert {"title_en", "description_en"} <= set(spec["Event"]["properties"])
    assert {"name_en", "summary_en"} <= set(spec["SearchHit"]["properties"])


# ---------- the pages ----------

def test_danish_pages_always_show_danish(client, bilingual):
    danish(client)
    page = client.get(f"/foreninger/{bilingual['both'].slug}").get_data(as_text=True)
    assert "Sjølund Gymnastikforening" in page and "Gymnastik for alle." in page
    assert "Gymnastics for everyone." not in page and ONLY_DANISH not in page and "Kun på dansk" not in page
    page = client.get(f"/arrangementer/{bilingual['event'].id}").get_data(as_text=True)
    assert "Velkomstmøde i Sjølund" in page and "Welcome meeting in Sjølund" not in page
    page = client.get(f"/foreninger/{bilingual['danish'].slug}").get_data(as_text=True)
    assert ONLY_DANISH not in page and "Kun på dansk" not in page


def test_english_pages_show_english_or_say_only_in_danish(client, bilingual):
    english(client)
    page = client.get(f"/foreninger/{bilingual['both'].slug}").get_data(as_text=True)
    assert "<h1>Sjølund Gymnastics Club</h1>" in page
    assert "Gymnastics for everyone." in page and "We do gymnastics." in page
    assert "Gymnastik for alle." not in page and ONLY_DANISH not in page
    page = client.get(f"/foreninger/{bilingual['danish'].slug}").get_data(as_text=True)
    assert '<span lang="da">Træsløjd og kurvefletning.</span> <span class="lang-note">Only in Danish</span>' in page
    assert "Værksted hele vinteren." in page
    page = client.get(f"/arrangementer/{bilingual['event'].id}").get_data(as_text=True)
    assert "Welcome meeting in Sjølund" in page and "Coffee and cake." in page and ONLY_DANISH not in page
    page = client.get(f"/arrangementer/{bilingual['plain_event'].id}").get_data(as_text=True)
    assert '<span lang="da">Åbent hus i Almind</span> <span class="lang-note">Only in Danish</span>' in page
    listing = client.get("/foreninger").get_data(as_text=True)
    assert "Sjølund Gymnastics Club" in listing and "Gymnastics for everyone." in listing
    assert ONLY_DANISH in listing  # beside the Danish-only listing's summary
    events = client.get("/arrangementer").get_data(as_text=True)
    assert "Welcome meeting in Sjølund" in events and ONLY_DANISH in events


# ---------- search ----------

@pytest.mark.parametrize("backend", ["whoosh", "postgres"])
def test_search_in_english_finds_a_listing_written_only_in_english(app, client, db, make_association, make_event,
                                                                    backend):
    with use_search_backend(app, backend):
        hidden = make_association(name="Bramdrup Træværksted", summary="Vi arbejder med træ.",
                                  summary_en="We build birdhouses and benches.",
                                  description_en="Woodworking evenings for carpentry lovers.")
        make_association(name="Almind Kor", summary="Vi synger.")
        event = make_event(title="Åbent værksted", title_en="Open woodworking workshop")
        body = client.get("/api/v1/search", query_string={"q": "birdhouses"}).get_json()
        assert [r["id"] for r in body["results"]] == [hidden.id]
        assert body["results"][0]["summary_en"] == "We build birdhouses and benches."
        body = client.get("/api/v1/search", query_string={"q": "carpentry"}).get_json()
        assert [r["id"] for r in body["results"]] == [hidden.id]
        body = client.get("/api/v1/search", query_string={"q": "woodworking", "type": "event"}).get_json()
        assert [r["id"] for r in body["results"]] == [event.id]
        assert body["results"][0]["name_en"] == "Open woodworking workshop"
        english(client)
        page = client.get("/soeg", query_string={"q": "birdhouses"}).get_data(as_text=True)
        assert "We build" in page and "birdhouses" in page and "Vi arbejder med træ." not in page


def test_the_newcomer_results_show_an_associations_english_text(client, db, make_association):
    make_association(name="Vamdrup Svømmeklub", town="Vamdrup", summary="Svømning for alle.",
                     name_en="Vamdrup Swimming Club", summary_en="Swimming for everyone.")
    make_association(name="Vamdrup Skak", town="Vamdrup", summary="Skak hver tirsdag.")
    english(client)
    page = client.get("/ny-i-kolding/resultater", query_string={"lat": "55.428", "lon": "9.284"}).get_data(as_text=True)
    assert "Vamdrup Swimming Club" in page and "Swimming for everyone." in page
    assert "Svømning for alle." not in page
    assert '<span lang="da">Skak hver tirsdag.</span> <span class="lang-note">Only in Danish</span>' in page
    danish(client)
    page = client.get("/ny-i-kolding/resultater", query_string={"lat": "55.428", "lon": "9.284"}).get_data(as_text=True)
    assert "Vamdrup Svømmeklub" in page and "Vamdrup Swimming Club" not in page


def test_the_embeds_show_english_or_say_only_in_danish(client, db, bilingual):
    page = client.get("/indlejr/arrangementer?lang=en").get_data(as_text=True)
    assert "Welcome meeting in Sjølund" in page
    assert '<a href="' in page
    assert 'lang="da">Åbent hus i Almind</a> <span class="lang-note">Only in Danish</span>' in page
    page = client.get("/indlejr/arrangementer?lang=da").get_data(as_text=True)
    assert "Welcome meeting in Sjølund" not in page and "Only in Danish" not in page


@pytest.mark.parametrize("backend", ["whoosh", "postgres"])
def test_english_text_removed_is_no_longer_found(app, client, db, make_association, backend):
    """Clearing the English summary takes it out of search at the commit, not at the next reindex."""
    with use_search_backend(app, backend):
        listing = make_association(name="Bramdrup Træværksted", summary="Vi arbejder med træ.",
                                   summary_en="We build birdhouses and benches.")
        body = client.get("/api/v1/search", query_string={"q": "birdhouses"}).get_json()
        assert [r["id"] for r in body["results"]] == [listing.id]
        listing.summary_en = None
        db.session.commit()
        body = client.get("/api/v1/search", query_string={"q": "birdhouses"}).get_json()
        assert body["results"] == []


def test_an_event_only_in_danish_says_so_on_the_english_search_page(client, make_event):
    """An event card has no summary to carry the note: its Danish description carries it."""
    make_event(title="Korprøve i Kolding", description="Kom og syng med på en prøve.")
    english(client)
    page = client.get("/soeg", query_string={"q": "korprøve"}).get_data(as_text=True)
    card = page[page.index("<mark>Korprøve</mark> i Kolding"):]
    card = card[:card.index("</article>")]
    assert "Only in Danish" in card


def test_the_newcomer_results_show_an_events_english_title(client, db, make_event):
    """An event on the results has no summary: its English title shows, or the Danish one says so."""
    make_event(title="Velkomstmøde i Vamdrup", town="Vamdrup", title_en="Welcome meeting in Vamdrup")
    make_event(title="Fællesspisning i Vamdrup", town="Vamdrup")
    english(client)
    page = client.get("/ny-i-kolding/resultater", query_string={"lat": "55.428", "lon": "9.284"}).get_data(as_text=True)
    assert "Welcome meeting in Vamdrup" in page and "Velkomstmøde i Vamdrup" not in page
    assert 'lang="da">Fællesspisning i Vamdrup</a> <span class="lang-note">Only in Danish</span>' in page
    danish(client)
    page = client.get("/ny-i-kolding/resultater", query_string={"lat": "55.428", "lon": "9.284"}).get_data(as_text=True)
    assert "Velkomstmøde i Vamdrup" in page and "Welcome meeting in Vamdrup" not in page


def test_the_match_api_adds_english_fields_and_documents_them(client, db, make_association, make_event):
    from fællesskab.api.openapi import SCHEMAS

    make_association(name="Vamdrup Svømmeklub", town="Vamdrup", summary="Svømning for alle.",
                     name_en="Vamdrup Swimming Club", summary_en="Swimming for everyone.")
    make_association(name="Vamdrup Skak", town="Vamdrup")
    make_event(title="Velkomstmøde i Vamdrup", town="Vamdrup", title_en="Welcome meeting in Vamdrup")
    body = client.post("/api/v1/match", json={"address": "Vamdrup"}).get_json()
    items = {item["name"]: item for item in body["results"] + body["others"]}
    assert (items["Vamdrup Svømmeklub"]["name_en"], items["Vamdrup Svømmeklub"]["summary_en"]) == (
        "Vamdrup Swimming Club", "Swimming for everyone.")
    assert (items["Vamdrup Skak"]["name_en"], items["Vamdrup Skak"]["summary_en"]) == (None, None)
    assert items["Velkomstmøde i Vamdrup"]["name_en"] == "Welcome meeting in Vamdrup"
    assert "summary_en" not in items["Velkomstmøde i Vamdrup"]  # an event has no summary
    properties = SCHEMAS["MatchItem"]["properties"]
    assert properties["name_en"]["description"] and properties["summary_en"]["description"]


def test_a_danish_association_name_is_marked_danish_on_english_pages(client, db, make_association):
    """A screen reader reads "Vamdrup Svømmeklub" with a Danish voice (WCAG 3.1.2), as it does an
    event's Danish title; an English name and every Danish page carry no mark."""
    assoc = make_association(name="Vamdrup Svømmeklub", town="Vamdrup", tags="svømning")
    make_association(name="Vamdrup Skakklub", town="Vamdrup", tags="skak", name_en="Vamdrup Chess Club")
    english(client)
    detail = client.get(f"/foreninger/{assoc.slug}").get_data(as_text=True)
    assert '<h1 lang="da">Vamdrup Svømmeklub</h1>' in detail
    found = client.get("/soeg", query_string={"q": "svømning"}).get_data(as_text=True)
    assert f'<a href="/foreninger/{assoc.slug}" lang="da">' in found
    listed = client.get("/foreninger").get_data(as_text=True)
    assert f'<a href="/foreninger/{assoc.slug}" lang="da">Vamdrup Svømmeklub</a>' in listed
    assert '>Vamdrup Chess Club</a>' in listed and 'lang="da">Vamdrup Chess Club' not in listed
    danish(client)
    assert '<h1>Vamdrup Svømmeklub</h1>' in client.get(f"/foreninger/{assoc.slug}").get_data(as_text=True)
