"""An online geocoder that accepts connections but never answers (a black hole), seen
from the outside: geocoding, matching and search near an address all still answer,
from the offline gazetteer, once the timeout has passed.

tests/geo/test_nominatim.py covers a slow server, HTTP 500, no server and bad URLs
at the geocoder level; this adds the hanging server end to end through the API.
"""
from __future__ import annotations

import socket

import pytest

FAULTS = {"injected": 0}
TIMEOUT = 0.5


@pytest.fixture
def black_hole(app, monkeypatch):
    """A TCP port on 127.0.0.1 that accepts connections and never says anything."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    monkeypatch.setitem(app.config, "GEOCODER", "nominatim")
    monkeypatch.setitem(app.config, "NOMINATIM_URL", f"http://127.0.0.1:{listener.getsockname()[1]}")
    monkeypatch.setitem(app.config, "GEOCODER_TIMEOUT", str(TIMEOUT))
    monkeypatch.setitem(app.config, "GEOCODER_MIN_DELAY", "0")
    FAULTS["injected"] += 1
    yield listener
    listener.close()


def test_a_hanging_geocoder_does_not_hang_the_service(client, db, black_hole, make_association):
    make_association(name="Kolding Kor", category="music", tags="kor", town="Kolding")
    geocoded = client.get("/api/v1/geocode?q=Skolegade 3, 6000 Kolding")
    assert geocoded.status_code == 200
    assert geocoded.get_json()["source"] == "gazetteer"
    matched = client.post("/api/v1/match", json={"address": "Skolegade 5, 6000 Kolding", "interests": ["kor"]})
    assert matched.status_code == 200 and matched.get_json()["location"]["label"]
    near = client.get("/api/v1/search?q=kor&near=Skolegade 7, 6000 Kolding")
    assert near.status_code == 200 and near.get_json()["location"]
    page = client.get("/soeg?q=kor&near=Skolegade 9, 6000 Kolding")
    assert page.status_code == 200
    assert waiting_connections(black_hole) >= 1  # the hanging server really was asked


def waiting_connections(listener: socket.socket) -> int:
    """How many connections the black hole got (they wait in its backlog)."""
    listener.setblocking(False)
    n = 0
    while True:
        try:
            conn, _addr = listener.accept()
        except BlockingIOError:
            return n
        conn.close()
        n += 1
