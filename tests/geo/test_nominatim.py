"""GEOCODER=nominatim against a real HTTP server on 127.0.0.1 that answers like Nominatim.

Nothing reaches the internet. The server answers by what the query contains:
"langsom" sleeps past the timeout, "fejl" gives HTTP 500, "intet" gives [],
"udland" answers with a point in Germany; anything else gets a house-number
answer in Kolding.
"""
from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from geopy.extra.rate_limiter import RateLimiter

from fællesskab.core.time import utcnow
from fællesskab.geo.geocoder import Gazetteer, OnlineWithFallback, get_geocoder
from fællesskab.geo.lookup import locate_text
from fællesskab.geo.models import GeocodeCache

SLOW_SECONDS = 1.5
TIMEOUT_SECONDS = 0.3

KOLDING_ANSWER = {
    "place_id": 123456, "licence": "Data © OpenStreetMap contributors, ODbL 1.0. https://osm.org/copyright",
    "osm_type": "node", "osm_id": 987654, "lat": "55.4905120", "lon": "9.4706840", "class": "place",
    "type": "house", "place_rank": 30, "importance": 0.00001, "addresstype": "place", "name": "",
    "display_name": "3, Skolegade, Kolding, Kolding Kommune, Region Syddanmark, 6000, Danmark",
    "address": {"house_number": "3", "road": "Skolegade", "city": "Kolding", "municipality": "Kolding Kommune",
                "state": "Region Syddanmark", "postcode": "6000", "country": "Danmark", "country_code": "dk"},
    "boundingbox": ["55.4904620", "55.4905620", "9.4706340", "9.4707340"],
}
ROAD_ANSWER = dict(KOLDING_ANSWER, lat="55.4838", lon="9.2992", **{
    "class": "highway", "type": "residential", "addresstype": "road",
    "display_name": "Storegade, Lunderskov, 6640, Danmark",
    "address": {"road": "Storegade", "town": "Lunderskov", "postcode": "6640", "country_code": "dk"}})
LOCALITY_ANSWER = dict(KOLDING_ANSWER, lat="55.3582", lon="9.4870", **{
    "class": "place", "type": "town", "addresstype": "town", "display_name": "Christiansfeld, Kolding Kommune",
    "address": {"town": "Christiansfeld", "postcode": "6070", "country_code": "dk"}})
GERMANY_ANSWER = dict(KOLDING_ANSWER, lat="53.55", lon="10.0")


