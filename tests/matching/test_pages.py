"""The newcomer's journey in the browser's terms: form → POST → ranked results, share link, help."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

import sqlalchemy as sa

from fællesskab.extensions import db as _db

FORM = {"address": "Skolegade 3, 6070 Christiansfeld", "adults": "2", "children_ages": "4, 9",
        "interests": ["sport", "music"], "interests_text": "fodbold, kor", "languages": ["en"], "max_km": "15"}


def _results(page: str) -> list[str]:
    """The result links of a results page, in order."""
    listing = page[page.index('class="card-list match-list"'):page.index("</ol>", page.index("match-list"))]
    return re.findall(r'<h3 class="card__title"[^>]*>\s*<span[^>]*>\d+</span>\s*<a href="([^"]+)"', listing)


def _share_link(page: str) -> str:
    return html.unescape(re.search(r'href="(/ny-i-kolding/resultater\?[^"]+)" rel="nofollow"', page).group(1))


def test_the_journey_page_has_an_accessible_form(demo):
    response = demo.get("/ny-i-kolding")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<form class="panel form match-form" method="post" action="/ny-i-kolding"' in page
    for legend in ("1. Hvor bor du?", "2. Hvem er I?", "3. Hvad kunne I tænke jer?", "4. Hvilke sprog taler I?"):
        assert f"<legend>{legend}</legend>" in page
    for field_id in ("address", "match-adults", "match-children", "match-interests-text", "match-max-km"):
        assert f'for="{field_id}"' in page and f'id="{field_id}"' in page
    assert page.count('name="interests" value="') == 15  # a checkbox per category, with its label
    assert 'for="match-interest-sport"' in page and 'Sport og motion' in page
    assert 'name="languages" value="en"' in page
    assert 'href="https://www.boblberg.dk"' in page
    assert "boblberg.dk/" not in page.replace('href="https://www.boblberg.dk"', "")  # a link only, nothing loaded
    assert 'src="/static/js/address-autocomplete.js"' in page  # suggestions, optional: the form works without
    assert "Kommende velkomstarrangementer" in page


def test_the_address_goes_by_post_and_results_come_back(demo):
    response = demo.post("/ny-i-kolding", data=FORM, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    links = _results(page)
    assert len(links) == 10
    assert all(link.startswith(("/foreninger/", "/arrangementer/")) for link in links)
    assert '<ul class="match-reasons">' in page and "km fra dig" in page
    assert "<svg" in page and 'class="geo-map"' in page  # the map
    assert "#tilmelding" in page  # events lead to their sign-up
    # the share link: rounded coordinates and the choices, never the address
    link = _share_link(page)
    args = parse_qs(urlparse(link).query)
    assert set(args) <= {"lat", "lon", "adults", "interests", "children_ages", "languages", "max_km"}
    assert re.fullmatch(r"\d+\.\d{3}", args["lat"][0]) and re.fullmatch(r"\d+\.\d{3}", args["lon"][0])
    assert args["interests"] == ["sport", "music", "fodbold", "kor"]
    assert args["children_ages"] == ["4,9"] and args["languages"] == ["en"]
    assert "Skolegade" not in link
    # the results page gives the coordinator or the e-mail address
    assert "Få hjælp af fællesskabskoordinatoren" in page or "koordinator@example.org" in page
    assert 'href="https://www.boblberg.dk"' in page


def test_the_share_link_gives_the_same_results(demo, app):
    page = demo.post("/ny-i-kolding", data=FORM, follow_redirects=True).get_data(as_text=True)
    shared = app.test_client().get(_share_link(page))  # somebody else opens it
    assert shared.status_code == 200
    shared_page = shared.get_data(as_text=True)
    assert _results(shared_page)[:5] == _results(page)[:5]
    assert "delt link" in shared_page
    assert 'value="Skolegade' not in shared_page  # no address anywhere in the forms


def test_the_contact_form_carries_the_profile_when_the_coordinator_inbox_exists(demo, app):
    page = demo.post("/ny-i-kolding", data=FORM, follow_redirects=True).get_data(as_text=True)
    if "outreach.contact_request" in app.view_functions:
        form = page[page.index('action="/ny-i-kolding/kontakt"'):]
        form = form[:form.index("</form>")]
        assert 'name="address" value="Skolegade 3, 6070 Christiansfeld"' in form
        assert 'name="adults" value="2"' in form and 'name="children_ages" value="4,9"' in form
        assert re.findall(r'name="interests" value="([^"]+)"', form) == ["sport", "music", "fodbold", "kor"]
        assert re.findall(r'name="languages" value="([^"]+)"', form) == ["en"]
        assert 'name="csrf_token"' in form and "Få hjælp af fællesskabskoordinatoren" in form
    else:
        assert "/ny-i-kolding/kontakt" not in page
        assert 'href="mailto:koordinator@example.org"' in page


def test_form_errors_are_shown_next_to_their_fields(demo):
    response = demo.post("/ny-i-kolding", data={"address": "", "adults": "mange", "children_ages": "4, ni"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = page[page.index("error-summary"):page.index("</div>", page.index("error-summary"))]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets == ["address", "match-adults", "match-children"]  # in the form's order
    assert 'aria-describedby="address-hint address-error"' in page and 'id="address-error"' in page
    assert re.search(r'id="match-adults"[^>]*aria-describedby="match-adults-error" aria-invalid="true"', page, re.S)
    assert 'value="4, ni"' in page  # what was typed stays


def test_an_unknown_address_is_explained(demo):
    response = demo.post("/ny-i-kolding", data={"address": "Qwxzv Ukendtvej 99, 9999 Intetsted"})
    assert response.status_code == 400
    assert "Vi kunne ikke finde adressen" in response.get_data(as_text=True)


def test_the_results_page_in_english(demo):
    with demo.session_transaction() as session:
        session["lang"] = "en"
    try:
        page = demo.post("/ny-i-kolding", data=FORM, follow_redirects=True).get_data(as_text=True)
        assert "km away" in page and "km fra dig" not in page
    finally:
        with demo.session_transaction() as session:
            session.pop("lang", None)


def test_a_share_link_without_coordinates_goes_to_the_form(demo):
    response = demo.get("/ny-i-kolding/resultater?interests=kor")
    assert response.status_code == 302 and response.headers["Location"].endswith("/ny-i-kolding")
    response = demo.get("/ny-i-kolding/resultater?lat=abc&lon=9.4")
    assert response.status_code == 400
    response = demo.get("/ny-i-kolding/resultater?lat=12&lon=9.4")
    assert response.status_code == 400


def test_the_share_link_ignores_an_address(demo):
    page = demo.get("/ny-i-kolding/resultater?lat=55.409&lon=9.381&address=Hemmeligvej+7").get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]
    assert "Hemmeligvej" not in main
    assert "Fællesskaber nær Ødis" in main


def test_the_journey_writes_nothing(demo, app):
    def counts():
        with app.app_context():
            return {t.name: _db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                    for t in _db.metadata.sorted_tables}

    before = counts()
    assert demo.post("/ny-i-kolding", data=FORM, follow_redirects=True).status_code == 200
    assert counts() == before


def test_the_search_page_shows_a_map_when_a_place_is_given(demo):
    page = demo.get("/soeg?q=fodbold&near=Vamdrup").get_data(as_text=True)
    assert 'class="geo-map"' in page and "<svg" in page
    assert 'class="geo-map"' not in demo.get("/soeg?q=fodbold").get_data(as_text=True)


def test_the_front_page_and_menu_link_to_the_journey(demo):
    page = demo.get("/").get_data(as_text=True)
    assert 'href="/ny-i-kolding"' in page
