"""axe-core finds no WCAG 2.0/2.1 A or AA violation on any page type, in Danish and English.

axe-core is injected from tests/browser/node_modules (the npm package pinned in
package-lock.json); the contexts bypass the page's CSP only so the injected
script may run (the journeys check the CSP itself).
"""
from __future__ import annotations

import pytest

from .helpers import LANGUAGES, assert_lang, axe_violations, choose_language, describe, horizontal_overflow
from .pages import ADMIN_PAGES, COORDINATOR_PAGES, EMBED_PAGES, FORUM_PAGES, PUBLIC_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.rendering]


def check(page, axe_path, path: str, lang: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, f"{path} answered {response and response.status}"
    assert_lang(page, lang)
    violations = axe_violations(page, axe_path)
    assert not violations, f"axe-core on {path} ({lang}):\n{describe(violations)}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page(page_factory, axe_path, ids, name, lang):
    page = page_factory(lang=lang, bypass_csp=True)
    check(page, axe_path, PUBLIC_PAGES[name].format(**ids), lang, status=404 if name == "not-found" else 200)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(EMBED_PAGES))
def test_embed_page(page_factory, axe_path, ids, name, lang):
    path = EMBED_PAGES[name].format(**ids)
    if lang == "en":
        path += ("&" if "?" in path else "?") + "lang=en"
    page = page_factory(bypass_csp=True)
    check(page, axe_path, path, lang, status=400 if name == "embed-bad-filter" else 200)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_newcomer_results(page_factory, axe_path, lang):
    """The household form answered: the results with their map (forms with errors: test_form_errors)."""
    page = page_factory(lang=lang, bypass_csp=True)
    page.goto("/ny-i-kolding")
    page.fill("#address", "Almind")
    page.fill("#match-adults", "2")
    page.fill("#match-children", "4, 9")
    with page.expect_navigation():
        page.locator("form.match-form [type=submit]").click()
    assert page.locator(".match-list > li").count() > 0, "no matches for Almind"
    # The SVG map is an image with a title and a description; the list beside it says the same.
    svg = page.locator(".geo-map svg[role=img]")
    assert svg.count() == 1
    for part in (svg.get_attribute("aria-labelledby") or "").split():
        assert page.locator(f"[id='{part}']").text_content().strip(), f"the map's {part} is empty"
    violations = axe_violations(page, axe_path)
    assert not violations, f"axe-core on the newcomer results ({lang}):\n{describe(violations)}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role, pages", [("coordinator", COORDINATOR_PAGES), ("forum", FORUM_PAGES),
                                         ("admin", ADMIN_PAGES)])
def test_staff_pages(page_factory, axe_path, ids, role, pages, lang):
    page = page_factory(lang=lang, role=role, bypass_csp=True)
    problems = []
    for name, path in pages.items():
        path = path.format(**ids)
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{name}: {path} answered {response.status}"
        assert_lang(page, lang)
        violations = axe_violations(page, axe_path)
        if violations:
            problems.append(f"{name} ({path}):\n{describe(violations)}")
    assert not problems, f"axe-core ({lang}) as {role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_accessibility_statement_tells_how_it_was_tested(page_factory, lang):
    """The statement names the axe-core version these tests inject, a date, the
    complaint route and a contact; it is linked from every page's footer."""
    import json
    import os

    from fællesskab.main.views import AXE_CORE_VERSION

    with open(os.path.join(os.path.dirname(__file__), "package-lock.json"), encoding="utf-8") as fh:
        pinned = json.load(fh)["packages"]["node_modules/axe-core"]["version"]
    assert pinned == AXE_CORE_VERSION, "update AXE_CORE_VERSION in fællesskab/main/views.py"

    page = page_factory()
    choose_language(page, lang)
    with page.expect_navigation():
        page.locator("footer a[href='/tilgaengelighed']").click()
    assert_lang(page, lang)
    main = page.locator("main").inner_text()
    assert f"axe-core {pinned}" in main
    assert page.locator("#a11y-reviewed-on").get_attribute("datetime")
    assert page.locator("main a[href^='mailto:']").count() >= 1
    assert page.locator("main a[href*='digst.dk']").count() == 1
    assert page.locator("main h2").count() >= 5


