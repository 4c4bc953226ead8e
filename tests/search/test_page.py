"""The /soeg page: a plain GET form, counts, highlights, pages, empty state."""
from __future__ import annotations

import re
from html import unescape


def page(client, **params) -> tuple[int, str]:
    response = client.get("/soeg", query_string=params)
    return response.status_code, response.get_data(as_text=True)


def test_the_form_works_without_javascript(client):
    status, html = page(client)
    assert status == 200
    form = re.search(r'<form[^>]*role="search"[^>]*>', html).group(0)
    assert 'method="get"' in form and 'action="/soeg"' in form
    for name in ("q", "near", "radius_km", "type", "age", "sort", "newcomers", "upcoming"):
        assert f'name="{name}"' in html


def test_results_are_highlighted_and_escaped(client, make_association):
    make_association(name="Kolding <b>Kor</b>", summary="Vi synger <script>alert(1)</script> sammen.",
                     description="Koret øver hver tirsdag i kirken. " * 20, tags="kor")
    status, html = page(client, q="kor")
    assert status == 200
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<mark>Kor</mark>" in html  # the name, with its own markup escaped around it
    assert "&lt;b&gt;<mark>Kor</mark>&lt;/b&gt;" in html
    assert "<mark>Koret</mark>" in html  # an inflected form in the description snippet
    assert "1 resultat" in html


def test_facets_link_to_shareable_urls_with_counts(client, make_association):
    make_association(name="Almind Kor", tags="kor", category="music", town="Almind")
    make_association(name="Viuf Kor", tags="kor", category="music", town="Viuf", target_groups="seniors")
    status, html = page(client, q="kor")
    links = [unescape(h) for h in re.findall(r'href="(/soeg\?[^"]*)"', html)]
    assert any("q=kor" in h and "target_group=seniors" in h for h in links)
    assert re.search(r"Seniorer\s*<span class=\"muted\">\(1\)</span>", html)
    status, html = page(client, q="kor", target_group="seniors")
    assert "1 resultat" in html and "/foreninger/viuf-kor" in html and "/foreninger/almind-kor" not in html
    assert 'name="target_group" value="seniors"' in html  # the form keeps the chosen filter


def test_suggestion_and_empty_state(client, make_association):
    make_association(name="Kolding Badmintonklub", tags="badminton")
    status, html = page(client, q="badmintin")
    assert "Mente du" in html and "q=badminton" in unescape(html)
    status, html = page(client, q="qqqxxyyzz")
    assert "Vi fandt ikke noget" in html
    assert "Spørg koordinatoren" in html and 'href="/ny-i-kolding"' in html


def test_pagination_keeps_the_search(client, make_association):
    for n in range(23):
        make_association(name=f"Skakklub nummer {n}", tags="skak")
    status, html = page(client, q="skak")
    assert "23 resultater" in html
    nxt = unescape(re.search(r'<a href="([^"]+)" rel="next"', html).group(1))
    assert "q=skak" in nxt and "page=2" in nxt
    status, html = page(client, q="skak", page="2")
    assert html.count('class="card"') == 3


def test_errors_are_shown_on_the_page(client):
    status, html = page(client, q="x" * 201)
    assert status == 400 and "200 tegn" in html and 'aria-invalid="true"' in html
    status, html = page(client, q="kor", near="Atlantis")
    assert status == 400 and "Atlantis" in html and 'id="soeg-near-error"' in html


def test_upcoming_checkbox_can_be_turned_off(client, make_event):
    from datetime import timedelta

    make_event(title="Sommerfest i Almind", starts_in=timedelta(days=-10))
    status, html = page(client, q="sommerfest", upcoming=["0", "1"])  # hidden 0 + ticked box
    assert "Vi fandt ikke noget" in html
    status, html = page(client, q="sommerfest", upcoming="0")  # box unticked
    assert "<mark>Sommerfest</mark> i Almind" in html
    assert "None" not in html


def test_a_searched_place_is_not_called_home_on_the_map(client, make_association):
    """Search with a place marks the place searched ("Søgt nær: …"), not the newcomer's home."""
    make_association(name="Christiansfeld Kor", tags="kor", category="music", town="Christiansfeld")
    status, html = page(client, q="kor", near="Christiansfeld")
    assert status == 200
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "Søgt nær: Christiansfeld" in unescape(svg)
    assert ">Hjem<" not in svg
