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
    links = page.locator(".match-list > li h3 a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
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
    # the same results in the same order; a listing with English text is named in English now
    assert page.locator(".match-list > li h3 a").evaluate_all("els => els.map(e => e.getAttribute('href'))") == links
    # The person's own address is still there for the next step, though never in the URL.
    assert page.locator("form[action='/ny-i-kolding/kontakt'] input[name=address]").input_value().startswith(
        "Almind Stationsvej")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_after_contact_me_the_person_knows_who_and_how(page_factory, lang):
    page = page_factory(lang=lang)
    page.goto("/kontakt-mig/tak")
    main = page.locator("main")
    assert main.locator("a[href^='mailto:']").count() >= 1
    assert main.locator("a[href='/privatliv/mine-data/']").is_visible()


# Codes the demo data holds outside the curated language list: a Filipino association (tl) and a
# newcomer who speaks Tamil (ta). A page that shows them raw fails.
RAW = re.compile(r"(?<![\w-])(tl|ta)(?![\w-])")


def _visible_codes(page) -> list[str]:
    return RAW.findall(page.locator("main").inner_text())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_shows_a_language_code(page_factory, live_server, lang):
    from fællesskab.directory.models import Association
    from fællesskab.extensions import db
    from fællesskab.outreach.models import Newcomer

    with live_server.app.app_context():
        import sqlalchemy as sa

        slug = db.session.scalar(sa.select(Association.slug).where(Association.external_id == "DEMO-A-002"))
        newcomer = db.session.execute(sa.select(Newcomer).where(Newcomer.external_id == "DEMO-N-006")).scalar_one()
        case_id = newcomer.case.id
        db.session.remove()
    page = page_factory(lang=lang, role="coordinator")
    for path in (f"/foreninger/{slug}", "/soeg?q=filipino", "/koordinator/tilflyttere/?status=alle",
                 f"/koordinator/tilflyttere/{case_id}"):
        page.goto(path)
        assert not _visible_codes(page), (path, _visible_codes(page))
    page.goto(f"/foreninger/{slug}")
    assert ("tagalog" if lang == "da" else "Tagalog") in page.locator("main").inner_text()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_boxes_sit_on_their_labels_line_and_columns_fit_at_1280(page_factory, lang):
    page = page_factory(lang=lang, role="coordinator", viewport=SIZES["desktop-1280"])

    def same_line(box: str) -> bool:
        return page.evaluate("""(sel) => { const i = document.querySelector(sel);
            const l = document.querySelector(`label[for="${i.id}"]`);
            const a = i.getBoundingClientRect(), b = l.getBoundingClientRect();
            return a.top < b.bottom && b.top < a.bottom && b.left >= a.right; }""", box)

    page.goto("/ny-i-kolding")
    assert same_line("#match-interest-international")
    page.goto("/soeg?q=xylofonqwz")
    assert same_line("#soeg-newcomers") and same_line("#soeg-upcoming")
    assert page.locator("#filter-titel").count() == 0, "an empty 'Afgræns' card on an empty search"
    for select in ("#soeg-type", "#soeg-sort"):  # no choice cut off
        assert page.evaluate("""(s) => { const e = document.querySelector(s);
            const span = document.createElement('span');
            span.style.font = getComputedStyle(e).font; span.style.whiteSpace = 'pre'; span.style.position = 'absolute';
            span.textContent = e.options[e.selectedIndex].text; document.body.appendChild(span);
            const need = span.getBoundingClientRect().width; span.remove(); return need + 24 <= e.clientWidth; }""",
                             select), select
    page.goto("/koordinator/tilflyttere/")
    last = page.locator(".inbox-table thead th").last
    box = last.bounding_box()
    wrap = page.locator(".inbox-table").locator("xpath=..").bounding_box()
    assert box["x"] + box["width"] <= wrap["x"] + wrap["width"] + 1, "the inbox's last column is cut off"
