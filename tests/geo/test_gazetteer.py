"""The offline gazetteer on real Kolding street names (seed/places/kolding-streets.csv).

Expected points are the street list's points (OSM, ODbL); a street answer must
land within TOLERANCE_KM of them, an area answer on its place or postcode centroid.
"""
from __future__ import annotations

import pytest

from fællesskab.geo.distance import haversine_km
from fællesskab.geo.geocoder import Gazetteer, get_geocoder
from fællesskab.geo.lookup import locate_text

TOLERANCE_KM = 0.1

# (typed address, precision, postcode, lat, lon): towns, suburbs of Kolding, villages.
ADDRESSES = [
    # towns
    ("Skolegade 3, 6000 Kolding", "street", "6000", 55.49046, 9.47047),
    ("A.D. Burcharths Vej 12, 6000 Kolding", "street", "6000", 55.49333, 9.47998),
    ("Askelunden 4, 6580 Vamdrup", "street", "6580", 55.43236, 9.28200),
    ("Ballegårdsvej 7 6580 Vamdrup", "street", "6580", 55.41385, 9.28464),
    ("10. Februar Vej 5, 6070 Christiansfeld", "street", "6070", 55.35796, 9.48693),
    ("10. Februarvej 5, Christiansfeld", "street", "6070", 55.35796, 9.48693),
    ("arlavej 2, christiansfeld", "street", "6070", 55.35923, 9.49529),
    ("Ahornvænget 8, 6640 Lunderskov", "street", "6640", 55.48366, 9.28177),
    ("Storegade 12, Lunderskov", "street", "6640", 55.47980, 9.29868),
    ("Bjert Kirkealle 3, 6091 Bjert", "street", "6091", 55.45342, 9.56046),
    ("Ågyden 5, Sønder Bjert", "street", "6091", 55.43749, 9.53679),
    # suburbs of Kolding
    ("Agertoften 10, Seest, 6000 Kolding", "street", "6000", 55.49965, 9.44009),
    ("Akacievej 3, 6000 Kolding", "street", "6000", 55.49841, 9.45163),
    ("Ahornalle 2, Bramdrupdam, 6000 Kolding", "street", "6000", 55.52638, 9.46023),
    ("Ambolten 4, 6000 Kolding", "street", "6000", 55.46507, 9.47640),
    ("Almindingen 1, Strandhuse, 6000 Kolding", "street", "6000", 55.50675, 9.49242),
    ("Åbakken 2, 6000 Kolding", "street", "6000", 55.48205, 9.51725),
    ("Ankerhusvej 9, Dalby, 6000 Kolding", "street", "6000", 55.47040, 9.51356),
    ("Askøvænget 3, Drejens, 6000 Kolding", "street", "6000", 55.50792, 9.54606),
    ("Aarøvænget 2, 6000 Kolding", "street", "6000", 55.50869, 9.54207),
    ("Alpedalsvej 30, Harte, 6000 Kolding", "street", "6000", 55.50273, 9.42784),
    ("Eltangvej 10, Lilballe, 6000 Kolding", "street", "6000", 55.54241, 9.48716),
    ("Ejstrupvej 5, 6000 Kolding", "street", "6000", 55.50031, 9.37597),
    ("Busholmvej 2, 6000 Kolding", "street", "6000", 55.53215, 9.42150),
    ("Birkemosevej 1, Eltang, 6000 Kolding", "street", "6000", 55.52592, 9.52226),
    ("Skibdrætvej 4, Gudsø, 6000 Kolding", "street", "6000", 55.53684, 9.56413),
    ("Landerupvej 3, 6000 Kolding", "street", "6000", 55.56847, 9.55203),
    ("Damgårdsvej 4, Sønder Vilstrup, 6000 Kolding", "street", "6000", 55.56192, 9.54899),
    # villages
    ("Almind Stationsvej 2, 6051 Almind", "street", "6051", 55.56425, 9.49239),
    ("Dons Byvej 5, Dons, 6051 Almind", "street", "6051", 55.55774, 9.44221),
    ("Anneksvej 3, 6052 Viuf", "street", "6052", 55.58501, 9.51818),
    ("Brunkær 4, 6064 Jordrup", "street", "6064", 55.53735, 9.31114),
    ("Egholt Byvej 2, Linnet, 6064 Jordrup", "street", "6064", 55.53042, 9.28014),
    ("Bavnehøj 5, Vester Nebel, 6040 Egtved", "street", "6040", 55.56271, 9.41032),
    ("Bakkedraget 28, Vester Nebel, 6040 Egtved", "street", "6040", 55.55713, 9.40663),
    ("Bakkedraget 28, V. Nebel", "street", "6040", 55.55713, 9.40663),
    ("Hejls Landevej 10, 6094 Hejls", "street", "6094", 55.38188, 9.57941),
    ("Banedæmningen 2, Hejlsminde, 6094 Hejls", "street", "6094", 55.37065, 9.58970),
    ("Anslet Bygade 3, 6100 Haderslev", "street", "6100", 55.34520, 9.61094),
    ("Gammelmosevej 6, 6093 Sjølund", "street", "6093", 55.40627, 9.53306),
    ("Dalsgårds Allé 4, Grønninghoved, 6093 Sjølund", "street", "6093", 55.41407, 9.59349),
    ("Fæstevej 2, 6092 Sønder Stenderup", "street", "6092", 55.46529, 9.61398),
    ("Favnepladsvej 5, Gammel Ålbo, 6092 Sønder Stenderup", "street", "6092", 55.44607, 9.66936),
    ("Borgmestervænget 3, Ødis, 6580 Vamdrup", "street", "6580", 55.41003, 9.37596),
    ("Drenderupvej 2, Ødis Bramdrup, 6580 Vamdrup", "street", "6580", 55.39944, 9.35381),
    ("Aller Møllevej 4, Aller, 6070 Christiansfeld", "street", "6070", 55.34856, 9.51907),
    ("Lindetoften 3, Taps, 6070 Christiansfeld", "street", "6070", 55.39428, 9.47868),
    ("Jomfrugang 2, Stepping, 6070 Christiansfeld", "street", "6070", 55.35589, 9.35924),
    ("Frørupvej 12, 6070 Christiansfeld", "street", "6070", 55.37799, 9.39751),
    ("Bjerndrup Bygade 4, 6070 Christiansfeld", "street", "6070", 55.32712, 9.37479),
    ("Danægvej 2, Tyrstrup, 6070 Christiansfeld", "street", "6070", 55.36264, 9.48720),
    ("Anderup Skovvej 2, 6070 Christiansfeld", "street", "6070", 55.34138, 9.39097),
    ("Kongevej 10, 6070 Christiansfeld", "street", "6070", 55.37026, 9.48784),
    ("Kobbelvej 3, 6070 Christiansfeld", "street", "6070", 55.39099, 9.44388),
    ("Bastrup Skolevej 1, Bastrup, 6580 Vamdrup", "street", "6580", 55.41371, 9.26596),
    ("Bønstrupvej 8, Hjarup, 6580 Vamdrup", "street", "6580", 55.44068, 9.31725),
    ("Hovvej 5, 6580 Vamdrup", "street", "6580", 55.41766, 9.45344),
    ("Fovsletvej 10, 6580 Vamdrup", "street", "6580", 55.42625, 9.45079),
    ("Dakavej 2, Skanderup, 6640 Lunderskov", "street", "6640", 55.47340, 9.31473),
    ("Lejrskov Kirkevej 3, Lejrskov, 6640 Lunderskov", "street", "6640", 55.51407, 9.32568),
    ("Dollerup Høj 2, 6640 Lunderskov", "street", "6640", 55.47052, 9.29136),
    ("Binderup Strandvej 10, 6091 Bjert", "street", "6091", 55.42569, 9.57496),
    ("Abildgården 3, Agtrup, 6091 Bjert", "street", "6091", 55.45913, 9.56141),
    ("Stavnsbjergvej 1, 6094 Hejls", "street", "6094", 55.37703, 9.57172),
    ("Fynslundvej 7, 6064 Jordrup", "street", "6064", 55.52691, 9.34837),
    # every abbreviation form, both ways
    ("Sdr. Kongevej 12A, 1. th., 6000 Kolding", "street", "6000", 55.47764, 9.47746),
    ("Sønder Kongevej 12A, 6000 Kolding", "street", "6000", 55.47764, 9.47746),
    ("Sønder Vilstrupvej 3, 6000 Kolding", "street", "6000", 55.54562, 9.56650),  # both spellings exist:
    ("Sdr. Vilstrupvej 3, 6000 Kolding", "street", "6000", 55.55076, 9.56441),    # the one typed wins
    ("Nr. Stenderupvej 4, 6051 Almind", "street", "6051", 55.54703, 9.50438),
    ("Nørre Stenderupvej 4, 6051 Almind", "street", "6051", 55.54703, 9.50438),
    ("Nørre Stenderupvej 4, 6000 Kolding", "street", "6000", 55.54798, 9.52042),
    ("Nr. Bjertvej 2, 6000 Kolding", "street", "6000", 55.52562, 9.54863),
    ("Nørre Bjertvej 2, 6000 Kolding", "street", "6000", 55.52022, 9.54130),
    ("St. Strandhave 2, 6093 Sjølund", "street", "6093", 55.41293, 9.59416),
    ("Store Strandhave 2, 6093 Sjølund", "street", "6093", 55.41293, 9.59416),
    ("St. Torv 1, 6000 Kolding", "street", "6000", 55.51406, 9.45854),
    ("Gl. Kongevej 5, 6000 Kolding", "street", "6000", 55.49949, 9.49331),
    ("Gl. Kongevej 5, 6070 Christiansfeld", "street", "6070", 55.35319, 9.48564),
    ("Gammel Tved 3, 6000 Kolding", "street", "6000", 55.48077, 9.50898),
    ("Gl. Drejensvej 4 6000 Kolding", "street", "6000", 55.51173, 9.53515),
    ("Gl. Ålbovej 3, 6092 Sønder Stenderup", "street", "6092", 55.46922, 9.66599),
    ("Gammel Ålbovej 3, 6092 Sønder Stenderup", "street", "6092", 55.46279, 9.66722),
    ("Ndr. Ringvej 2, 6000 Kolding", "street", "6000", 55.49620, 9.47564),
    ("Ndr. Havnevej 2, 6000 Kolding", "street", "6000", 55.49544, 9.49322),
    ("V. Ringgade 3, 6000 Kolding", "street", "6000", 55.49022, 9.46630),
    ("Vester Ringgade 3, 6000 Kolding", "street", "6000", 55.49022, 9.46630),
    ("Ø. Alle 2, 6640 Lunderskov", "street", "6640", 55.48246, 9.31333),
    ("Øster Allé 4, 6000 Kolding", "street", "6000", 55.50397, 9.53297),
    # case, spaces, punctuation, aa = å
    ("  SKOLEGADE   3 ,6000   KOLDING ", "street", "6000", 55.49046, 9.47047),
    ("skolegade 3 kolding", "street", "6000", 55.49046, 9.47047),
    ("Aabakken 2, Kolding", "street", "6000", 55.48205, 9.51725),
    ("Dalsgaards Alle 4, 6093 Sjølund", "street", "6093", 55.41407, 9.59349),
    # areas
    ("6070 Christiansfeld", "locality", "6070", 55.3582, 9.4870),
    ("Christiansfeld", "locality", "6070", 55.3582, 9.4870),
    ("Sdr. Bjert", "locality", "6091", 55.4527, 9.5674),
    ("Gl. Ålbo", "locality", "6092", 55.4672, 9.6787),
    ("V. Nebel", "locality", "6040", 55.5677, 9.4011),
    ("Kolding 6000", "locality", "6000", 55.4904, 9.4722),
    ("6051", "postcode", "6051", 55.5603, 9.4812),
    ("Bjert", "postcode", "6091", 55.4545, 9.5640),
]


