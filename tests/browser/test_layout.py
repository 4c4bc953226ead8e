"""Reflow (WCAG 1.4.10) and zoom (1.4.4): no horizontal scroll at 360 px, nor at 200 % zoom.

200 % zoom of a 1280 px window is a 640 CSS-pixel viewport at device scale 2,
which is what Chromium lays out when a person zooms in.
"""
from __future__ import annotations

import pytest

from .helpers import LANGUAGES, axe_violations, describe, horizontal_overflow
from .pages import COORDINATOR_PAGES, FORUM_PAGES, PUBLIC_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.rendering]


VIEWPORTS = {
    "phone-360": {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 1},
    "zoom-200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_public_pages_reflow(page_factory, ids, size, lang):
    page = page_factory(lang=lang, **VIEWPORTS[size])
    wide = {}
    for name, path in PUBLIC_PAGES.items():
        page.goto(path.format(**ids))
        overflow = horizontal_overflow(page)
        if overflow > 0:
            wide[name] = overflow
    page.goto("/ny-i-kolding")
    page.fill("#address", "Almind")
    with page.expect_navigation():
        page.locator("form.match-form [type=submit]").click()
    if horizontal_overflow(page) > 0:
        wide["newcomer-results"] = horizontal_overflow(page)
    assert not wide, f"pages wider than the {size} viewport (px too wide): {wide}"


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("role, pages", [("coordinator", COORDINATOR_PAGES), ("forum", FORUM_PAGES)])
def test_staff_pages_reflow(page_factory, ids, role, pages, size):
    page = page_factory(role=role, **VIEWPORTS[size])
    wide = {}
    for name, path in pages.items():
        page.goto(path.format(**ids))
        # Data tables may scroll inside their own region (WCAG 1.4.10 allows it); the page may not.
        overflow = horizontal_overflow(page)
        if overflow > 0:
            wide[name] = overflow
    assert not wide, f"pages wider than the {size} viewport (px too wide): {wide}"


def test_phone_menu_and_skip_link_work_at_360(page_factory, axe_path):
    """At 360 px the page still passes axe (contrast and target sizes of the narrow layout)."""
    page = page_factory(bypass_csp=True, **VIEWPORTS["phone-360"])
    page.goto("/")
    violations = axe_violations(page, axe_path)
    assert not violations, describe(violations)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "indhold"


def test_axe_finds_a_known_violation(page_factory, axe_path):
    """The checker itself works: an image without alt text on our own origin is reported."""
    page = page_factory(bypass_csp=True)
    page.goto("/tilgaengelighed")
    page.evaluate("""() => { const img = document.createElement('img');
                             img.src = '/static/favicon.svg'; document.querySelector('main').append(img); }""")
    found = [v["id"] for v in axe_violations(page, axe_path)]
    assert "image-alt" in found


def test_requests_to_other_hosts_are_caught(browser, live_server):
    """The check every page_factory test ends with: a request to another host is
    recorded (and aborted before it leaves the machine)."""
    from .helpers import Requests, new_context

    context = new_context(browser, live_server)
    page = context.new_page()
    seen = Requests()
    page.on("request", seen)
    page.goto("/tilgaengelighed")
    with page.expect_event("requestfailed"):
        page.evaluate("""() => { const img = document.createElement('img');
                                 img.alt = ''; img.src = 'http://192.0.2.1/pixel.png'; document.body.append(img); }""")
    context.close()
    assert seen.foreign() == ["http://192.0.2.1/pixel.png"]
