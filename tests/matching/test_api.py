"""POST /api/v1/match (CONTRACT.md): the answer's shape, both languages, and 400s for bad input."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fællesskab.extensions import db as _db
from tests.helpers import ids, post_match

BODY = {"address": "Skolegade 3, 6070 Christiansfeld", "interests": ["fodbold", "kor"],
        "children_ages": [4, 9], "adults": 2, "languages": ["en"], "max_km": 15, "limit": 10}


def test_contract_shape(demo):
    result = post_match(demo, BODY)
    assert set(result) == {"location", "results", "others"}
    assert {"lat", "lon", "precision", "label"} <= set(result["location"])
    assert result["location"]["label"].endswith("Christiansfeld")
    assert 1 <= len(result["results"]) <= 10
    for item in result["results"]:
        assert {"type", "id", "external_id", "name", "score", "distance_km", "reasons"} <= set(item)
        assert item["type"] in ("association", "event")
        assert isinstance(item["score"], float) and 0 <= item["score"] <= 1
        assert item["distance_km"] <= 15
        assert all(isinstance(r, str) and r for r in item["reasons"])
        assert item["url"].startswith("/foreninger/" if item["type"] == "association" else "/arrangementer/")
    scores = [item["score"] for item in result["results"]]
    assert scores == sorted(scores, reverse=True) or len(set(ids(result))) == len(scores)
    types = {item["type"] for item in result["results"]}
    assert types == {"association", "event"}  # a mix


def test_only_the_address_is_needed(demo):
    result = post_match(demo, {"address": "Vamdrup"})
    assert len(result["results"]) == 10


def test_lat_lon_instead_of_an_address(demo):
    result = post_match(demo, {"lat": 55.4087, "lon": 9.3814})
    assert result["location"]["precision"] == "coordinates"
    assert result["location"]["label"] == "Ødis"
    assert ids(result, 1) == ["E-011"]


def test_reasons_follow_accept_language(demo):
    danish = post_match(demo, BODY)
    english = post_match(demo, BODY, lang="en")
    assert ids(danish) == ids(english)
    assert all(item["reasons"][0].endswith("km fra dig") for item in danish["results"])
    assert all(item["reasons"][0].endswith("km away") for item in english["results"])
    joined = " ".join(r for item in english["results"] for r in item["reasons"])
    assert "English spoken" in joined and "taler" not in joined
    events = [item for item in english["results"] if item["type"] == "event"]
    assert events and any(" at " in r for item in events for r in item["reasons"])
    # Danish when the header asks for something else, and an explicit ?lang=en wins
    assert post_match(demo, BODY, lang="de")["results"][0]["reasons"][0].endswith("km fra dig")
    response = demo.post("/api/v1/match?lang=en", json=BODY)
    assert response.get_json()["results"][0]["reasons"][0].endswith("km away")


def test_events_are_upcoming_within_60_days(demo):
    result = post_match(demo, {"address": "Kolding", "max_km": 50, "limit": 50})
    now = datetime.now(UTC)
    events = [item for item in result["results"] if item["type"] == "event"]
    assert events
    for item in events:
        starts = datetime.fromisoformat(item["starts_at"])
        assert now - timedelta(minutes=1) <= starts <= now + timedelta(days=60)


def test_nothing_is_stored_and_nothing_is_cached(demo, app):
    def counts():
        with app.app_context():
            tables = [t for t in _db.metadata.sorted_tables]
            return {t.name: _db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in tables}

    before = counts()
    response = demo.post("/api/v1/match", json=BODY)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert counts() == before


BAD = [
    ("not a JSON object", b"[1, 2]", "body"),
    ("invalid JSON", b"{\"address\": ", "body"),
    ("no location", {"interests": ["kor"]}, "address"),
    ("address of the wrong type", {"address": 12}, "address"),
    ("address too long", {"address": "x" * 301}, "address"),
    ("lat without lon", {"lat": 55.4}, "lon"),
    ("lat outside Denmark", {"lat": 12.0, "lon": 9.4}, "lat"),
    ("lat as text", {"lat": "55.4", "lon": 9.4}, "lat"),
    ("lat as a boolean", {"lat": True, "lon": 9.4}, "lat"),
    ("huge lon", {"lat": 55.4, "lon": 1e308}, "lon"),
    ("interests not a list", {"address": "Vamdrup", "interests": "kor"}, "interests"),
    ("interest not text", {"address": "Vamdrup", "interests": [3]}, "interests"),
    ("interest too long", {"address": "Vamdrup", "interests": ["x" * 101]}, "interests"),
    ("too many interests", {"address": "Vamdrup", "interests": [f"ord{i}" for i in range(21)]}, "interests"),
    ("negative age", {"address": "Vamdrup", "children_ages": [-1]}, "children_ages"),
    ("adult age for a child", {"address": "Vamdrup", "children_ages": [18]}, "children_ages"),
    ("age as text", {"address": "Vamdrup", "children_ages": ["4"]}, "children_ages"),
    ("age as a boolean", {"address": "Vamdrup", "children_ages": [True]}, "children_ages"),
    ("huge age", {"address": "Vamdrup", "children_ages": [10**30]}, "children_ages"),
    ("ages not a list", {"address": "Vamdrup", "children_ages": 4}, "children_ages"),
    ("adults as text", {"address": "Vamdrup", "adults": "2"}, "adults"),
    ("huge adults", {"address": "Vamdrup", "adults": 10**9}, "adults"),
    ("negative adults", {"address": "Vamdrup", "adults": -1}, "adults"),
    ("nobody", {"address": "Vamdrup", "adults": 0}, "adults"),
    ("language not a code", {"address": "Vamdrup", "languages": ["english"]}, "languages"),
    ("language not text", {"address": "Vamdrup", "languages": [1]}, "languages"),
    ("max_km zero", {"address": "Vamdrup", "max_km": 0}, "max_km"),
    ("max_km huge", {"address": "Vamdrup", "max_km": 1e308}, "max_km"),
    ("max_km as text", {"address": "Vamdrup", "max_km": "10"}, "max_km"),
    ("limit zero", {"address": "Vamdrup", "limit": 0}, "limit"),
    ("limit too big", {"address": "Vamdrup", "limit": 51}, "limit"),
    ("limit not whole", {"address": "Vamdrup", "limit": 2.5}, "limit"),
]


@pytest.mark.parametrize("name,body,field", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_400_with_the_field(demo, name, body, field):
    if isinstance(body, bytes):
        response = demo.post("/api/v1/match", data=body, content_type="application/json")
    else:
        response = demo.post("/api/v1/match", json=body)
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error["field"] == field
    assert error["message"]


def test_nan_and_infinity_are_refused(demo):
    for raw in (b'{"address": "Vamdrup", "max_km": NaN}', b'{"lat": Infinity, "lon": 9.4}'):
        response = demo.post("/api/v1/match", data=raw, content_type="application/json")
        assert response.status_code == 400, raw


def test_an_unknown_address_is_a_404_with_the_field(demo):
    response = demo.post("/api/v1/match", json={"address": "Qwxzv Ukendtvej 99, 9999 Intetsted"})
    assert response.status_code in (400, 404)
    error = response.get_json()["error"]
    assert error["field"] == "address" and error["message"]


def test_errors_in_english(demo):
    response = demo.post("/api/v1/match", json={"address": "Vamdrup", "limit": 0}, headers={"Accept-Language": "en"})
    assert response.get_json()["error"]["message"] == "limit must be a whole number from 1 to 50."


def test_a_nul_character_is_refused(demo):
    response = demo.post("/api/v1/match", json={"address": "Vam\x00drup"})
    assert response.status_code == 400


def test_limit_and_radius(demo):
    result = post_match(demo, {"address": "Kolding", "limit": 50, "max_km": 50})
    assert len(result["results"]) == 50
    result = post_match(demo, {"address": "Kolding", "limit": 3, "max_km": 2})
    assert len(result["results"]) == 3 and all(r["distance_km"] <= 2 for r in result["results"])


def test_get_is_not_allowed(demo):
    response = demo.get("/api/v1/match")
    assert response.status_code == 405 and "error" in response.get_json()
