"""(c) The pages in English, and the language switch: links, cookie, Accept-Language."""
from __future__ import annotations

import re

import pytest

# Danish UI words that must not be left on an English page (the header, footer and forms).
DANISH = ("Spring til indhold", "Foreninger</a>", "Arrangementer</a>", "Log ind</a>", "Privatlivserklæring",
          "Hovedmenu", "Søg")


def english(client, path: str, **kw) -> str:
    response = client.get(path + ("&" if "?" in path else "?") + "lang=en", **kw)
    assert response.status_code == 200, (path, response.status_code)
    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page
    for word in DANISH:
        assert word not in page, (path, word)
    assert "Skip to content" in page and "Associations</a>" in page and "Privacy notice" in page
    return page


@pytest.fixture
def content(make_association, make_event):
    assoc = make_association(name="Almind Fodboldklub", town="Almind", category="sport")
    event = make_event(title="Velkomstmøde i Almind", kind="welcome-meeting")
    return assoc, event


def test_public_pages_in_english(client, content):
    assoc, event = content
    assert "Find your community in Kolding Municipality" in english(client, "/")
    assert "<h1>Search: fodbold</h1>" in english(client, "/soeg?q=fodbold")
    page = english(client, f"/foreninger/{assoc.slug}")
    assert "Sport and exercise" in page and "Almind Fodboldklub" in page
    assert "Subscribe to the calendar" in english(client, "/arrangementer")
    assert "Welcomes newcomers" in english(client, "/foreninger")  # a badge from _macros/
    page = english(client, f"/arrangementer/{event.id}")
    assert "Welcome meeting" in page and re.search(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) "
                                                   r"\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d", page)
    assert "Email" in english(client, "/login") and "Forgotten your password?" in english(client, "/login")


def test_the_newcomer_journey_in_english(client, content):
    page = english(client, "/ny-i-kolding")
    assert "1. Where do you live?" in page and "Music and singing" in page
    assert 'data-msg-none="No suggestions."' in page  # the address field macro in _macros/
    client.get("/?lang=en")
    response = client.post("/ny-i-kolding", data={"address": "Almind", "adults": "1", "max_km": "15"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="en">' in page
    assert "Why it suits you" in page and "km away" in page and "km fra dig" not in page
    assert re.search(r"\d\.\d km away", page)  # a decimal point, not the Danish comma


def test_errors_and_form_messages_in_english(client):
    client.get("/?lang=en")
    page = client.get("/findes-ikke").get_data(as_text=True)
    assert "The page does not exist." in page and '<html lang="en">' in page
    page = client.post("/ny-i-kolding", data={"address": ""}).get_data(as_text=True)
    assert "Enter your address, your town or your postcode." in page


def test_the_switch_links_carry_hreflang_and_keep_the_page(client):
    page = client.get("/foreninger?kategori=sport").get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)" hreflang="(da|en)" lang="\2"', page)
    assert [lang for _href, lang in links] == ["da", "en"]
    href = dict((lang, h) for h, lang in links)["en"].replace("&amp;", "&")
    assert href.startswith("/foreninger?") and "kategori=sport" in href and "lang=en" in href
    assert 'aria-current="true">Dansk' in page


def test_the_choice_is_remembered_in_a_cookie(client):
    assert '<html lang="da">' in client.get("/").get_data(as_text=True)
    response = client.get("/?lang=en")
    assert "lang=en" in response.headers["Set-Cookie"] and "Max-Age=" in response.headers["Set-Cookie"]
    page = client.get("/arrangementer").get_data(as_text=True)
    assert '<html lang="en">' in page and 'aria-current="true">English' in page
    client.get("/?lang=da")
    assert '<html lang="da">' in client.get("/arrangementer").get_data(as_text=True)


def test_accept_language_is_the_fallback(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert '<html lang="da">' in client.get("/", headers={"Accept-Language": "de, da;q=0.5"}).get_data(as_text=True)
    client.get("/?lang=da")  # a choice beats the browser's wish
    assert '<html lang="da">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Accept-Language" in client.get("/").headers.get("Vary", "")


def test_the_old_form_post_still_switches(client):
    response = client.post("/sprog", data={"lang": "en", "next": "/foreninger"})
    assert response.status_code == 302 and "lang=en" in response.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/foreninger").get_data(as_text=True)


def api_message(client, **headers) -> str:
    return client.post("/api/v1/match", json={}, headers=headers).get_json()["error"]["message"]


def test_the_api_follows_accept_language_and_the_sites_choice(client):
    assert api_message(client, **{"Accept-Language": "da"}).startswith("Skriv din adresse")
    assert api_message(client, **{"Accept-Language": "en"}).startswith("Enter your address")
    response = client.get("/api/v1/places?lang=en")
    assert "Set-Cookie" not in response.headers  # the API never sets the language
    client.get("/?lang=en")  # the site's own scripts get the language chosen on the site
    assert api_message(client, **{"Accept-Language": "da"}).startswith("Enter your address")


def test_an_unlisted_error_status_is_explained_in_the_ui_language(app):
    from werkzeug.exceptions import ImATeapot

    for query, words in (("", "Forespørgslen kunne ikke gennemføres."),
                         ("?lang=en", "The request could not be completed.")):
        with app.test_request_context("/" + query):
            app.preprocess_request()
            response = app.make_response(app.handle_http_exception(ImATeapot()))
            assert response.status_code == 418 and words in response.get_data(as_text=True)


def test_texts_written_in_danish_are_marked_on_english_pages(client, make_association, make_event):
    """WCAG 3.1.2: the associations' own Danish texts carry lang="da" on English pages only."""
    assoc = make_association(name="Almind Strikkeklub", summary="Vi strikker hver tirsdag.",
                             description="Kom og vær med til kaffe og strik.")
    event = make_event(title="Velkomstaften i Almind", description="Kaffe, kage og en tur rundt i byen.")
    page = english(client, f"/foreninger/{assoc.slug}")
    # the Danish text is marked; the "Only in Danish" note beside it is not (it is English)
    assert '<p class="lead"><span lang="da">Vi strikker hver tirsdag.</span>' in page
    assert re.search(r'<div lang="da">\s*<p>Kom og vær med til kaffe og strik.</p>', page)
    page = english(client, f"/arrangementer/{event.id}")
    assert '<h1><span lang="da">Velkomstaften i Almind</span>' in page
    assert re.search(r'<div lang="da">\s*<p>Kaffe, kage', page)
    assert 'lang="da">Velkomstaften i Almind</a>' in english(client, "/arrangementer")
    danish = client.get(f"/foreninger/{assoc.slug}?lang=da").get_data(as_text=True)
    assert '<html lang="da">' in danish and 'lang="da">Vi strikker' not in danish
