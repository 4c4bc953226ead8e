"""The phone layout (issue 21, item 4) at 390 x 844 px, the size of a common phone.

Results come first on /soeg (filters and facets behind one "Filtre" button), the
header is one row with a menu button that opens by keyboard, and the
coordinator's inbox fits the screen with the name column in view while the
table scrolls. At 1280 px the menu and the filters show as before.
"""
from __future__ import annotations

import pytest

from .helpers import LANGUAGES, axe_violations, describe, horizontal_overflow, press_until_focused

pytestmark = [pytest.mark.browser, pytest.mark.rendering]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
HEADER_MAX_PX = 120
MENU_LINK = ".site-nav a[href='/foreninger']"


def header_height(page) -> float:
    return page.locator("header.site-header").bounding_box()["height"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_results_come_first_at_390(page_factory, lang):
    page = page_factory(lang=lang, **PHONE)
    page.goto("/soeg?q=fodbold")
    assert header_height(page) <= HEADER_MAX_PX
    first = page.locator(".card-list .card").first.bounding_box()
    assert first["y"] <= PHONE["viewport"]["height"], f"the first result starts {first['y']:.0f} px down"
    # Filters and facets wait behind the one "Filtre" button ...
    assert not page.locator("#soeg-near").is_visible()
    assert not page.locator(".facet a").first.is_visible()
    assert horizontal_overflow(page) <= 0
    # ... which opens by keyboard and shows both.
    press_until_focused(page, ".search-filters__button")
    page.keyboard.press("Enter")
    assert page.locator("#soeg-near").is_visible()
    assert page.locator(".search-filters__facets .facet a").first.is_visible()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phone_header_is_compact_and_menu_opens_by_keyboard(page_factory, lang):
    page = page_factory(lang=lang, **PHONE)
    page.goto("/soeg?q=fodbold")
    assert header_height(page) <= HEADER_MAX_PX, f"header {header_height(page):.0f} px tall"
    assert not page.locator(MENU_LINK).is_visible()
    # The other language stays one tap away, outside the menu.
    other = "en" if lang == "da" else "da"
    assert page.locator(f"header a[hreflang={other}]").is_visible()
    press_until_focused(page, ".site-menu__button")
    page.keyboard.press("Enter")
    for href in ("/ny-i-kolding", "/foreninger", "/arrangementer", "/steder", "/login"):
        assert page.locator(f".site-nav a[href='{href}']").is_visible(), href
    press_until_focused(page, MENU_LINK)
    page.keyboard.press("Enter")
    page.wait_for_url("**/foreninger")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_inbox_is_usable_at_390(page_factory, lang):
    page = page_factory(lang=lang, role="coordinator", **PHONE)
    page.goto("/koordinator/tilflyttere/")
    assert horizontal_overflow(page) <= 0
    assert header_height(page) <= HEADER_MAX_PX
    name = page.locator(".inbox-table tbody th[scope=row]").first
    name.scroll_into_view_if_needed()
    # Scrolled to the table's last column, the name is still there to read.
    page.locator(".table-wrap").evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    box, region = name.bounding_box(), page.locator(".table-wrap").bounding_box()
    assert box["x"] >= region["x"] - 1 and box["x"] + box["width"] <= region["x"] + region["width"] + 1
    on_top = name.evaluate("""(th) => { const r = th.getBoundingClientRect();
        return th.contains(document.elementFromPoint(r.left + r.width / 2, r.top + 10)); }""")
    assert on_top, "the name column is covered or scrolled away"
    assert page.locator(".inbox-table th[scope=col]").nth(7).is_visible()


def test_wide_screen_shows_menu_and_filters_without_a_button(page_factory):
    page = page_factory(lang="da", **DESKTOP)
    page.goto("/soeg?q=fodbold")
    assert page.locator(MENU_LINK).is_visible()
    assert not page.locator(".site-menu__button").is_visible()
    assert page.locator("#soeg-near").is_visible()
    assert not page.locator(".search-filters__button").is_visible()
    assert page.locator(".search-sidebar .facet a").first.is_visible()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phone_layout_passes_axe_at_390(page_factory, axe_path, lang):
    """The folded and the opened menu and filters pass axe on /soeg and the inbox."""
    for role, path in ((None, "/soeg?q=fodbold"), ("coordinator", "/koordinator/tilflyttere/")):
        page = page_factory(lang=lang, role=role, bypass_csp=True, **PHONE)
        page.goto(path)
        violations = axe_violations(page, axe_path)
        assert not violations, f"{path} folded:\n{describe(violations)}"
        page.locator(".site-menu__button").click()
        page.locator(".search-filters__button").click()
        violations = axe_violations(page, axe_path)
        assert not violations, f"{path} opened:\n{describe(violations)}"