class FakeNominatim(BaseHTTPRequestHandler):
    """Answers GET <prefix>/search like Nominatim's JSON API."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        params = parse_qs(parts.query)
        q = params.get("q", [""])[0]
        server = self.server
        server.requests.append({"path": parts.path, "q": q, "params": params,
                                "user_agent": self.headers.get("User-Agent"), "at": time.monotonic()})
        if not parts.path.endswith("/search"):
            return self._send(404, {"error": "not found"})
        lowered = q.lower()
        if "langsom" in lowered:
            time.sleep(SLOW_SECONDS)
            return self._send(200, [KOLDING_ANSWER])
        if "fejl" in lowered:
            return self._send(500, {"error": "internal"})
        if "intet" in lowered:
            return self._send(200, [])
        if "udland" in lowered:
            return self._send(200, [GERMANY_ANSWER])
        if "storegade" in lowered:
            return self._send(200, [ROAD_ANSWER])
        if lowered.strip() == "christiansfeld":
            return self._send(200, [LOCALITY_ANSWER])
        return self._send(200, [KOLDING_ANSWER])

    def _send(self, status, body):
        data = json.dumps(body).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the slow answer)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def nominatim_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    server.daemon_threads = True
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def online(app, db, nominatim_server, monkeypatch):
    """The app configured with GEOCODER=nominatim against the local server."""
    host, port = nominatim_server.server_address[:2]
    for key, value in {
        "GEOCODER": "nominatim", "NOMINATIM_URL": f"http://{host}:{port}/nominatim/",
        "GEOCODER_USER_AGENT": "faellesskab-test/1.0", "GEOCODER_TIMEOUT": str(TIMEOUT_SECONDS),
        "GEOCODER_MIN_DELAY": "0", "GEOCODE_CACHE_TTL_DAYS": "30", "GEOCODE_CACHE_MISS_TTL_HOURS": "24",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return nominatim_server


def asked(server, word: str) -> int:
    return sum(word.lower() in r["q"].lower() for r in server.requests)


def cache_rows(db):
    return db.session.execute(sa.select(GeocodeCache)).scalars().all()


def test_the_configured_geocoder_is_nominatim_with_fallback(online):
    geocoder = get_geocoder()
    assert isinstance(geocoder, OnlineWithFallback)
    assert isinstance(geocoder.fallback, Gazetteer)
    assert isinstance(geocoder.provider._geocode, RateLimiter)


def test_an_online_answer_is_used_and_cached(online, db):
    location = get_geocoder().geocode("Skolegade 3, 6000 Kolding")
    assert location.raw["source"] == "nominatim"
    assert location.raw["precision"] == "address"
    assert location.raw["label"] == "Skolegade 3, 6000 Kolding"
    assert (location.latitude, location.longitude) == (pytest.approx(55.490512), pytest.approx(9.470684))
    request = online.requests[0]
    assert request["path"] == "/nominatim/search"
    assert request["user_agent"] == "faellesskab-test/1.0"
    assert request["params"]["countrycodes"] == ["dk"]
    assert request["params"]["format"] == ["json"]

    rows = cache_rows(db)
    assert len(rows) == 1 and rows[0].is_found and rows[0].provider == "nominatim"
    assert "skolegade" not in rows[0].query_hash.lower()  # only a hash of what was typed is kept
    assert rows[0].expires_at - rows[0].created_at == timedelta(days=30)

    again = get_geocoder().geocode("  skolegade 3,  6000 KOLDING ")  # the same address typed differently
    assert again.raw["source"] == "nominatim" and again.raw.get("cached") is True
    assert asked(online, "skolegade") == 1


def test_a_slow_answer_times_out_and_the_gazetteer_answers(online, db):
    location = get_geocoder().geocode("Skolegade 3, 6000 Kolding langsom")
    # "langsom" makes the fake server slow; the gazetteer still knows the street
    assert asked(online, "langsom") == 1
    assert location.raw["source"] == "gazetteer"
    assert location.raw["label"] == "Skolegade, 6000 Kolding"
    location = locate_text("Sdr. Kongevej 5, 6000 Kolding, langsom")
    assert location is not None and location.precision == "street"
    assert cache_rows(db) == []  # a failure is not cached: the next request asks again


def test_http_500_falls_back_to_the_gazetteer(online, db):
    location = get_geocoder().geocode("Jernbanegade 5, 6580 Vamdrup, fejl")
    assert asked(online, "fejl") == 1
    assert location.raw["source"] == "gazetteer"
    assert location.raw["postcode"] == "6580"
    assert cache_rows(db) == []


def test_no_answer_falls_back_and_is_cached_for_a_shorter_time(online, db):
    first = get_geocoder().geocode("Skolegade 3, Kolding, intet")
    assert first.raw["source"] == "gazetteer"
    second = get_geocoder().geocode("Skolegade 3, Kolding, intet")
    assert second.raw["source"] == "gazetteer"
    assert asked(online, "intet") == 1
    (row,) = cache_rows(db)
    assert row.is_found is False
    assert row.expires_at - row.created_at == timedelta(hours=24)


def test_an_answer_outside_denmark_is_ignored(online, db):
    location = get_geocoder().geocode("Skolegade 3, 6000 Kolding, udland")
    assert location.raw["source"] == "gazetteer"


def test_an_expired_entry_is_asked_again_and_replaced(online, db):
    get_geocoder().geocode("Skolegade 3, 6000 Kolding")
    db.session.execute(sa.update(GeocodeCache).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    get_geocoder().geocode("Skolegade 3, 6000 Kolding")
    assert asked(online, "skolegade") == 2
    rows = cache_rows(db)
    assert len(rows) == 1 and rows[0].expires_at > utcnow()


def test_the_gazetteer_wins_when_it_is_more_precise(online, db):
    location = get_geocoder().geocode("Christiansfeld")  # the fake answers with a town
    assert location.raw["precision"] == "locality"
    road = get_geocoder().geocode("Storegade 12, 6640 Lunderskov")  # online: a road; gazetteer: the same street
    assert road.raw["precision"] == "street" and road.raw["source"] == "nominatim"


def test_an_official_address_is_not_asked_online(online, db, runner, write_csv):
    from ..helpers import dawa_row

    path = write_csv([dawa_row("Skolegade", "3", "6000", "Kolding", 55.4906, 9.4701)])
    assert runner.invoke(args=["import", "addresses", path]).exit_code == 0
    location = get_geocoder().geocode("Skolegade 3, 6000 Kolding")
    assert location.raw["source"] == "gazetteer" and location.raw["precision"] == "address"
    assert online.requests == []


def test_the_api_never_answers_5xx_when_the_provider_fails(online, client):
    response = client.get("/api/v1/geocode", query_string={"q": "Jernbanegade 5, 6580 Vamdrup, fejl"})
    assert response.status_code == 200
    assert response.get_json()["source"] == "gazetteer"
    response = client.get("/api/v1/geocode", query_string={"q": "Skolegade 3, 6000 Kolding"})
    assert response.get_json()["source"] == "nominatim"
    assert response.get_json()["place"]["name"] == "Kolding"


def test_a_server_that_is_not_there_falls_back(app, db, monkeypatch):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setitem(app.config, "GEOCODER", "nominatim")
    monkeypatch.setitem(app.config, "NOMINATIM_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setitem(app.config, "GEOCODER_TIMEOUT", "0.5")
    monkeypatch.setitem(app.config, "GEOCODER_MIN_DELAY", "0")
    assert get_geocoder().geocode("Skolegade 3, 6000 Kolding").raw["source"] == "gazetteer"


def test_a_misconfigured_url_uses_the_gazetteer(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "GEOCODER", "nominatim")
    monkeypatch.setitem(app.config, "NOMINATIM_URL", "ftp://nowhere")
    assert isinstance(get_geocoder(), Gazetteer)


def test_requests_are_spaced_by_the_rate_limiter(online, app, monkeypatch):
    monkeypatch.setitem(app.config, "GEOCODER_MIN_DELAY", "0.25")
    geocoder = get_geocoder()
    geocoder.geocode("Skolegade 3, 6000 Kolding")
    geocoder.geocode("Skolegade 5, 6000 Kolding")
    first, second = online.requests[-2:]
    assert second["at"] - first["at"] >= 0.24
