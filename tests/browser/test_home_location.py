"""The home location in Chromium (issue 20): suggestions keep to the town typed and say when a street is not
known there, the results page says how precise the home is and leads back to the address; the contact form
has the same suggestions (issue 21, item 5). Keyboard only, Danish and English, 1280 and 390 px."""
from __future__ import annotations

import pytest

from .helpers import (
    LANGUAGES,
    axe_violations,
    choose_language,
    describe,
    focus_is_visible,
    horizontal_overflow,
    press_until_focused,
)

pytestmark = pytest.mark.browser

NOTICE = {"da": "Vi kender ikke Skolegade i 6070 Christiansfeld – vi bruger midten af Christiansfeld.",
          "en": "We don't know Skolegade in 6070 Christiansfeld – we use the centre of Christiansfeld."}
CORRECT = {"da": "Ret adressen", "en": "Correct the address"}


def type_address(page, text: str) -> None:
    press_until_focused(page, "#address")
    assert focus_is_visible(page)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.wait_for_selector("[role=listbox] [role=option]")


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_street_not_known_in_the_town_typed_is_said_so_and_can_be_corrected(page_factory, lang, width):
    page = page_factory(viewport={"width": width, "height": 900})
    choose_language(page, lang)
    page.goto("/ny-i-kolding")
    type_address(page, "Skolegade 5, 6070")
    options = page.locator("[role=listbox] [role=option]").all_inner_texts()
    assert options and not any("6000 Kolding" in o for o in options), options
    notice = page.locator("#address-suggestions-notice")
    assert notice.is_visible() and notice.inner_text() == NOTICE[lang]
    assert "address-suggestions-notice" in page.get_attribute("#address", "aria-describedby")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#address") == "Skolegade 5, 6070 Christiansfeld"

    press_until_focused(page, "form.match-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    location = page.locator(".match-location")
    assert location.is_visible() and NOTICE[lang] in location.inner_text()
    box = location.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # no sideways scrolling on a phone
    press_until_focused(page, ".match-location a[href='#address']")
    assert focus_is_visible(page) and page.evaluate("document.activeElement.textContent") == CORRECT[lang]
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#address'")
    assert page.input_value("#address") == "Skolegade 5, 6070 Christiansfeld"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_contact_form_suggests_addresses(page_factory, lang):
    page = page_factory(viewport={"width": 390, "height": 900})
    choose_language(page, lang)
    page.goto("/kontakt-mig")
    type_address(page, "Hovedgaden 1 Sjølund")
    options = page.locator("[role=listbox] [role=option]").all_inner_texts()
    assert options and not any("Jordrup" in o for o in options), options
    assert "Sjølund" in page.locator("#address-suggestions-notice").inner_text()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#address") == "Hovedgaden 1, 6093 Sjølund"
    assert not page.console_errors, page.console_errors


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unplaced_address_on_the_contact_form_is_said_so_accessibly(page_factory, axe_path, lang):
    page = page_factory(lang=lang, bypass_csp=True, viewport={"width": 390, "height": 900})
    page.goto("/kontakt-mig")
    page.fill("#name", "Amal Haddad")
    page.fill("#email", "amal@example.org")
    page.fill("#address", "Qwxzv Ukendtvej 99, Intetsted")
    page.check("#consent_contact")
    with page.expect_navigation():
        page.click("form.outreach-contact button[type=submit]")
    assert "/kontakt-mig/tak" not in page.url
    assert page.locator("#address-notice").is_visible()
    assert "Qwxzv Ukendtvej 99, Intetsted" in page.locator("#address-notice").inner_text()
    assert horizontal_overflow(page) == 0
    violations = axe_violations(page, axe_path)
    assert not violations, describe(violations)
    with page.expect_navigation():  # sent again as typed: it goes through
        page.click("form.outreach-contact button[type=submit]")
    assert page.url.endswith("/kontakt-mig/tak")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_results_pages_location_note_is_accessible(page_factory, axe_path, lang):
    page = page_factory(lang=lang, bypass_csp=True)
    page.goto("/ny-i-kolding")
    page.fill("#address", "Skolegade 5, 6070")
    with page.expect_navigation():
        page.locator("form.match-form [type=submit]").click()
    assert NOTICE[lang] in page.locator(".match-location").inner_text()
    violations = axe_violations(page, axe_path)
    assert not violations, describe(violations)
