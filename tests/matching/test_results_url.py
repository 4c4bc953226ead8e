"""After the newcomer form: 303 to the results' own URL (issue 21, item 2), so Back, reload,
a bookmark and the language switch keep the results; the street address never enters a URL."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from .test_pages import FORM, _results


def test_the_form_answers_with_a_303_to_the_results_url(demo):
    response = demo.post("/ny-i-kolding", data=FORM)
    assert response.status_code == 303
    location = response.headers["Location"]
    parts = urlparse(location)
    assert parts.path == "/ny-i-kolding/resultater"
    args = parse_qs(parts.query)
    assert set(args) <= {"lat", "lon", "adults", "interests", "children_ages", "languages", "max_km"}
    assert re.fullmatch(r"\d+\.\d{3}", args["lat"][0]) and re.fullmatch(r"\d+\.\d{3}", args["lon"][0])
    assert args["adults"] == ["2"] and args["interests"] == ["sport", "music", "fodbold", "kor"]
    assert "Skolegade" not in location and "6070" not in location


def test_the_results_url_shows_the_persons_own_results(demo):
    location = demo.post("/ny-i-kolding", data=FORM).headers["Location"]
    response = demo.get(location)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert len(_results(page)) == 10
    assert "delt link" not in page  # it is the person's own answer, not somebody's shared link
    # The address is remembered for the person's own next steps (the contact form), not in the URL.
    form = page[page.index('action="/ny-i-kolding/kontakt"'):]
    assert 'name="address" value="Skolegade 3, 6070 Christiansfeld"' in form[:form.index("</form>")]
    assert 'name="adults" value="2"' in form


def test_the_language_switch_keeps_the_results(demo):
    location = demo.post("/ny-i-kolding", data=FORM).headers["Location"]
    danish = demo.get(location).get_data(as_text=True)
    switch = re.search(r'<a href="([^"]+)" hreflang="en"', danish).group(1).replace("&amp;", "&")
    assert switch.startswith("/ny-i-kolding/resultater?")
    english = demo.get(switch).get_data(as_text=True)
    demo.get("/?lang=da")
    assert '<html lang="en">' in english and "km away" in english
    assert _results(english) == _results(danish)


def test_someone_else_opening_the_url_gets_no_address(demo, app):
    location = demo.post("/ny-i-kolding", data=FORM).headers["Location"]
    page = app.test_client().get(location).get_data(as_text=True)
    assert len(_results(page)) == 10 and "delt link" in page
    assert 'value="Skolegade' not in page
