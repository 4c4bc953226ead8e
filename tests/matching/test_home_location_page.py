"""The newcomer's results page says how exactly their home was placed, and lets them correct it (issue 20)."""
from __future__ import annotations

import html
import re

from fællesskab.extensions import db as _db
from fællesskab.geo.addresses import name_key
from fællesskab.geo.models import Address


def _location_note(page: str) -> str:
    """The text of the page's location note, tags stripped."""
    match = re.search(r'<div class="notice [^"]*match-location[^"]*"[^>]*>(.*?)</div>', page, re.S)
    assert match, "no location note on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def _results(client, address: str, lang: str | None = None) -> str:
    url = "/ny-i-kolding" + (f"?lang={lang}" if lang else "")
    response = client.post(url, data={"address": address, "max_km": "15"}, follow_redirects=True)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_an_address_the_gazetteer_lacks_is_said_so_on_the_results_page(client):
    page = _results(client, "Skolegade 5, 6070")
    note = _location_note(page)
    assert "Vi kender ikke Skolegade i 6070 Christiansfeld – vi bruger midten af Christiansfeld." in note
    assert "Præcision: by" in note
    # the person can correct it: a link to the address field of the form on the page, the address kept
    assert re.search(r'<a [^>]*href="#address"[^>]*>Ret adressen</a>', page)
    assert 'id="address" name="address" value="Skolegade 5, 6070"' in page
    assert "Fællesskaber nær Christiansfeld" in page


def test_the_location_note_in_english(client):
    note = _location_note(_results(client, "Hovedgaden 1 Sjølund", lang="en"))
    assert "We don't know Hovedgaden in Sjølund – we use the centre of Sjølund." in note
    assert "Precision: town" in note and "Correct the address" in note


def test_a_street_without_the_house_is_street_precision(client):
    note = _location_note(_results(client, "Skolegade 3, 6000 Kolding"))
    assert "Vi bruger vejen Skolegade, 6000 Kolding – ikke det præcise hus." in note
    assert "Præcision: vej" in note and "Vi kender ikke" not in note


def test_an_official_address_is_address_precision(client, db):
    _db.session.add(Address(street="Skolegade", street_key=name_key("Skolegade"), house_number="3",
                            postcode="6000", postal_district="Kolding", supplementary_town=None,
                            lat=55.49052, lon=9.47031))
    _db.session.commit()
    note = _location_note(_results(client, "Skolegade 3, 6000 Kolding"))
    assert "Vi har fundet jeres adresse: Skolegade 3, 6000 Kolding." in note
    assert "Præcision: adresse" in note


def test_a_town_alone_is_town_precision(client):
    note = _location_note(_results(client, "Vamdrup"))
    assert "Vi bruger midten af Vamdrup." in note and "Præcision: by" in note


def test_a_shared_link_says_its_position_is_approximate(client):
    page = client.get("/ny-i-kolding/resultater?lat=55.358&lon=9.487").get_data(as_text=True)
    note = _location_note(page)
    assert "Vi bruger en omtrentlig position (ca. 100 m) nær Christiansfeld." in note
    assert re.search(r'<a [^>]*href="#address"[^>]*>Skriv jeres adresse</a>', page)
