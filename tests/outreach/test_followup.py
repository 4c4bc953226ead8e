"""Follow-up: a configurable number of weeks after matched or handed over the case is due;
`outreach due` emails each coordinator their due list (no names in it)."""
from __future__ import annotations

from datetime import timedelta

from fællesskab.outreach import services

from ..mail.smtp import body


def test_matched_and_handed_over_cases_are_due_after_the_configured_weeks(app, db, make_case, make_user,
                                                                           monkeypatch, almind_forum):
    from fællesskab.outreach import handover

    monkeypatch.setitem(app.config, "OUTREACH_FOLLOW_UP_WEEKS", 3)
    coordinator = make_user("coordinator")
    case = make_case(handover=True)
    services.transition(case, "contacted", actor=coordinator)
    services.transition(case, "matched", actor=coordinator)
    assert case.next_action_on == services.today() + timedelta(weeks=3)
    handover.hand_over(case, actor=coordinator)
    assert case.status == "handed_over" and case.next_action_on == services.today() + timedelta(weeks=3)
    monkeypatch.setitem(app.config, "OUTREACH_FOLLOW_UP_WEEKS", "nonsense")
    assert services.follow_up_weeks() == 4
    db.session.rollback()


def test_outreach_due_emails_each_coordinator_their_due_cases(runner, db, make_case, make_user, smtp_server,
                                                              outbox):
    karen = make_user("coordinator", name="Karen")
    bo = make_user("coordinator", name="Bo")
    make_user("admin")  # an admin with nothing assigned gets nothing
    today = services.today()
    mine = make_case(name="Sofie Lund")
    services.assign(mine, karen, actor=karen)
    mine.next_action_on = today - timedelta(days=1)
    later = make_case(name="Senere Person")
    services.assign(later, karen, actor=karen)
    later.next_action_on = today + timedelta(days=5)
    nobody = make_case(name="Ingen Koordinator")
    nobody.next_action_on = today
    gone = make_case(name="Trak Sig")
    gone.next_action_on = today - timedelta(days=3)
    db.session.flush()
    services.withdraw_contact(gone.newcomer, actor=karen)
    db.session.commit()

    result = runner.invoke(args=["outreach", "due"])
    assert result.exit_code == 0, result.output
    assert "Forfaldne sager: 2; 2 e-mail(s) lagt i udbakken, 2 sendt." in result.output
    received = {m["To"]: m for m in smtp_server.inbox.wait_for(2)}
    assert set(received) == {karen.email, bo.email}
    to_karen = body(received[karen.email])
    assert f"Sag #{mine.id}" in to_karen and "OVERSKREDET" in to_karen and f"Sag #{later.id}" not in to_karen
    assert "1 forfaldne sager har ingen koordinator" in to_karen
    assert received[karen.email]["Subject"] == "Tilflyttere: 1 sag(er) skal følges op, 1 uden koordinator"
    to_bo = body(received[bo.email])
    assert "Du har ingen egne sager" in to_bo and "1 forfaldne sager har ingen koordinator" in to_bo
    for message in received.values():
        text = message.as_string()
        assert "Sofie" not in text and "Ingen Koordinator" not in text


def test_nothing_due_sends_nothing(runner, db, make_case, make_user, outbox):
    make_user("coordinator")
    make_case()
    result = runner.invoke(args=["outreach", "due"])
    assert result.exit_code == 0 and "Forfaldne sager: 0; 0 e-mail(s)" in result.output
    assert outbox() == []
