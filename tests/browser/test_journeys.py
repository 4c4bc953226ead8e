"""The three journeys end to end in Chromium, in Danish and English, CSRF and CSP on.

- newcomer: front page → /ny-i-kolding → matches → a welcome event → sign up
  (with the keyboard only: Tab, Enter, Space and arrow keys; no clicks);
- coordinator: log in → inbox → a case → send the welcome message → hand over
  (keyboard only, too);
- forum: log in → post an event (keyboard only) → (the coordinator approves it;
  a newcomer signs up on the public page) → the forum sees the sign-up.
"""
from __future__ import annotations

import re

import pytest

from .helpers import (
    DEMO_EMAILS,
    LANGUAGES,
    assert_lang,
    choose_language,
    demo_password,
    focus_is_visible,
    log_in,
    press_until_focused,
)

pytestmark = pytest.mark.browser


# One newcomer per language run, so both runs can take a case from "new" to "handed over".
CASE_NEWCOMER = {"da": "DEMO-N-001", "en": "DEMO-N-002"}


def csp_errors(page) -> list[str]:
    return [m for m in page.console_errors if "Content Security Policy" in m or "Refused to" in m]


def tab_to(page, selector: str) -> None:
    press_until_focused(page, selector)
    assert focus_is_visible(page), f"{selector} has the focus on {page.url} but shows no focus indicator"


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def signup_events(live_server) -> set[int]:
    """Ids of the public welcome events that take sign-ups on their page."""
    import sqlalchemy as sa

    from fællesskab.events.models import Event
    from fællesskab.extensions import db

    with live_server.app.app_context():
        ids = set(db.session.scalars(sa.select(Event.id).where(
            Event.kind == "welcome-meeting", Event.status == "approved", Event.registration_required.is_(True))))
        db.session.remove()
    return ids