@pytest.fixture(scope="module")
def forum_case(live_server) -> int:
    """A newcomer in Almind handed over to the demo forum user's forum (the demo hands none there),
    built through the outreach services as the coordinator would."""
    import sqlalchemy as sa

    from fællesskab.accounts.models import User
    from fællesskab.extensions import db
    from fællesskab.geo.gazetteer import PlaceIndex
    from fællesskab.outreach import consent, handover, services
    from fællesskab.outreach.cleaning import clean_newcomer

    with live_server.app.app_context():
        coordinator = db.session.scalar(sa.select(User).where(User.email == "koordinator@example.org"))
        index = PlaceIndex()
        values = clean_newcomer({
            "external_id": "AXE-N-1", "name": "Axel Tilflytter", "email": "axel@example.org",
            "address": "Almind Stationsvej 14", "postcode": "6051", "town": "Almind", "adults": "2",
            "children_ages": "4;9", "languages": "da;en", "interests": "fodbold;kor", "consent_contact": "true",
        }, locate=index.locate, kolding_postcodes=set(index.postcodes))
        newcomer = services.register_newcomer(values, source="import", consents=[
            (consent.CONTACT, True, consent.ARRIVALS_LIST),
            (consent.HANDOVER, True, consent.CURRENT[consent.HANDOVER])])
        case = newcomer.case
        for status in ("contacted", "matched"):
            services.transition(case, status, actor=coordinator)
        handover.hand_over(case, actor=coordinator)
        db.session.commit()
        case_id = case.id
        db.session.remove()
    return case_id


@pytest.mark.parametrize("lang", LANGUAGES)
def test_forum_case_page(page_factory, axe_path, forum_case, lang):
    page = page_factory(lang=lang, role="forum", bypass_csp=True)
    check(page, axe_path, f"/forum/tilflyttere/{forum_case}", lang)
    assert "Axel Tilflytter" in page.locator("main").inner_text()
    page.set_viewport_size({"width": 360, "height": 740})  # and it reflows on a phone
    assert horizontal_overflow(page) <= 0


@pytest.fixture(scope="module")
def self_service_token(live_server) -> str:
    """The emailed self-service link's token for a demo newcomer, made as the email makes it."""
    import sqlalchemy as sa

    from fællesskab.extensions import db
    from fællesskab.outreach.models import Newcomer
    from fællesskab.privacy import access

    with live_server.app.app_context():
        email = db.session.scalar(sa.select(Newcomer.email).where(Newcomer.email.is_not(None)).order_by(Newcomer.id))
        assert email, "the demo data has no newcomer with an email"
        token = access.make_token(email)
        db.session.remove()
    return token


@pytest.mark.parametrize("lang", LANGUAGES)
def test_self_service_pages(page_factory, axe_path, self_service_token, lang):
    """Behind the emailed link: the overview of one's own data with its consent and delete
    forms; also the page of a broken link and the "link sent" answer to the request form."""
    page = page_factory(lang=lang, bypass_csp=True)
    check(page, axe_path, f"/privatliv/mine-data/adgang/{self_service_token}", lang)  # redirects to the overview
    assert page.url.endswith("/privatliv/mine-data/oversigt")
    assert page.locator("main form").count() >= 2
    page.set_viewport_size({"width": 360, "height": 740})
    assert horizontal_overflow(page) <= 0
    check(page, axe_path, "/privatliv/mine-data/adgang/not-a-token", lang, status=400)
    page.goto("/privatliv/mine-data/")
    page.fill("input[type=email]", "someone@example.org")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert_lang(page, lang)
    violations = axe_violations(page, axe_path)
    assert not violations, f"axe-core on the link-sent page ({lang}):\n{describe(violations)}"
