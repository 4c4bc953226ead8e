"""The journeys as people live them (issue 21): what a person sees after each step,
in Danish and English, at 1280 px and on a 390 px phone."""
from __future__ import annotations

import re

import pytest

from .helpers import LANGUAGES, assert_lang
from .test_journeys import csp_errors, signup_events

pytestmark = pytest.mark.browser

SIZES = {"desktop-1280": {"width": 1280, "height": 800}, "phone-390": {"width": 390, "height": 844}}


def in_viewport(page, selector: str) -> bool:
    """Whether the element's top is inside the visible part of the page right now."""
    return page.evaluate("""(sel) => { const el = document.querySelector(sel); if (!el) return false;
        const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight && r.height > 0; }""",
                         selector)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sign_up_confirmation_cannot_be_missed(page_factory, live_server, lang, size):
    page = page_factory(lang=lang, viewport=SIZES[size])
    event_id = min(signup_events(live_server))
    page.goto(f"/arrangementer/{event_id}")
    title = page.locator("h1").inner_text()
    email = f"confirm-{lang}-{size}@example.org"
    page.fill("#tilmelding input[name=name]", "Confirm Person")
    page.fill("#tilmelding input[name=email]", email)
    with page.expect_navigation():
        page.locator("#tilmelding form [type=submit]").click()
    page.wait_for_url(re.compile(rf"/arrangementer/{event_id}/tilmeldt$"))
    assert_lang(page, lang)
    assert in_viewport(page, ".signup-done h1"), "the confirmation's heading is not on the screen"
    assert in_viewport(page, ".signup-done__notice")
    text = page.locator("main").inner_text()
    assert title in text and email in text
    assert page.locator(f"main a[href='/arrangementer/{event_id}.ics']").is_visible()
    assert page.locator("main form").count() == 0, "an empty sign-up form again"
    page.reload()  # reload shows the same answer and signs up nobody twice
    assert page.locator(".signup-done").count() == 1
    assert not csp_errors(page), csp_errors(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_back_reload_and_the_language_switch_keep_the_results(page_factory, lang):
    page = page_factory(lang=lang)
    page.goto("/ny-i-kolding")
    page.fill("#address", "Almind Stationsvej 14, 6051 Almind")
    page.fill("#match-children", "4, 9")
    with page.expect_navigation():
        page.locator("form.match-form [type=submit]").click()
    assert "/ny-i-kolding/resultater?" in page.url and "Stationsvej" not in page.url
    first = page.locator(".match-list > li h3 a").all_inner_texts()
    assert first
    with page.expect_navigation():
        page.locator(".match-list > li h3 a").first.click()
    with page.expect_navigation():
        page.go_back()
    assert "/ny-i-kolding/resultater?" in page.url  # no "Confirm Form Resubmission"
    assert page.locator(".match-list > li h3 a").all_inner_texts() == first
    page.reload()
    assert page.locator(".match-list > li h3 a").all_inner_texts() == first
    other = "en" if lang == "da" else "da"
    with page.expect_navigation():
        page.locator(f"header a[hreflang={other}]").click()
    assert_lang(page, other)
    assert "/ny-i-kolding/resultater?" in page.url
    assert page.locator(".match-list > li h3 a").all_inner_texts() == first
    # The person's own address is still there for the next step, though never in the URL.
    assert page.locator("form[action='/ny-i-kolding/kontakt'] input[name=address]").input_value().startswith(
        "Almind Stationsvej")
