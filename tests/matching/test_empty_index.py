"""Matching and search on an index without any document (a new installation)."""


def test_match_and_search_with_nothing_indexed(client):
    response = client.post("/api/v1/match", json={"lat": 55.49, "lon": 9.47, "interests": ["fodbold"],
                                                   "children_ages": [8]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["results"] == []
    response = client.get("/api/v1/search", query_string={"q": "fodbold", "lat": "55.49", "lon": "9.47"})
    assert response.status_code == 200
    assert response.get_json()["total"] == 0
