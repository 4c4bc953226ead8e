"""Calendar feeds (CONTRACT.md), parsed back with the icalendar library field by field."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from fællesskab.core.time import to_local, utcnow

CPH = ZoneInfo("Europe/Copenhagen")


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.get_data())


def vevents(cal) -> dict[str, icalendar.Event]:
    return {str(c["SUMMARY"]): c for c in cal.walk("VEVENT")}


def next_year_local(month, day, hour):
    return datetime(utcnow().year + 1, month, day, hour, 0, tzinfo=CPH)


@pytest.fixture
def summer_and_winter(forum_event, make_forum):
    forum = make_forum(name="Kalenderforum", email="kalender@example.org")
    summer = forum_event(forum=forum, title="Sommermøde", starts_at=next_year_local(7, 1, 19).isoformat(),
                         ends_at=next_year_local(7, 1, 21).isoformat(), description="Grill og snak.\nAlle er velkomne.")
    winter = forum_event(forum=forum, title="Vintermøde", starts_at=next_year_local(1, 14, 19).isoformat(),
                         ends_at=next_year_local(1, 14, 21).isoformat())
    return forum, summer, winter


def test_the_feed_has_every_field_right_across_summer_time(client, summer_and_winter):
    forum, summer, winter = summer_and_winter
    cal = parse(client.get("/calendar.ics"))
    assert str(cal["VERSION"]) == "2.0" and "Fællesskab Kolding" in str(cal["PRODID"])
    assert str(cal["METHOD"]) == "PUBLISH"
    events = vevents(cal)
    s, w = events["Sommermøde"], events["Vintermøde"]
    assert str(s["UID"]) == f"{summer.external_id}@faellesskab.kolding"
    assert s["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    start = s.decoded("DTSTART")
    assert (start.hour, start.utcoffset()) == (19, timedelta(hours=2))
    assert start.astimezone(UTC).hour == 17
    assert w.decoded("DTSTART").astimezone(UTC).hour == 18  # winter: UTC+1
    assert s.decoded("DTEND").hour == 21
    assert str(s["STATUS"]) == "CONFIRMED"
    assert "Grill og snak.\nAlle er velkomne." in str(s["DESCRIPTION"])
    assert f"/arrangementer/{summer.id}" in str(s["URL"])
    assert str(s["LOCATION"]) == "Vestergade 20, 6051 Almind"
    assert str(s["ORGANIZER"]) == "mailto:kalender@example.org" and s["ORGANIZER"].params["CN"] == forum.name
    assert s.decoded("GEO") is not None
    assert int(s["SEQUENCE"]) == 0 and s.decoded("DTSTAMP").tzinfo is not None
    assert "welcome-meeting" in s["CATEGORIES"].to_ical().decode()
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Copenhagen"
    offsets = {(c.name, c.decoded("TZOFFSETTO")) for c in tz.subcomponents}
    assert ("DAYLIGHT", timedelta(hours=2)) in offsets and ("STANDARD", timedelta(hours=1)) in offsets


def test_uids_are_stable_and_changes_raise_the_sequence(client, db, summer_and_winter):
    from fællesskab.events import services

    _forum, summer, _winter = summer_and_winter
    before = vevents(parse(client.get("/calendar.ics")))["Sommermøde"]
    values = {k: getattr(summer, k) for k in services.EDITABLE_FIELDS}
    services.update_event(summer, {**values, "starts_at": summer.starts_at + timedelta(hours=1),
                                   "ends_at": summer.ends_at + timedelta(hours=1)})
    db.session.commit()
    after = vevents(parse(client.get("/calendar.ics")))["Sommermøde"]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART").hour == 20


def test_cancelled_events_are_marked_and_unpublished_ones_left_out(client, db, forum_event, make_forum, make_user):
    from fællesskab.events import publishing

    forum = make_forum()
    user = make_user("forum", forum=forum)
    cancelled = forum_event(forum=forum, title="Aflyst møde")
    publishing.cancel_forum_event(cancelled, actor=user)
    forum_event(forum=forum, title="Afventer", status="pending")
    withdrawn = forum_event(forum=forum, title="Trukket tilbage", status="pending")
    publishing.cancel_forum_event(withdrawn, actor=user)
    forum_event(forum=forum, title="Fortid", starts_in=timedelta(days=-30))
    db.session.commit()
    events = vevents(parse(client.get("/calendar.ics")))
    assert str(events["Aflyst møde"]["STATUS"]) == "CANCELLED"
    assert int(events["Aflyst møde"]["SEQUENCE"]) >= 1
    assert "Afventer" not in events and "Trukket tilbage" not in events and "Fortid" not in events


def test_a_repeating_event_has_an_rrule_with_an_end(client, forum_event):
    first = next_year_local(3, 2, 19)  # a Tuesday in winter time; the series runs into summer time
    event = forum_event(title="Løbeklub", starts_at=first.isoformat(),
                        ends_at=(first + timedelta(hours=1)).isoformat(), recurrence="fortnightly",
                        repeat_until=date(first.year, 5, 25).isoformat())
    component = vevents(parse(client.get("/calendar.ics")))["Løbeklub"]
    rule = component["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2]
    assert rule["UNTIL"][0] == datetime(first.year, 5, 25, 21, 59, 59, tzinfo=UTC)
    assert component.decoded("DTSTART") == first
    parsed = parse(client.get(f"/arrangementer/{event.id}.ics"))
    assert vevents(parsed)["Løbeklub"]["RRULE"]["INTERVAL"] == [2]


def test_place_and_forum_feeds_hold_only_their_events(client, forum_event, make_forum):
    almind = make_forum(name="Almind-forum", places=["Almind"])
    vamdrup = make_forum(name="Vamdrup-forum", places=["Vamdrup"])
    forum_event(forum=almind, title="I Almind")
    forum_event(forum=vamdrup, title="I Vamdrup", town="Vamdrup", address="")
    assert set(vevents(parse(client.get("/steder/almind/calendar.ics")))) == {"I Almind"}
    assert set(vevents(parse(client.get("/steder/vamdrup/calendar.ics")))) == {"I Vamdrup"}
    assert set(vevents(parse(client.get(f"/lokalraad/{vamdrup.slug}/calendar.ics")))) == {"I Vamdrup"}
    assert client.get("/steder/atlantis/calendar.ics").status_code == 404
    assert client.get("/lokalraad/findes-ikke/calendar.ics").status_code == 404
    empty = parse(client.get("/steder/skanderup/calendar.ics"))
    assert vevents(empty) == {}


def test_add_to_calendar_file_for_one_event(client, forum_event):
    event = forum_event(title="Enkeltmøde")
    response = client.get(f"/arrangementer/{event.id}.ics")
    assert 'attachment; filename="arrangement-' in response.headers["Content-Disposition"]
    assert list(vevents(parse(response))) == ["Enkeltmøde"]
    page = client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    assert f'href="/arrangementer/{event.id}.ics"' in page
    pending = forum_event(status="pending")
    assert client.get(f"/arrangementer/{pending.id}.ics").status_code == 404


def test_event_without_end_gets_a_duration(client, make_event):
    make_event(title="Uden sluttid", ends_at="")
    component = vevents(parse(client.get("/calendar.ics")))["Uden sluttid"]
    assert component.decoded("DURATION") == timedelta(hours=2) and "DTEND" not in component


def test_local_times_match_what_the_page_shows(client, summer_and_winter):
    _forum, summer, _winter = summer_and_winter
    page = client.get(f"/arrangementer/{summer.id}").get_data(as_text=True)
    assert to_local(summer.starts_at).strftime("%H:%M") == "19:00" and "19:00" in page
