"""`flask events send-reminders`: the day before, once per sign-up and date."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from fællesskab.core.time import COPENHAGEN, to_local, utcnow
from fællesskab.events import registrations


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    day = to_local(utcnow()).date() + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=COPENHAGEN)


def test_reminders_go_once_to_people_with_a_place_tomorrow(runner, db, forum_event, sign_up, eml_files):
    start = tomorrow_at(19)
    tomorrow = forum_event(title="I morgen", capacity=1, starts_at=start.isoformat(),
                           ends_at=(start + timedelta(hours=2)).isoformat())
    later = forum_event(title="Om en uge", starts_in=timedelta(days=7))
    sign_up(tomorrow, email="a@example.org")
    sign_up(tomorrow, email="waiting@example.org")
    sign_up(later, email="a@example.org")
    before = len(eml_files())
    result = runner.invoke(args=["events", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Påmindelser: 1 lagt i udbakken, 1 sendt." in result.output
    (reminder,) = eml_files()[before:]
    assert reminder["To"] == "a@example.org"
    assert reminder["Subject"] == "Påmindelse: I morgen i morgen"
    assert "kl. 19:00" in reminder.get_body(("plain",)).get_content()
    again = runner.invoke(args=["events", "send-reminders"])
    assert "Påmindelser: 0 lagt i udbakken" in again.output
    assert len(eml_files()) == before + 1


def test_a_repeating_event_reminds_before_each_date(db, forum_event, sign_up, outbox):
    first = tomorrow_at(10) - timedelta(days=7)
    event = forum_event(title="Ugentlig", starts_at=first.isoformat(),
                        ends_at=(first + timedelta(hours=1)).isoformat(), recurrence="weekly",
                        repeat_until=(first + timedelta(days=30)).date().isoformat())
    sign_up(event, email="a@example.org")
    assert registrations.send_reminders() == 1
    db.session.commit()
    assert registrations.send_reminders() == 0
    next_week = utcnow() + timedelta(days=7)
    assert registrations.send_reminders(now=next_week) == 1
    db.session.commit()
    assert [m.kind for m in outbox()] == ["registration_confirmed", "registration_reminder",
                                         "registration_reminder"]


def test_no_reminders_for_cancelled_events_or_cancelled_sign_ups(db, forum_event, sign_up, make_user):
    from fællesskab.events import publishing

    start = tomorrow_at(18)
    kept = forum_event(starts_at=start.isoformat(), ends_at=(start + timedelta(hours=1)).isoformat())
    dropped = forum_event(starts_at=start.isoformat(), ends_at=(start + timedelta(hours=1)).isoformat())
    registration = sign_up(kept, email="a@example.org")
    sign_up(dropped, email="b@example.org")
    registration.status = "cancelled"
    publishing.cancel_forum_event(dropped, actor=make_user("forum", forum=dropped.forum))
    db.session.commit()
    assert registrations.send_reminders() == 0


def test_a_reminder_in_english_for_an_english_sign_up(db, forum_event, sign_up, outbox):
    start = tomorrow_at(17, 30)
    event = forum_event(starts_at=start.isoformat(), ends_at=(start + timedelta(hours=1)).isoformat())
    sign_up(event, email="en@example.org", language="en")
    registrations.send_reminders()
    db.session.commit()
    reminder = outbox(kind="registration_reminder")[0]
    assert reminder.subject.startswith("Reminder:") and reminder.language == "en"
    assert "at 17:30" in reminder.text_body