def test_enough_addresses_across_the_municipality():
    streets = [a for a in ADDRESSES if a[1] == "street"]
    assert len(streets) >= 60
    assert len({a[2] for a in streets}) >= 13  # every postcode with streets but the marginal 6560/6600


@pytest.mark.parametrize("query, precision, postcode, lat, lon", ADDRESSES, ids=[a[0].strip() for a in ADDRESSES])
def test_address(db, query, precision, postcode, lat, lon):
    location = Gazetteer().geocode(query)
    assert location is not None, query
    assert location.raw["precision"] == precision
    assert location.raw["postcode"] == postcode
    assert haversine_km(location.latitude, location.longitude, lat, lon) < TOLERANCE_KM
    assert location.raw["source"] == "gazetteer"


def test_the_answer_is_a_geopy_location(db):
    from geopy.location import Location

    location = Gazetteer().geocode("Skolegade 3, 6000 Kolding")
    assert isinstance(location, Location)
    assert location.address == "Skolegade, 6000 Kolding"
    assert location.point.latitude == pytest.approx(55.49046)
    assert Gazetteer().geocode("Skolegade 3, 6000 Kolding", exactly_one=False)[0].address == location.address


def test_a_street_in_several_postcodes_without_one_is_the_most_likely_and_says_so(db):
    location = Gazetteer().geocode("Jernbanegade 5")
    assert location.raw["postcode"] == "6000"
    assert location.raw["ambiguous"] is True
    assert set(location.raw["alternatives"]) == {
        "Jernbanegade, 6580 Vamdrup", "Jernbanegade, 6070 Christiansfeld", "Jernbanegade, 6640 Lunderskov"}
    assert location.raw["alternatives"][0] == "Jernbanegade, 6580 Vamdrup"  # next most likely town


