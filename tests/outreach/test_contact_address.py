"""The contact form's address (issue 21, item 5): the newcomer form's suggestions, and an address
that cannot be placed is said so before anything is stored; the person can still send it."""
from __future__ import annotations

import re

import sqlalchemy as sa

from fællesskab.outreach.models import Newcomer

SELF = "/kontakt-mig"
UNKNOWN = "Qwxzv Ukendtvej 99, Intetsted"
BASE = {"step": "send", "name": "Amal Haddad", "email": "amal@example.org", "preferred_language": "da",
        "consent_contact": "y"}


def newcomers(db) -> list[Newcomer]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Newcomer)))


def test_the_contact_form_has_the_newcomer_forms_address_suggestions(client, db):
    for page in (client.get(SELF).get_data(as_text=True),
                 client.post("/ny-i-kolding/kontakt", data={"address": "Skolegade 3, 6000 Kolding"}).get_data(
                     as_text=True)):
        field = re.search(r'<div class="field address-field[^"]*" data-address-field[^>]*>', page)
        assert field and 'data-url="/api/v1/geocode/autocomplete"' in field.group(0)
        assert 'src="/static/js/address-autocomplete.js"' in page
        assert re.search(r'<input type="text" id="address" name="address"', page)
    assert 'value="Skolegade 3, 6000 Kolding"' in page  # the journey's address is kept


def test_an_address_that_cannot_be_placed_is_said_so_and_nothing_is_stored_yet(client, db):
    response = client.post(SELF, data={**BASE, "address": UNKNOWN, "submission_key": "u1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"Vi kunne ikke finde denne adresse i Kolding Kommune: {UNKNOWN}." in page
    assert "tryk på Send igen" in page
    assert f'name="unplaced_address" value="{UNKNOWN}"' in page
    assert re.search(r'id="address"[^>]*aria-describedby="[^"]*address-notice', page)
    assert f'value="{UNKNOWN}"' in page  # what was typed stays
    assert newcomers(db) == []


def test_sent_again_the_unplaced_address_is_stored_as_typed(client, db):
    first = client.post(SELF, data={**BASE, "address": UNKNOWN, "submission_key": "u2"}).get_data(as_text=True)
    again = {**BASE, "address": UNKNOWN, "submission_key": "u2",
             "unplaced_address": re.search(r'name="unplaced_address" value="([^"]*)"', first).group(1),
             "started": re.search(r'name="started"[^>]*value="([^"]*)"', first).group(1)}
    response = client.post(SELF, data=again)
    assert response.status_code == 302 and response.headers["Location"] == "/kontakt-mig/tak"
    [n] = newcomers(db)
    assert n.address == UNKNOWN and n.lat is None and n.place_id is None


def test_a_corrected_address_is_checked_again(client, db):
    client.post(SELF, data={**BASE, "address": UNKNOWN, "submission_key": "u3"})
    other = "Zyxw Intetvej 3, Ingensted"
    response = client.post(SELF, data={**BASE, "address": other, "unplaced_address": UNKNOWN,
                                       "submission_key": "u3"})
    assert response.status_code == 200 and f"Kolding Kommune: {other}." in response.get_data(as_text=True)
    response = client.post(SELF, data={**BASE, "address": "Ahornvej 22, 6580 Vamdrup", "unplaced_address": other,
                                       "submission_key": "u3"})
    assert response.status_code == 302
    [n] = newcomers(db)
    assert n.lat is not None and n.place.name == "Vamdrup"


def test_a_street_placed_in_the_town_typed_goes_through_at_once(client, db):
    response = client.post(SELF, data={**BASE, "address": "Skolegade 5, 6070", "submission_key": "u4"})
    assert response.status_code == 302
    [n] = newcomers(db)
    assert n.place.name == "Christiansfeld" and n.location_precision == "locality"


def test_the_unplaced_address_message_in_english(client, db):
    response = client.post(SELF + "?lang=en", data={**BASE, "address": UNKNOWN, "preferred_language": "en"})
    page = response.get_data(as_text=True)
    assert f"We could not find this address in Kolding Municipality: {UNKNOWN}." in page
    assert "press Send again" in page
    assert newcomers(db) == []
