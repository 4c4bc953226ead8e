"""A map that orients (issue 21, item 3): framed round the household, towns named, pins numbered as
the list and legible when close, home marked; on a phone a "Vis kort" button before the list.

The same on the newcomer's results, search with a place and a place's page, in Danish and English.
"""
from __future__ import annotations

from itertools import combinations
from math import hypot

import pytest

from .helpers import LANGUAGES, axe_violations, describe, horizontal_overflow, press_until_focused

pytestmark = [pytest.mark.browser, pytest.mark.rendering]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# kolding-boundary.geojson's box (lon, lat): the old map always showed all of it
KOMMUNE_W, KOMMUNE_H = 9.6935 - 9.2157, 55.6298 - 55.3087
SEARCH_NEAR = "/soeg?q=&near=Christiansfeld"
HOME_TEXT = {"da": "Hjem", "en": "Home"}
SHOW_MAP = {"da": "Vis kort", "en": "Show map"}
HIDE_MAP = {"da": "Skjul kort", "en": "Hide map"}


def newcomer_results(page, address: str = "Skolegade 5, 6070 Christiansfeld") -> None:
    page.goto("/ny-i-kolding")
    page.fill("#address", address)
    page.fill("#match-adults", "2")
    page.fill("#match-children", "4, 9")
    with page.expect_navigation():
        page.locator("form.match-form [type=submit]").click()
    assert page.locator(".match-list > li").count() > 0, f"no matches for {address}"


def svg_map(page):
    svg = page.locator(".geo-map svg[role=img]")
    assert svg.count() == 1
    return svg


def frame_span(page) -> tuple[float, float]:
    min_lon, min_lat, max_lon, max_lat = map(float, svg_map(page).get_attribute("data-frame").split())
    return max_lon - min_lon, max_lat - min_lat


def pins(page) -> dict[int, str]:
    """Pin number -> the name in its tooltip ("3. Name")."""
    found = {}
    for g in page.locator(".geo-map__pin").all():
        number = int(g.get_attribute("data-number"))
        title = g.locator("title").text_content()
        assert title.startswith(f"{number}. "), title
        found[number] = title.split(". ", 1)[1]
    return found


def pin_centres(page) -> list[tuple[float, float]]:
    return [(float(c.get_attribute("cx")), float(c.get_attribute("cy")))
            for c in page.locator(".geo-map__pin circle").all()]


def labels(page) -> list[str]:
    return [t.strip() for t in page.locator(".geo-map__label").all_text_contents()]


def assert_numbered_as_list(page, titles: list[str]) -> None:
    on_map = pins(page)
    assert on_map, "no pins on the map"
    for number, name in on_map.items():
        assert titles[number - 1] == name, f"pin {number} is {name!r}, the list's {number} is {titles[number - 1]!r}"
    centres = pin_centres(page)
    closest = min(hypot(a[0] - b[0], a[1] - b[1]) for a, b in combinations(centres, 2)) if len(centres) > 1 else 99
    assert closest >= 24, f"two pins are {closest:.1f} units apart: their numbers would hide each other"