@pytest.mark.parametrize("lang", LANGUAGES)
def test_newcomer_journey_with_the_keyboard_only(page, live_server, lang):
    choose_language(page, lang)
    page.goto("/")
    page.keyboard.press("Tab")  # the skip link comes first and is visible when focused
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert focus_is_visible(page)

    tab_to(page, "nav a[href='/ny-i-kolding']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ny-i-kolding")
    assert_lang(page, lang)

    # The address combobox: type, pick the first suggestion with the arrow keys and Enter.
    type_into(page, "#address", "Almind Stationsvej")
    page.wait_for_selector("[role=listbox] [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert "Almind" in page.input_value("#address")
    type_into(page, "#match-adults", "2")
    type_into(page, "#match-children", "4, 9")
    tab_to(page, "#match-interest-sport")
    page.keyboard.press("Space")
    assert page.is_checked("#match-interest-sport")
    tab_to(page, "form.match-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_lang(page, lang)
    assert page.locator(".match-list > li").count() > 0

    # The first suggested welcome event that takes sign-ups on its page.
    hrefs = page.locator(".match-card__action a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    open_for_signup = signup_events(live_server)
    href = next((h for h in hrefs if int(re.search(r"/arrangementer/(\d+)", h).group(1)) in open_for_signup), None)
    assert href, f"no suggested welcome event takes sign-ups: {hrefs}"
    tab_to(page, f".match-card__action a[href='{href}']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/arrangementer/\d+"))
    assert page.locator("#tilmelding form").count() == 1, "the suggested event takes no sign-ups"
    email = f"keyboard-{lang}@example.org"
    type_into(page, "#tilmelding input[name=name]", f"Keyboard {lang.upper()}")
    type_into(page, "#tilmelding input[name=email]", email)
    type_into(page, "#tilmelding input[name=party_size]", "2")
    tab_to(page, "#tilmelding form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert_lang(page, lang)
    page.wait_for_url(re.compile(r"/arrangementer/\d+/tilmeldt$"))
    confirmation = page.locator(".signup-done")
    assert confirmation.count() == 1 and email in confirmation.inner_text()
    assert not csp_errors(page), csp_errors(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_coordinator_journey_with_the_keyboard_only(page, live_server, lang):
    from fællesskab.outreach.models import Newcomer

    with live_server.app.app_context():
        import sqlalchemy as sa

        from fællesskab.extensions import db

        name, case_id = db.session.execute(
            sa.select(Newcomer.name, Newcomer.id).where(Newcomer.external_id == CASE_NEWCOMER[lang])).one()
        case_id = db.session.get(Newcomer, case_id).case.id
        db.session.remove()

    choose_language(page, lang)
    page.goto("/login")
    type_into(page, "input[name=email]", DEMO_EMAILS["coordinator"])
    type_into(page, "input[name=password]", demo_password("coordinator"))
    tab_to(page, "form:has(input[name=password]) [type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/koordinator/")
    assert_lang(page, lang)
    tab_to(page, "main a[href='/koordinator/tilflyttere/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/koordinator/tilflyttere/")
    tab_to(page, f"#sag-{case_id} a[href='/koordinator/tilflyttere/{case_id}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/koordinator/tilflyttere/{case_id}")
    assert name in page.locator("h1").inner_text()

    # The newcomer agreed on the phone to be introduced to the village forum.
    for action in ("samtykke", "forslag"):
        tab_to(page, f"form[action$='/{case_id}/{action}'] button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.locator("input[name=valg]").count() > 0, "no suggestions for the newcomer"
    tab_to(page, "input[name=valg]")
    page.keyboard.press("Space")
    tab_to(page, f"form[action$='/{case_id}/velkomst'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/{case_id}/velkomst"))
    assert_lang(page, lang)
    assert page.input_value("input[name=subject]")
    tab_to(page, "textarea[name=body]")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\nPS: browser test")
    tab_to(page, "button[name=handling][value=send]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".flash--success").count() == 1
    assert "PS: browser test" in _sent_mail(live_server)

    page.goto(f"/koordinator/tilflyttere/{case_id}")
    tab_to(page, f"a[href='/koordinator/tilflyttere/{case_id}/overdrag']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{case_id}/overdrag")
    tab_to(page, f"form[action$='/{case_id}/overdrag'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".flash--success").count() == 1, page.locator(".flash-region").inner_text()
    assert_lang(page, lang)
    assert not csp_errors(page), csp_errors(page)

    from fællesskab.outreach.models import Case

    with live_server.app.app_context():
        from fællesskab.extensions import db

        case = db.session.get(Case, case_id)
        assert case.status == "handed_over" and case.handed_to_forum_id is not None
        db.session.remove()


def _sent_mail(live_server) -> str:
    import glob
    import os

    folder = live_server.app.config["MAIL_FOLDER"]
    texts = []
    for path in glob.glob(os.path.join(folder, "**", "*.eml"), recursive=True):
        with open(path, encoding="utf-8", errors="replace") as fh:
            texts.append(fh.read())
    return "\n".join(texts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_forum_journey_keyboard_only_for_the_forum(page_factory, lang):
    # en-US: the date and time fields take their digits in that locale's order.
    forum = page_factory(locale="en-US")
    choose_language(forum, lang)
    forum.goto("/login")
    type_into(forum, "input[name=email]", DEMO_EMAILS["forum"])
    type_into(forum, "input[name=password]", demo_password("forum"))
    tab_to(forum, "form:has(input[name=password]) [type=submit]")
    with forum.expect_navigation():
        forum.keyboard.press("Enter")
    forum.wait_for_url("**/forum/")
    tab_to(forum, "main a[href='/forum/arrangementer/nyt']")
    forum.keyboard.press("Enter")
    forum.wait_for_url("**/forum/arrangementer/nyt")
    assert_lang(forum, lang)
    title = f"Browser test welcome evening ({lang})"
    type_into(forum, "input[name=title]", title)
    tab_to(forum, "select[name=kind]")
    for _ in range(len(forum.locator("select[name=kind] option").all())):
        if forum.input_value("select[name=kind]") == "welcome-meeting":
            break
        forum.keyboard.press("ArrowDown")
    assert forum.input_value("select[name=kind]") == "welcome-meeting"
    type_into(forum, "textarea[name=description]", "Coffee, cake and a walk round the village.")
    day = _in_days(20)
    tab_to(forum, "input[name=date]")
    forum.keyboard.type(day[5:7] + day[8:10] + day[:4])  # mm dd yyyy
    tab_to(forum, "input[name=start_time]")
    forum.keyboard.type("0700PM")
    tab_to(forum, "input[name=end_time]")
    forum.keyboard.type("0900PM")
    assert (forum.input_value("input[name=date]"), forum.input_value("input[name=start_time]"),
            forum.input_value("input[name=end_time]")) == (day, "19:00", "21:00")
    tab_to(forum, "input[name=registration_required]")
    forum.keyboard.press("Space")
    assert forum.is_checked("input[name=registration_required]")
    type_into(forum, "input[name=capacity]", "30")
    tab_to(forum, "form.event-form button[type=submit]")
    forum.keyboard.press("Enter")
    forum.wait_for_url(re.compile(r"/forum/#arrangement-\d+$"))
    event_id = int(forum.url.rsplit("-", 1)[1])
    assert forum.locator(f"#arrangement-{event_id}").count() == 1

    # The forum is not trusted yet, so the coordinator approves the event first.
    coordinator = page_factory()
    choose_language(coordinator, lang)
    log_in(coordinator, "coordinator")
    coordinator.goto("/koordinator/godkendelse")
    with coordinator.expect_navigation():
        coordinator.locator(f"form[action$='/arrangementer/{event_id}/godkend'] button[type=submit]").click()

    # A newcomer signs up on the public event page.
    public = page_factory()
    choose_language(public, lang)
    public.goto(f"/arrangementer/{event_id}")
    public.fill("#tilmelding input[name=name]", f"Signup Person {lang}")
    public.fill("#tilmelding input[name=email]", f"signup-{lang}@example.org")
    with public.expect_navigation():
        public.locator("#tilmelding form button[type=submit]").click()
    assert public.locator(".signup-done").count() == 1

    forum.goto("/forum/")
    forum.locator(f"#arrangement-{event_id} a[href='/forum/arrangementer/{event_id}/tilmeldinger']").click()
    forum.wait_for_url(f"**/forum/arrangementer/{event_id}/tilmeldinger")
    assert_lang(forum, lang)
    assert f"signup-{lang}@example.org" in forum.locator("main").inner_text()
    for p in (forum, coordinator, public):
        assert not csp_errors(p), csp_errors(p)


def _in_days(days: int) -> str:
    from datetime import date, timedelta

    return (date.today() + timedelta(days=days)).isoformat()
