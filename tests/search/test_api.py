"""GET /api/v1/search: the CONTRACT.md shape, validation, and no 5xx for any input.

What the engines find (filters, paging, facets) is the port's contract: test_contract.py.
"""
from __future__ import annotations

import pytest


@pytest.fixture
def listings(make_association, make_event):
    """A few associations and events around the municipality."""
    made = {
        "vamdrup": make_association(name="Vamdrup Fodboldklub", tags="fodbold;pigefodbold", town="Vamdrup",
                                    target_groups="children;teens", age_min="6", age_max="14"),
        "kolding": make_association(name="Kolding Fodboldklub", tags="fodbold", town="Kolding",
                                    category="sport", languages="da;en", welcomes_newcomers="false"),
        "choir": make_association(name="Christiansfeld Kor", tags="kor;sang", town="Christiansfeld",
                                  category="music", target_groups="adults"),
        "event": make_event(title="Fodboldens dag i Almind", town="Almind", kind="activity"),
    }
    return made


def get(client, **params):
    return client.get("/api/v1/search", query_string=params)


def test_contract_shape(client, listings):
    body = get(client, q="fodbold").get_json()
    assert set(body) == {"total", "page", "per_page", "results", "facets", "suggestion"}
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 20
    first = body["results"][0]
    assert {"type", "id", "external_id", "name", "summary", "category", "place", "score", "url"} <= set(first)
    assert "distance_km" not in first and "location" not in body
    assert 0 < first["score"] <= 1
    by_type = {r["type"]: r for r in body["results"]}
    assert by_type["association"]["url"].startswith("/foreninger/")
    event = by_type["event"]
    assert event["url"] == f"/arrangementer/{listings['event'].id}" and event["kind"] == "activity"
    assert event["starts_at"].startswith(str(listings["event"].starts_at.year))
    assert body["facets"]["category"] == {"sport": 2, "local-community": 1}
    assert body["facets"]["type"] == {"association": 2, "event": 1}
    assert body["suggestion"] is None
    assert get(client, per_page="100").get_json()["per_page"] == 100


def test_location_adds_distance_and_radius_filters(client, listings):
    body = get(client, q="fodbold", near="Vamdrup").get_json()
    assert body["location"]["label"] == "Vamdrup" and body["location"]["precision"] == "locality"
    assert all(isinstance(r["distance_km"], float) for r in body["results"])
    assert body["results"][0]["name"] == "Vamdrup Fodboldklub"  # nearest first among the good matches
    near = get(client, q="fodbold", lat="55.4276", lon="9.2843", radius_km="5").get_json()
    assert [r["name"] for r in near["results"]] == ["Vamdrup Fodboldklub"]
    assert near["location"]["precision"] == "coordinates"
    by_distance = get(client, q="fodbold", near="6000", sort="distance").get_json()
    distances = [r["distance_km"] for r in by_distance["results"]]
    assert distances == sorted(distances) and by_distance["results"][0]["name"] == "Kolding Fodboldklub"


@pytest.mark.parametrize("params,field", [
    ({"per_page": "1000"}, "per_page"), ({"per_page": "0"}, "per_page"), ({"per_page": "x"}, "per_page"),
    ({"page": "abc"}, "page"), ({"page": "0"}, "page"), ({"page": "100001"}, "page"),
])
def test_pagination_beyond_the_caps_is_a_clear_400(client, params, field):
    response = get(client, **params)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and error["field"] == field and "1" in error["message"]
    events = client.get("/api/v1/events", query_string=params)
    assert events.status_code == 400 and events.get_json()["error"]["field"] == field


def test_query_of_more_than_200_characters_is_refused(client):
    ok = get(client, q="fodbold " * 24 + "kor")  # 195 characters
    assert ok.status_code == 200
    response = get(client, q="x" * 201)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and error["field"] == "q" and "200" in error["message"]


@pytest.mark.parametrize("params,field", [
    ({"category": "football"}, "category"), ({"target_group": "aliens"}, "target_group"),
    ({"type": "club"}, "type"), ({"lat": "55.4"}, "lon"), ({"lat": "north", "lon": "9.4"}, "lat"),
    ({"lat": "95", "lon": "9"}, "lat"), ({"radius_km": "-2", "lat": "55.4", "lon": "9.4"}, "radius_km"),
    ({"age": "-1"}, "age"), ({"age": "ti"}, "age"), ({"sort": "random"}, "sort"),
    ({"newcomers": "maybe"}, "newcomers"), ({"language": "dansk"}, "language"),
    ({"near": "Atlantis"}, "near"), ({"near": "x" * 201}, "near"),
])
def test_bad_parameters_are_400_with_the_field(client, params, field):
    response = get(client, **params)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == field and error["message"]


NASTY = [
    "", " ", "*", "?", "~2", "^3", ":", "\\", "\"", "\"\"", "'", "%", "_", "AND", "OR NOT", "NOT kor",
    "kor AND", "((((", "))))", "[a TO z]", "{a TO z}", "name:kor", "kor^10", "fodbold~", "/regex/",
    "'; DROP TABLE associations; --", "<script>alert(1)</script>", "&amp;", "\x00", "\x1f\x7f", "\u200b",
    "🙂⚽🎶", "نادي كرة القدم", "Футбол", "ÆØÅ æøå", "aaaa" * 50, "a" * 200, "é" * 199,
    "ƒ" * 200, "1 2 3 4 5 6 7 8 9 0", "6000", "-" * 200, "kor " * 50,
]


@pytest.mark.parametrize("q", NASTY, ids=[f"nasty{i}" for i in range(len(NASTY))])
def test_no_input_gives_a_server_error(client, listings, q):
    response = get(client, q=q)
    if "\x00" in q:  # refused before any query: PostgreSQL cannot hold a NUL
        assert response.status_code == 400, response.get_data(as_text=True)
        assert response.get_json()["error"]["message"]
        return
    assert response.status_code == 200, response.get_data(as_text=True)
    assert isinstance(response.get_json()["results"], list)


@pytest.mark.parametrize("params", [
    {"page": "99999999999999"}, {"per_page": "-5"}, {"lat": "1e400", "lon": "9"}, {"lat": "nan", "lon": "nan"},
    {"radius_km": "1e9"}, {"near": "🙂"}, {"near": "\x00"}, {"place": "x" * 500}, {"category": ","},
    {"q": "kor", "near": "Vamdrup", "radius_km": "0.001"}, {"age": "120", "language": "zz"},
])
def test_odd_parameters_never_give_a_server_error(client, listings, params):
    assert get(client, **params).status_code < 500
