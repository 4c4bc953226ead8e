"""The server-rendered SVG map, its text alternative and the address field macro."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from flask import render_template_string

from fællesskab.geo.gazetteer import Located
from fællesskab.geo.maps import build_map
from fællesskab.geo.svgmap import Home, Pin, Town, render_svg

SVG = "{http://www.w3.org/2000/svg}"
RING = [(9.22, 55.31), (9.69, 55.31), (9.69, 55.63), (9.22, 55.63), (9.22, 55.31)]


def test_render_svg_is_accessible_svg():
    svg = render_svg([RING], [Town("Kolding", 55.4904, 9.4722, True), Town("Aller", 55.3584, 9.5308, False)],
                     home=Home(55.49, 9.47, "Din adresse"), pins=[Pin(1, 55.43, 9.28, "Vamdrup <IF>"),
                                                                    Pin(2, 55.36, 9.49, "Kor & sang")],
                     map_id="m", title="Kort", description="Beskrivelse")
    root = ET.fromstring(svg)  # well-formed XML; labels are escaped
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "m-title m-desc"
    assert root.find(f"{SVG}title").text == "Kort"
    assert root.find(f"{SVG}desc").text == "Beskrivelse"
    pins = [g for g in root.iter(f"{SVG}g") if g.get("class") == "geo-map__pin"]
    assert [g.find(f"{SVG}title").text for g in pins] == ["2. Kor & sang", "1. Vamdrup <IF>"]  # 1 drawn on top
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Kolding" in texts and "Aller" in texts  # towns and villages are named (where there is room)
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing from other hosts


def test_points_outside_the_boundary_widen_the_map():
    svg = render_svg([RING], [], pins=[Pin(1, 55.70, 9.80, "Langt væk")])
    root = ET.fromstring(svg)
    width, height = map(float, root.get("viewBox").split()[2:])
    circle = [c for c in root.iter(f"{SVG}circle")][-1]
    assert 0 <= float(circle.get("cx")) <= width and 0 <= float(circle.get("cy")) <= height


def test_build_map_numbers_pins_like_the_results(app, db):
    results = [
        {"name": "Vamdrup Boldklub", "lat": 55.4276, "lon": 9.2843, "distance_km": 13.24, "url": "/foreninger/vb"},
        {"name": "Uden sted", "lat": None, "lon": None},
        {"name": "Christiansfeld Kor", "lat": 55.3582, "lon": 9.4870, "distance_km": 14.8},
    ]
    with app.test_request_context("/"):
        view = build_map(Located(55.4904, 9.4722, "street", "Skolegade, 6000 Kolding", "6000", None), results)
    assert [(i.number, i.label) for i in view.items] == [(1, "Vamdrup Boldklub"), (3, "Christiansfeld Kor")]
    assert view.items[0].distance_text == "13,2 km"  # Danish decimal comma
    assert view.home_label == "Din adresse: Skolegade, 6000 Kolding"
    root = ET.fromstring(str(view.svg))
    assert len(list(root.iter(f"{SVG}path"))) >= 2  # the boundary (from the seed data) and the scale bar
    assert "2 resultater" in root.find(f"{SVG}desc").text


def test_map_macro_gives_the_same_list_as_text(app, db):
    with app.test_request_context("/"):
        view = build_map(None, [{"name": "Almind Borgerforening", "lat": 55.5657, "lon": 9.4906, "url": "/x"}])
        html = render_template_string(
            "{% from '_macros/map.html' import result_map %}{{ result_map(map) }}", map=view)
    assert '<figure class="geo-map"' in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert '<li value="1"><a href="/x">Almind Borgerforening</a>' in html
    assert "Kort over området omkring dig" in html  # framed round the result, not the whole municipality
    assert '<details class="geo-map-toggle"' in html and '<summary class="geo-map-toggle__button">' in html


@pytest.mark.parametrize("kwargs", [{}, {"error": "Adressen blev ikke fundet.", "value": "Ukendtvej 3"}])
def test_address_field_macro(app, db, kwargs):
    with app.test_request_context("/"):
        html = render_template_string(
            "{% from '_macros/address_field.html' import address_field %}{{ address_field(**kw) }}", kw=kwargs)
    assert '<label class="field__label" for="address">Hvor bor du?</label>' in html
    assert 'name="address"' in html and 'type="text"' in html and 'autocomplete="street-address"' in html
    assert 'data-url="/api/v1/geocode/autocomplete"' in html
    assert 'src="/static/js/address-autocomplete.js"' in html and "defer" in html
    if kwargs:
        assert 'aria-invalid="true"' in html and 'aria-describedby="address-hint address-error"' in html
        assert 'value="Ukendtvej 3"' in html
    else:
        assert 'aria-describedby="address-hint"' in html


def test_the_script_is_served(client):
    response = client.get("/static/js/address-autocomplete.js")
    assert response.status_code == 200
    script = response.get_data(as_text=True)
    for needle in ('"combobox"', '"listbox"', "aria-activedescendant", "aria-expanded", "ArrowDown", "Escape",
                   'method: "POST"'):
        assert needle in script
    response.close()


def test_build_map_frames_the_surroundings_and_names_towns(app, db):
    """Results in and round Christiansfeld: the map spans a few km, not the municipality (it did before)."""
    results = [{"name": f"Forening {n}", "lat": 55.3582, "lon": 9.4870} for n in range(1, 6)]
    results.append({"name": "Taps Kor", "lat": 55.3890, "lon": 9.4513})
    with app.test_request_context("/"):
        view = build_map(Located(55.3582, 9.4870, "street", "Skolegade, 6070 Christiansfeld", "6070", None), results)
    root = ET.fromstring(str(view.svg))
    min_lon, min_lat, max_lon, max_lat = map(float, root.get("data-frame").split())
    assert max_lon - min_lon < 0.5 * (9.6935 - 9.2157) and max_lat - min_lat < 0.5 * (55.6298 - 55.3087)
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "geo-map__label"]
    assert "Hjem" in labels and "Christiansfeld" in labels and "Taps" in labels
    assert "Kolding" not in labels  # outside the frame
    pins = [g for g in root.iter(f"{SVG}g") if g.get("class") == "geo-map__pin"]
    assert sorted(int(g.get("data-number")) for g in pins) == [1, 2, 3, 4, 5, 6]
    centres = [(float(c.get("cx")), float(c.get("cy"))) for g in pins for c in g.iter(f"{SVG}circle")]
    assert min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
               for i, a in enumerate(centres) for b in centres[i + 1:]) >= 24  # five on one spot, spread


def test_build_map_on_a_place_marks_the_place(app, db):
    with app.test_request_context("/"):
        view = build_map(None, [], focus={"name": "Almind", "lat": 55.5657, "lon": 9.4906})
    root = ET.fromstring(str(view.svg))
    assert [g for g in root.iter(f"{SVG}g") if g.get("class") == "geo-map__focus"]
    assert "Almind" in [t.text for t in root.iter(f"{SVG}text")]
    assert view.title == "Kort over Almind og omegn" and view.focus_label == "Almind"


def test_build_map_for_a_searched_place_names_the_place_not_home(app, db):
    with app.test_request_context("/"):
        view = build_map(Located(55.3582, 9.4870, "town", "Christiansfeld", "6070", None),
                         [{"name": "Kor", "lat": 55.36, "lon": 9.49}], marker="place")
    root = ET.fromstring(str(view.svg))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "geo-map__label"]
    assert "Hjem" not in labels and "Christiansfeld" in labels
    assert view.home_label == "Søgt nær: Christiansfeld"