@pytest.mark.parametrize("query, postcode", [
    ("Jernbanegade 5, 6580 Vamdrup", "6580"), ("Jernbanegade 5, Vamdrup", "6580"),
    ("Jernbanegade 5 Christiansfeld", "6070"), ("Jernbanegade 5, 6640", "6640"),
    ("Bakkedraget 28, Egtved", "6040"), ("Bakkedraget 28, Strandhuse", "6000"),
])
def test_a_street_in_several_postcodes_is_settled_by_postcode_or_town(db, query, postcode):
    location = Gazetteer().geocode(query)
    assert location.raw["postcode"] == postcode
    assert location.raw["ambiguous"] is False
    assert location.raw["precision"] == "street"


def test_unknown_street_with_a_known_postcode_is_the_postal_towns_middle(db):
    """Issue 20: the town people live in, not the centroid of the postcode's fields."""
    location = Gazetteer().geocode("Ukendtvej 7, 6640")
    assert location.raw["precision"] == "locality"
    assert location.raw["label"] == "Lunderskov"
    assert location.raw["note"] == "street_not_found"


def test_unknown_street_in_a_postcode_without_a_town_of_its_name_is_postcode_precision(db):
    location = Gazetteer().geocode("Ukendtvej 7, 6560")  # Sommersted lies outside the municipality
    assert location.raw["precision"] == "postcode"
    assert location.raw["label"] == "6560 Sommersted"
    assert location.raw["note"] == "street_not_found"


