"""Two-factor authentication in a real browser: every page passes axe-core (Danish and English),
and the whole round (enrol, recovery codes, log out, log in with a code) works with the keyboard
alone under the real Content-Security-Policy (the QR code is inline SVG)."""
from __future__ import annotations

import time

import pyotp
import pytest

from tests.helpers import PASSWORD

from .helpers import LANGUAGES, assert_lang, axe_violations, choose_language, describe
from .test_journeys import csp_errors, tab_to, type_into

pytestmark = pytest.mark.browser


def _make_user(live_server, email: str, role: str = "coordinator") -> None:
    with live_server.app.app_context():
        from fællesskab.accounts.services import create_user, find_by_email
        from fællesskab.extensions import db

        if find_by_email(email) is None:
            create_user(email, role, PASSWORD)
            db.session.commit()
        db.session.remove()


def _secret(page) -> str:
    return page.locator(".mfa-secret").inner_text().replace(" ", "")


def _axe(page, axe_path, problems: list[str], what: str) -> None:
    violations = axe_violations(page, axe_path)
    if violations:
        problems.append(f"{what} ({page.url}):\n{describe(violations)}")


def _follow(page, selector: str) -> None:
    """Tab to a link or button and press Enter; wait for the page it leads to."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _password_by_keyboard(page, email: str) -> None:
    page.goto("/login")
    type_into(page, "input[name=email]", email)
    type_into(page, "input[name=password]", PASSWORD)
    _follow(page, "form:has(input[name=password]) [type=submit]")


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_two_factor_pages_pass_axe(page_factory, live_server, axe_path, lang):
    email = f"mfa-axe-{lang}@example.org"
    _make_user(live_server, email)
    page = page_factory(lang=lang, bypass_csp=True)
    problems: list[str] = []
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    _submit(page, "form:has(input[name=password]) [type=submit]")

    page.goto("/konto")
    _axe(page, axe_path, problems, "account, 2FA off")
    page.goto("/konto/tofaktor")
    assert_lang(page, lang)
    svg = page.locator(".mfa-qr svg[role=img]")
    assert svg.count() == 1 and svg.locator("title").count() == 1
    _axe(page, axe_path, problems, "enrolment")
    secret = _secret(page)
    # with errors: no code, no password
    _submit(page, "form[action$='/konto/tofaktor'] [type=submit]")
    assert page.locator(".error-summary").count() == 1
    _axe(page, axe_path, problems, "enrolment with errors")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.fill("#password", PASSWORD)
    _submit(page, "form[action$='/konto/tofaktor'] [type=submit]")
    assert page.locator(".recovery-codes li").count() == 10
    _axe(page, axe_path, problems, "recovery codes")
    page.goto("/konto")
    _axe(page, axe_path, problems, "account, 2FA on")
    for path in ("/konto/tofaktor/slaa-fra", "/konto/tofaktor/nye-koder", "/konto/adgangskode"):
        page.goto(path)
        _axe(page, axe_path, problems, path)

    page.goto("/logout")
    _submit(page, "main form [type=submit]")
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    _submit(page, "form:has(input[name=password]) [type=submit]")
    assert "/login/kode" in page.url
    assert page.locator("#code").get_attribute("autocomplete") == "one-time-code"
    assert page.locator("#code").get_attribute("inputmode") == "numeric"
    _axe(page, axe_path, problems, "code after the password")
    page.locator("main details summary").click()  # the header has a <details> menu too
    _submit(page, "form:has(#recovery_code) [type=submit]")  # empty: an error
    _axe(page, axe_path, problems, "recovery code with an error")
    page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))
    _submit(page, "form:has(#code) [type=submit]")
    assert "/login" not in page.url, page.url
    assert not problems, f"axe-core ({lang}):\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_admin_reset_page_passes_axe(page_factory, live_server, axe_path, lang):
    email = f"mfa-admin-{lang}@example.org"
    _make_user(live_server, email, role="admin")
    page = page_factory(lang=lang, bypass_csp=True)
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    _submit(page, "form:has(input[name=password]) [type=submit]")
    page.goto("/admin/tofaktor")
    assert_lang(page, lang)
    problems: list[str] = []
    _axe(page, axe_path, problems, "admin reset")
    _submit(page, "main form [type=submit]")  # empty: errors
    assert page.locator(".error-summary").count() == 1
    _axe(page, axe_path, problems, "admin reset with errors")
    assert not problems, f"axe-core ({lang}):\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_two_factor_round_with_the_keyboard_only(page, live_server, lang):
    """Enrol, note the codes, log out, log in with password and code: keyboard only, real CSP."""
    email = f"mfa-keys-{lang}@example.org"
    _make_user(live_server, email)
    choose_language(page, lang)
    _password_by_keyboard(page, email)

    # from the header's account link to the enrolment
    _follow(page, "header a[href='/konto']")
    _follow(page, "main a[href='/konto/tofaktor']")
    secret = _secret(page)
    type_into(page, "#code", pyotp.TOTP(secret).now())
    type_into(page, "#password", PASSWORD)
    _follow(page, "form[action$='/konto/tofaktor'] [type=submit]")
    assert page.locator(".recovery-codes li").count() == 10
    codes = [c.strip() for c in page.locator(".recovery-codes code").all_inner_texts()]

    page.goto("/logout")
    _follow(page, "main form [type=submit]")
    _password_by_keyboard(page, email)
    assert "/login/kode" in page.url
    # the recovery code, behind its disclosure, opened with the keyboard
    tab_to(page, "main details summary")
    page.keyboard.press("Enter")
    type_into(page, "#recovery_code", codes[0])
    _follow(page, "form:has(#recovery_code) [type=submit]")
    assert "/login" not in page.url, page.url
    assert page.locator(".flash--warning").count() == 1  # 9 codes left
    assert_lang(page, lang)
    assert not csp_errors(page), csp_errors(page)
