"""E-mails to staff (due cases, hand-overs) follow the language of their last login."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from fællesskab.mail.models import OutboxMessage
from fællesskab.outreach import handover, services

from ..helpers import PASSWORD


def messages(db, kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.id)))


def test_login_remembers_the_ui_language(client, db, make_user):
    user = make_user("coordinator")
    assert user.language == "da"
    client.get("/login?lang=en")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    db.session.refresh(user)
    assert user.language == "en"
    client.post("/logout")
    client.get("/login?lang=da")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    db.session.refresh(user)
    assert user.language == "da"


def test_due_cases_email_in_the_coordinators_language(runner, db, make_case, make_user):
    ann = make_user("coordinator", name="Ann")
    ann.language = "en"
    karen = make_user("coordinator", name="Karen")
    case = make_case(name="Sofie Lund")
    services.assign(case, ann, actor=ann)
    services.transition(case, "contacted", actor=ann)
    case.next_action_on = services.today() - timedelta(days=2)
    nobodys = make_case(name="Ingen Koordinator")
    nobodys.next_action_on = services.today()
    db.session.commit()
    result = runner.invoke(args=["outreach", "due"])
    assert result.exit_code == 0, result.output
    by_to = {m.to_address: m for m in messages(db, "outreach_due")}
    english, danish = by_to[ann.email], by_to[karen.email]
    assert english.language == "en" and english.subject == "Newcomers: 1 case(s) to follow up, 1 without a coordinator"
    assert f"Case #{case.id}" in english.text_body and "contacted" in english.text_body
    assert "(OVERDUE)" in english.text_body and "Sag #" not in english.text_body
    assert '<html lang="en">' in english.html_body and "Sofie" not in english.html_body
    assert "1 due cases have no coordinator" in english.text_body
    assert danish.language == "da" and "Du har ingen egne sager" in danish.text_body


def test_hand_over_email_in_the_forum_accounts_language(db, make_case, make_user, almind_forum):
    coordinator = make_user("coordinator")
    english = make_user("forum", forum=almind_forum, email="chair@example.org")
    english.language = "en"
    make_user("forum", forum=almind_forum, email="kasserer@example.org")  # a Danish-speaking board member
    case = make_case(handover=True)
    services.transition(case, "contacted", actor=coordinator)
    services.transition(case, "matched", actor=coordinator)
    handover.hand_over(case, actor=coordinator)
    db.session.commit()
    by_to = {m.to_address: m for m in messages(db, "outreach_handover")}
    assert by_to["chair@example.org"].subject == "A newcomer has been handed over to Almind Testforum"
    assert "with their consent" in by_to["chair@example.org"].text_body
    assert by_to["kasserer@example.org"].subject == "En ny tilflytter er givet videre til Almind Testforum"