def test_unknown_street_with_a_village_name_is_that_village(db):
    location = Gazetteer().geocode("Ukendtvej 7, Vester Nebel, 6040 Egtved")
    assert location.raw["precision"] == "locality"
    assert location.raw["label"] == "Vester Nebel"


def test_contract_example(db):
    location = Gazetteer().geocode("Skolegade 3, 6070 Christiansfeld")
    assert (location.raw["precision"], location.raw["label"]) == ("locality", "Christiansfeld")


def test_a_misspelt_street_is_guessed_and_the_answer_says_so(db):
    location = Gazetteer().geocode("Skolegde 3, 6000 Kolding")
    assert location.raw["label"] == "Skolegade, 6000 Kolding"
    assert location.raw["note"] == "street_guessed"


@pytest.mark.parametrize("query", [
    "Atlantis", "Ukendtvej 3", "Skolegade 3, 8000 Aarhus", "Vesterbrogade 1, 1620 København V", "", "   ",
    "<script>", "12345678",
])
def test_nothing_found(db, query):
    assert Gazetteer().geocode(query) is None


def test_structured_query(db):
    location = Gazetteer().geocode({"street": "Skolegade 3", "postalcode": "6000", "city": "Kolding"})
    assert location.raw["precision"] == "street"


def test_reverse_finds_the_nearest_street_or_place(db):
    assert Gazetteer().reverse((55.49046, 9.47047)).raw["label"] == "Skolegade, 6000 Kolding"
    assert Gazetteer().reverse("55.6761, 12.5683") is None  # Copenhagen: nothing of ours near


def test_gazetteer_makes_no_requests():
    from geopy.exc import GeocoderServiceError

    from fællesskab.geo.geocoder import OfflineAdapter

    with pytest.raises(GeocoderServiceError):
        OfflineAdapter(proxies=None, ssl_context=None).get_json("http://example.org", timeout=1, headers={})


def test_locate_text_uses_the_configured_geocoder(db, app, monkeypatch):
    monkeypatch.setitem(app.config, "GEOCODER", "gazetteer")
    assert isinstance(get_geocoder(), Gazetteer)
    hit = locate_text("Sdr. Kongevej 12A, 1. th., 6000 Kolding")
    assert (hit.precision, hit.label, hit.postcode) == ("street", "Sdr. Kongevej, 6000 Kolding", "6000")
    assert hit.place_id is not None
    assert locate_text("") is None
    assert locate_text("x" * 400) is None


def test_an_unknown_geocoder_name_falls_back_to_the_gazetteer(db, app, monkeypatch):
    monkeypatch.setitem(app.config, "GEOCODER", "paid-service")
    assert isinstance(get_geocoder(), Gazetteer)
