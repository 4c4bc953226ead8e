"""Steps the browser tests share: language, login, axe-core, keyboard and layout checks.

Selectors are ids, names and stable attributes, never visible text, so the
tests pass whichever language the page is in.
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from fællesskab.demo import demo_password

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ["da", "en"]
# Chromium itself may ask for these on start; they are not requests of our pages.
BROWSER_OWN = ("chrome://", "about:", "data:", "blob:")
DEMO_EMAILS = {"coordinator": "koordinator@example.org", "forum": "forum@example.org", "admin": "admin@example.org"}


def choose_language(page, lang: str) -> None:
    """Pick the UI language with the switch in the page header, as a person would."""
    page.goto("/")
    if page.locator("html").get_attribute("lang") != lang:
        switch = page.locator(f"header button[name=lang][value={lang}], header a[hreflang={lang}]")
        assert switch.count(), f"no language switch to {lang!r} in the page header"
        with page.expect_navigation():
            switch.first.click()
    assert_lang(page, lang)


def assert_lang(page, lang: str) -> None:
    actual = page.locator("html").get_attribute("lang")
    assert actual == lang, f"{page.url}: <html lang={actual!r}>, expected {lang!r}"


def log_in(page, role: str) -> None:
    """Log in as the demo account of `role` through the login form."""
    page.goto("/login")
    page.fill("input[name=email]", DEMO_EMAILS[role])
    page.fill("input[name=password]", demo_password(role))
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()
    assert "/login" not in page.url, f"login as {role} failed: still on {page.url}"


def axe_violations(page, axe_path: str) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; return the violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=axe_path)
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
        }""",
        AXE_TAGS,
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['summary']}".replace("\n", " "))
    return "\n".join(lines)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = no horizontal scroll)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def press_until_focused(page, selector: str, *, key: str = "Tab", limit: int = 150) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard-only navigation)."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("(sel) => { const a = document.activeElement; return !!a && a.matches(sel); }", selector):
            return
    raise AssertionError(f"{selector} never got the keyboard focus on {page.url} after {limit} x {key}")


def focus_is_visible(page) -> bool:
    """Whether the focused element draws a visible focus indicator (outline or box-shadow)."""
    return page.evaluate(
        """() => { const a = document.activeElement; if (!a || a === document.body) return false;
                   const s = getComputedStyle(a);
                   return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; }"""
    )


def unavailable(reason: str):
    """Skip with the reason, or fail when running in CI (the tests must run there)."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def is_foreign(url: str) -> bool:
    return not url.startswith(BROWSER_OWN) and urlsplit(url).hostname != "127.0.0.1"


class Requests:
    """Every URL the page asked for; `foreign()` lists those not on 127.0.0.1."""

    def __init__(self):
        self.urls: list[str] = []

    def __call__(self, req) -> None:
        self.urls.append(req.url)

    def foreign(self) -> list[str]:
        return [u for u in self.urls if is_foreign(u)]


def new_context(browser, live_server, **kw):
    """A fresh browser context on the live server; requests to other hosts are
    recorded by the page's listener and then aborted, so nothing leaves the machine."""
    context = browser.new_context(base_url=live_server.url, **kw)
    context.route(is_foreign, lambda route: route.abort("blockedbyclient"))
    return context
