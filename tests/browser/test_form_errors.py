"""Form errors (WCAG 3.3.1, 3.3.3, 4.1.3): announced in a role=alert summary whose
links lead to the fields, each invalid field marked aria-invalid and pointing to
its message with aria-describedby; and no axe-core violation in that state."""
from __future__ import annotations

import pytest

from .helpers import LANGUAGES, assert_lang, axe_violations, describe

pytestmark = pytest.mark.browser


# (role, path, the form's submit button, fields to fill first)
FORMS = {
    "login": (None, "/login", "form:has(input[name=password]) [type=submit]", {}),
    "sign-up": (None, "/arrangementer/{event}", "#tilmelding form [type=submit]",
                {"#tilmelding input[name=email]": "not an address"}),
    "contact-me": (None, "/kontakt-mig", "main form[method=post] [type=submit]", {}),
    "newcomer": (None, "/ny-i-kolding", "form.match-form [type=submit]", {"#match-children": "fire"}),
    "forum-event": ("forum", "/forum/arrangementer/nyt", "form.event-form [type=submit]", {}),
}


def assert_errors_linked(page) -> None:
    alert = page.locator("[role=alert]")
    assert alert.count() >= 1 and alert.first.is_visible(), f"{page.url}: no visible role=alert error summary"
    for href in alert.first.locator("a[href^='#']").evaluate_all("as => as.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1, f"{page.url}: the summary links to {href}, which is not there"
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 1, f"{page.url}: no field is marked aria-invalid"
    for i in range(invalid.count()):
        field = invalid.nth(i)
        name = field.get_attribute("id") or field.get_attribute("name")
        described = (field.get_attribute("aria-describedby") or "").split()
        messages = [d for d in described if page.locator(f"#{d}").count() and "error" in d]
        assert messages, f"{page.url}: {name} is invalid but aria-describedby={described} names no error message"
        assert page.locator(f"#{messages[0]}").is_visible()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(FORMS))
def test_form_errors_are_announced_and_linked(page_factory, axe_path, ids, name, lang):
    role, path, submit, fill = FORMS[name]
    page = page_factory(lang=lang, role=role, bypass_csp=True)
    page.goto(path.format(**ids))
    for selector, value in fill.items():
        page.fill(selector, value)
    with page.expect_navigation():
        page.locator(submit).first.click()
    assert_lang(page, lang)
    assert_errors_linked(page)
    violations = axe_violations(page, axe_path)
    assert not violations, f"axe-core on {name} with errors ({lang}):\n{describe(violations)}"
