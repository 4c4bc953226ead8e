"""GET/POST /api/v1/geocode and /api/v1/geocode/autocomplete."""
from __future__ import annotations

import pytest


def test_geocode_answers_per_contract(client):
    response = client.get("/api/v1/geocode", query_string={"q": "Sdr. Kongevej 12A, 1. th., 6000 Kolding"})
    assert response.status_code == 200
    body = response.get_json()
    assert {"lat", "lon", "precision", "label", "postcode"} <= set(body)
    assert body["precision"] == "street"
    assert body["label"] == "Sdr. Kongevej, 6000 Kolding"
    assert body["postcode"] == "6000"
    assert (body["lat"], body["lon"]) == (pytest.approx(55.47764), pytest.approx(9.47746))
    assert body["source"] == "gazetteer"
    assert body["note"] is None and body["ambiguous"] is False
    assert body["place"]["slug"]


@pytest.mark.parametrize("q, precision, label, postcode", [
    ("6070 Christiansfeld", "locality", "Christiansfeld", "6070"),
    ("6051", "postcode", "6051 Almind", "6051"),
    ("Vester Nebel", "locality", "Vester Nebel", "6040"),
    ("Bakkedraget 28, Vester Nebel, 6040 Egtved", "street", "Bakkedraget, 6040 Egtved", "6040"),
])
def test_geocode_precisions(client, q, precision, label, postcode):
    body = client.get("/api/v1/geocode", query_string={"q": q}).get_json()
    assert (body["precision"], body["label"], body["postcode"]) == (precision, label, postcode)


def test_ambiguous_street_says_so_in_danish(client):
    body = client.get("/api/v1/geocode", query_string={"q": "Jernbanegade 5"}).get_json()
    assert body["ambiguous"] is True
    assert len(body["alternatives"]) == 3
    assert "flere postnumre" in body["note"]


def test_geocode_by_post_keeps_the_address_out_of_the_url(client):
    for response in (client.post("/api/v1/geocode", json={"q": "Skolegade 3, 6000 Kolding"}),
                     client.post("/api/v1/geocode", data={"q": "Skolegade 3, 6000 Kolding"})):
        assert response.status_code == 200
        assert response.get_json()["label"] == "Skolegade, 6000 Kolding"


def test_not_found_is_404_json(client):
    response = client.get("/api/v1/geocode", query_string={"q": "Vesterbrogade 1, 1620 København V"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert response.get_json()["error"]["message"]


@pytest.mark.parametrize("q", [None, "", "   ", "x" * 301, "<script>alert(1)</script>", "https://example.org",
                               "a@b.dk", "12345678", "!!!", "{}"])
def test_bad_input_is_400_json(client, q):
    response = client.get("/api/v1/geocode", query_string={} if q is None else {"q": q})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and error["field"] == "q"


def test_non_text_json_is_400(client):
    assert client.post("/api/v1/geocode", json={"q": 6000}).status_code == 400
    assert client.post("/api/v1/geocode", json=["Kolding"]).status_code == 400


@pytest.mark.parametrize("q", [
    "Skolegade 3, 6000 Kolding, " + "Ø" * 250, "' OR 1=1 --", "Kolding\u202e", "🏠 Skolegade 3", "%00 Kolding",
    "Skolegade " + "9" * 40, ", , , 6000", "6000 6000 6000 6000", "DK-0000", "Sankt Hans Gade 1", "aa" * 150,
    "..Kolding..", "Skolegade 3, 6000 Kolding" * 12, "Skolegade -3", "Ǆ", "Kolding" + "\u0301" * 20,
])
def test_odd_input_never_gives_5xx(client, q):
    response = client.get("/api/v1/geocode", query_string={"q": q})
    assert response.status_code in (200, 400, 404), (q, response.status_code)
    assert "error" in response.get_json() or "lat" in response.get_json()


def test_autocomplete_streets_and_places_by_prefix(client):
    response = client.get("/api/v1/geocode/autocomplete", query_string={"q": "sdr"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    labels = [r["label"] for r in response.get_json()["results"]]
    assert labels[0] == "Sønder Bjert"  # places first
    assert "Sdr. Kongevej, 6000 Kolding" in labels


def test_autocomplete_by_post_with_limit(client):
    response = client.post("/api/v1/geocode/autocomplete", json={"q": "Jernbanegade", "limit": 3})
    results = response.get_json()["results"]
    assert [r["label"] for r in results] == [
        "Jernbanegade, 6000 Kolding", "Jernbanegade, 6580 Vamdrup", "Jernbanegade, 6070 Christiansfeld"]
    first = results[0]
    assert first["kind"] == "street" and first["value"] == "Jernbanegade, 6000 Kolding"
    assert first["caret"] == len("Jernbanegade")  # the cursor goes where the house number is typed


def test_autocomplete_scoped_by_town_and_house_number(client):
    results = client.post("/api/v1/geocode/autocomplete", json={"q": "Jernbanegade, Vamdrup"}).get_json()["results"]
    assert [r["label"] for r in results] == ["Jernbanegade, 6580 Vamdrup"]
    results = client.post("/api/v1/geocode/autocomplete", json={"q": "Jernbanegade 4, 6640"}).get_json()["results"]
    assert [r["label"] for r in results] == ["Jernbanegade 4, 6640 Lunderskov"]


@pytest.mark.parametrize("q, first", [
    ("60", "6000 Kolding"), ("kold", "Kolding"), ("Gammel Ål", "Gammel Ålbo"), ("aabak", "Aabakken, 6000 Kolding"),
    ("vilstrup", "Sønder Vilstrup"), ("10. februar", "10. Februar Vej, 6070 Christiansfeld"),
])
def test_autocomplete_first_suggestion(client, q, first):
    results = client.get("/api/v1/geocode/autocomplete", query_string={"q": q}).get_json()["results"]
    assert results and results[0]["label"] == first


@pytest.mark.parametrize("q", ["", "k", "<script>", "Zzzzzz"])
def test_autocomplete_with_nothing_to_suggest_is_empty(client, q):
    response = client.get("/api/v1/geocode/autocomplete", query_string={"q": q})
    assert response.status_code == 200 and response.get_json()["results"] == []


@pytest.mark.parametrize("params", [{"q": "x" * 301}, {"q": "kold", "limit": "0"}, {"q": "kold", "limit": "21"},
                                    {"q": "kold", "limit": "mange"}])
def test_autocomplete_bad_parameters_are_400(client, params):
    assert client.get("/api/v1/geocode/autocomplete", query_string=params).status_code == 400


def test_geocode_names_the_place_and_the_village_forum(client, make_forum):
    make_forum(slug="almind-borgerforening", name="Almind Borgerforening", places=["Almind"])
    body = client.get("/api/v1/geocode", query_string={"q": "Almind Stationsvej 2, 6051 Almind"}).get_json()
    assert body["place"] == {"name": "Almind", "slug": "almind", "url": "/steder/almind"}
    assert body["forum"] == {"slug": "almind-borgerforening", "name": "Almind Borgerforening", "place": "Almind"}
    body = client.get("/api/v1/geocode", query_string={"q": "Skolegade 3, 6000 Kolding"}).get_json()
    assert body["forum"] is None
