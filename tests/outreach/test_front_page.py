"""The coordinator's front page leads with today's work: new cases, follow-ups due, welcome sign-ups, approvals."""
from __future__ import annotations

from datetime import timedelta

from fællesskab.outreach import services

from ..events.conftest import sign_up  # noqa: F401

FRONT = "/koordinator/"


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def test_the_front_page_leads_with_todays_work(client, db, coordinator, make_case, make_event, sign_up,  # noqa: F811
                                              almind_forum):
    today = services.today()
    make_case(name="Ny Nielsen")
    overdue = make_case(name="Overskreden Olsen")
    overdue.next_action_on = today - timedelta(days=3)
    due = make_case(name="Forfalden Frandsen")
    services.transition(due, "contacted", actor=coordinator)
    due.next_action_on = today
    later = make_case(name="Senere Sørensen")
    services.transition(later, "contacted", actor=coordinator)
    closed = make_case(name="Lukket Larsen")
    services.transition(closed, "declined", actor=coordinator)
    closed.next_action_on = today - timedelta(days=9)
    db.session.commit()
    meeting = make_event(title="Velkomstmøde i Almind", kind="welcome-meeting", starts_in=timedelta(days=5),
                         registration_required="true", forum_id=almind_forum.id)
    make_event(title="Fællesspisning", kind="social", starts_in=timedelta(days=4))
    sign_up(meeting, email="a@example.org", party_size=2)
    sign_up(meeting, email="b@example.org", party_size=1)
    make_event(title="Venter Vinsmagning", status="pending", kind="social")

    page = client.get(FRONT).get_data(as_text=True)
    assert page.index('id="idag-titel"') < page.index('id="status-titel"')  # today's work before the directory

    new_block = _section(page, "nye-titel")
    assert "Ny Nielsen" in new_block and "Overskreden Olsen" in new_block and "(2)" in new_block
    assert "Forfalden Frandsen" not in new_block and "Senere Sørensen" not in new_block
    assert "/koordinator/tilflyttere/?status=new" in new_block

    due_block = _section(page, "frist-titel")
    assert "Forfalden Frandsen" in due_block and "Overskreden Olsen" in due_block and "(2)" in due_block
    assert "Ny Nielsen" not in due_block and "Lukket Larsen" not in due_block
    assert "1 overskredet" in due_block and "frist=overskredne" in due_block and "frist=forfaldne" in due_block

    welcome = _section(page, "velkomst-titel")
    assert "Velkomstmøde i Almind" in welcome and "Fællesspisning" not in welcome
    assert "2 tilmeldinger, 3 personer" in welcome and "kind=welcome-meeting" in welcome

    pending = _section(page, "pending-titel")
    assert "Venter Vinsmagning" in pending and "(1)" in pending and "/koordinator/godkendelse" in pending

    assert "Lukket Larsen" not in page

    english = client.get(FRONT, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Today&#39;s work" in english or "Today's work" in english
    assert "New residents" in english and "Follow-ups due today" in english and "1 overdue" in english
    assert "2 sign-ups, 3 people" in english and "Welcome meetings coming up" in english


def test_an_empty_day_says_so(client, db, coordinator):
    page = client.get(FRONT).get_data(as_text=True)
    assert "Ingen nye tilflyttere." in _section(page, "nye-titel")
    assert "Ingen opfølgninger har frist i dag." in _section(page, "frist-titel")
    assert "Ingen velkomstmøder de næste 30 dage." in _section(page, "velkomst-titel")
