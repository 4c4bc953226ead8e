"""/indlejr/: pages for other websites' iframes. Only they may be framed, and only by the
configured origins; every other page keeps frame-ancestors 'none'."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def origins(app, monkeypatch):
    def set_origins(*values):
        monkeypatch.setitem(app.config, "EMBED_ALLOWED_ORIGINS", tuple(values))
    return set_origins


def frame_ancestors(response) -> str:
    return re.search(r"frame-ancestors ([^;]*)", response.headers["Content-Security-Policy"]).group(1).strip()


def test_embed_csp_without_configured_origins(client, origins):
    origins()
    response = client.get("/indlejr/steder/vamdrup")
    assert response.status_code == 200
    assert frame_ancestors(response) == "'self'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]  # the rest is unchanged


def test_embed_csp_with_configured_origins(client, origins):
    origins("https://www.kolding.dk", "https://vamdrup.dk")
    for path in ("/indlejr/steder/vamdrup", "/indlejr/arrangementer", "/indlejr/arrangementer?sted=almind"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert frame_ancestors(response) == "'self' https://www.kolding.dk https://vamdrup.dk"
        # X-Frame-Options cannot name several origins: it would contradict the CSP, so it is left out
        assert "X-Frame-Options" not in response.headers
        assert "public" in response.headers["Cache-Control"]
        assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", ["/", "/steder/vamdrup", "/arrangementer", "/foreninger", "/api/hsds/", "/login"])
def test_every_other_page_keeps_frame_ancestors_none(client, origins, path):
    origins("https://www.kolding.dk")
    response = client.get(path)
    assert frame_ancestors(response) == "'none'", path
    assert response.headers["X-Frame-Options"] == "DENY"


def test_place_embed_shows_events_and_associations_linking_out(client, make_association, make_event):
    assoc = make_association(name="Vamdrup Skakklub", town="Vamdrup", summary="Skak hver torsdag.")
    event = make_event(title="Velkomstaften i Vamdrup", town="Vamdrup")
    page = client.get("/indlejr/steder/vamdrup").get_data(as_text=True)
    assert "Vamdrup Skakklub" in page and "Velkomstaften i Vamdrup" in page
    assert "<script" not in page
    links = re.findall(r"<a [^>]*>", page)
    assert links and all('target="_blank"' in a and 'rel="noopener"' in a for a in links)
    assert f"/foreninger/{assoc.slug}" in page and f"/arrangementer/{event.id}" in page
    assert "css/embed.css" in page and '<html lang="da">' in page


def test_both_languages(client, make_event):
    make_event(title="Velkomstaften", town="Vamdrup")
    danish = client.get("/indlejr/steder/vamdrup").get_data(as_text=True)
    english = client.get("/indlejr/steder/vamdrup?lang=en").get_data(as_text=True)
    assert '<html lang="da">' in danish and "Kommende arrangementer" in danish
    assert '<html lang="en">' in english and "Upcoming events" in english
    assert "lang=en" in re.search(r'href="([^"]*/arrangementer/\d+[^"]*)"', english).group(1)
    # the visitor's own language cookie does not change what the host page asked for
    client.set_cookie("lang", "en")
    assert '<html lang="da">' in client.get("/indlejr/arrangementer").get_data(as_text=True)
    events_en = client.get("/indlejr/arrangementer?lang=en").get_data(as_text=True)
    assert "Upcoming events" in events_en


def test_event_embed_filters(client, make_event):
    make_event(title="Åbent hus i Almind", town="Almind", kind="open-house")
    make_event(title="Velkomstmøde i Vamdrup", town="Vamdrup", kind="welcome-meeting")
    page = client.get("/indlejr/arrangementer?sted=almind").get_data(as_text=True)
    assert "Åbent hus i Almind" in page and "Velkomstmøde i Vamdrup" not in page
    page = client.get("/indlejr/arrangementer?kategori=welcome-meeting").get_data(as_text=True)
    assert "Velkomstmøde i Vamdrup" in page and "Åbent hus i Almind" not in page


def test_unknown_place_is_a_404(client):
    response = client.get("/indlejr/steder/atlantis")
    assert response.status_code == 404
    assert "<script" not in response.get_data(as_text=True)


@pytest.mark.parametrize("query, field", [("sted=atlantis", "sted"), ("kategori=fest", "kategori"),
                                          ("lang=fr", "lang")])
def test_bad_filter_values_are_a_400_naming_the_field(client, query, field):
    response = client.get(f"/indlejr/arrangementer?{query}")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert field in body and "<script" not in body


def test_place_page_and_forum_page_show_the_snippet(client, login_as, make_forum):
    page = client.get("/steder/vamdrup").get_data(as_text=True)
    assert "&lt;iframe src=&#34;http://localhost/indlejr/steder/vamdrup&#34;" in page or \
        "&lt;iframe src=\"http://localhost/indlejr/steder/vamdrup\"" in page
    forum = make_forum(places=["Almind", "Vamdrup"])
    login_as("forum", forum=forum)
    page = client.get("/forum/").get_data(as_text=True)
    assert "/indlejr/steder/almind" in page and "/indlejr/steder/vamdrup" in page


def test_configured_origins_are_checked():
    from fællesskab.config import ConfigError, embed_origins

    assert embed_origins(" https://www.kolding.dk/, https://*.kolding.dk,http://localhost:8080 ") == (
        "https://www.kolding.dk", "https://*.kolding.dk", "http://localhost:8080")
    for bad in ("https://a.dk/side", "https://a.dk; script-src *", "'unsafe-inline'", "*", "a.dk"):
        with pytest.raises(ConfigError):
            embed_origins(bad)