def assert_framed_locally(page) -> None:
    w, h = frame_span(page)
    assert w < KOMMUNE_W * 0.75 and h < KOMMUNE_H * 0.75, f"the map spans {w:.3f}° x {h:.3f}°: most of the municipality"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_newcomer_results_map_orients(page_factory, axe_path, lang):
    page = page_factory(lang=lang, bypass_csp=True, **DESKTOP)
    newcomer_results(page)
    titles = [t.strip() for t in page.locator(".match-list > li .card__title a").all_text_contents()]
    assert_numbered_as_list(page, titles)
    assert_framed_locally(page)
    names = labels(page)
    assert "Christiansfeld" in names and len(names) >= 6, names
    assert HOME_TEXT[lang] in names  # home is named on the map ...
    assert page.locator(".geo-map__home polygon").count() == 1  # ... and drawn as its own mark
    assert page.locator(".geo-map svg").is_visible()  # open beside the list at 1280 px
    assert not page.locator(".geo-map-toggle__button").is_visible()
    violations = axe_violations(page, axe_path)
    assert not violations, f"axe-core on the newcomer results ({lang}):\n{describe(violations)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_with_a_place_map(page_factory, axe_path, lang):
    page = page_factory(lang=lang, bypass_csp=True, **DESKTOP)
    page.goto(SEARCH_NEAR)
    titles = [t.strip() for t in page.locator("ol.card-list > li .card__title a").all_text_contents()]
    assert_numbered_as_list(page, titles)
    # the list shows the pins' numbers too, so a reader can match them
    badges = page.locator("ol.card-list > li .card__title .match-card__number").all_text_contents()
    assert [int(b) for b in badges] == list(range(1, len(titles) + 1))
    assert_framed_locally(page)
    assert "Christiansfeld" in labels(page)
    assert page.locator("svg .geo-map__home").count() == 1
    violations = axe_violations(page, axe_path)
    assert not violations, f"axe-core on {SEARCH_NEAR} ({lang}):\n{describe(violations)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_place_page_map(page_factory, axe_path, ids, lang):
    page = page_factory(lang=lang, bypass_csp=True, **DESKTOP)
    page.goto(f"/steder/{ids['place']}")
    assert page.locator(".geo-map__focus").count() == 1  # the place itself, marked
    names = labels(page)
    assert "Almind" in names and len(names) >= 3, names
    assert_framed_locally(page)
    events = page.locator(".main-column ol.card-list > li .card__title a").all_text_contents()
    if events:
        assert_numbered_as_list(page, [e.strip() for e in events])
        numbers = page.locator(".main-column ol.card-list > li > .match-card__number").all_text_contents()
        assert [int(n) for n in numbers] == list(range(1, len(events) + 1))
    violations = axe_violations(page, axe_path)
    assert not violations, f"axe-core on the place page ({lang}):\n{describe(violations)}"


def _phone_pages(page, ids):
    """(name, how to open, the list's items) for the three pages with a map."""
    return [
        ("results", lambda: newcomer_results(page), ".match-list > li"),
        ("search", lambda: page.goto(SEARCH_NEAR), "ol.card-list > li"),
        ("place", lambda: page.goto(f"/steder/{ids['place']}"), ".main-column ol.card-list > li"),
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phone_shows_the_map_button_before_the_list_and_it_opens_by_keyboard(page_factory, axe_path, ids, lang):
    page = page_factory(lang=lang, bypass_csp=True, **PHONE)
    for name, open_page, items in _phone_pages(page, ids):
        open_page()
        button = page.locator(".geo-map-toggle__button")
        assert button.is_visible(), f"{name}: no map button at 390 px"
        assert button.inner_text().strip() == SHOW_MAP[lang]
        assert not page.locator(".geo-map svg").is_visible()  # folded: the results come first
        if page.locator(items).count():
            first = page.locator(items).first.bounding_box()
            assert button.bounding_box()["y"] < first["y"], f"{name}: the map button comes after the list starts"
        press_until_focused(page, ".geo-map-toggle__button")
        page.keyboard.press("Enter")
        svg = page.locator(".geo-map svg")
        assert svg.is_visible(), f"{name}: Enter did not open the map"
        assert button.inner_text().strip() == HIDE_MAP[lang]
        box = svg.bounding_box()
        assert box["width"] <= 390 and box["height"] <= 390 * 0.76, f"{name}: map {box}"
        assert horizontal_overflow(page) <= 0
        violations = axe_violations(page, axe_path)
        assert not violations, f"axe-core on {name} at 390 px, map open ({lang}):\n{describe(violations)}"


def test_map_button_works_without_javascript(page_factory, ids):
    page = page_factory(lang="da", java_script_enabled=False, **PHONE)
    page.goto(f"/steder/{ids['place']}")
    assert not page.locator(".geo-map svg").is_visible()
    page.locator(".geo-map-toggle__button").click()
    assert page.locator(".geo-map svg").is_visible()
