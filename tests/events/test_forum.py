"""A forum's dashboard: create, edit, cancel and duplicate its own events; sign-ups and CSV."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fællesskab.core.time import to_local, utcnow
from fællesskab.events.models import Event, EventRevision


def future_day(days=14):
    return (to_local(utcnow()) + timedelta(days=days)).date()


def event_form(**changes):
    data = {"title": "Velkomstmøde for nye i Almind", "kind": "welcome-meeting",
            "description": "Kaffe, kage og en snak om byen.", "place": "almind",
            "address": "Vestergade 20", "date": future_day().isoformat(), "start_time": "19:00",
            "end_time": "21:00", "capacity": "40", "registration_required": "y", "recurrence": "",
            "repeat_until": "", "submission_key": "k-" + str(next(_keys))}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


_keys = iter(range(1, 10**6))


def events_of(db, forum):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Event).where(Event.forum_id == forum.id).order_by(Event.id)))


def test_a_trusted_forum_publishes_directly(client, db, forum_login):
    _user, forum = forum_login(trusted=True)
    response = client.post("/forum/arrangementer/nyt", data=event_form())
    assert response.status_code == 302
    (event,) = events_of(db, forum)
    assert (event.status, event.place.slug, event.capacity, event.registration_required) == \
        ("approved", "almind", 40, True)
    assert to_local(event.starts_at).strftime("%H:%M") == "19:00"
    assert event.published_at is not None
    assert "offentliggjort" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get(f"/arrangementer/{event.id}").status_code == 200


def test_an_untrusted_forums_event_waits_for_approval(client, db, forum_login):
    _user, forum = forum_login(trusted=False)
    client.post("/forum/arrangementer/nyt", data=event_form())
    (event,) = events_of(db, forum)
    assert event.status == "pending" and event.published_at is None
    assert client.get(f"/arrangementer/{event.id}").status_code == 404
    assert "Velkomstmøde for nye i Almind" not in client.get("/arrangementer").get_data(as_text=True)
    dashboard = client.get("/forum/").get_data(as_text=True)
    assert "Velkomstmøde for nye i Almind" in dashboard and "Afventer godkendelse" in dashboard


def test_the_form_is_accessible(client, forum_login):
    forum_login()
    page = client.get("/forum/arrangementer/nyt").get_data(as_text=True)
    for name in ("title", "kind", "description", "place", "address", "date", "start_time", "end_time",
                 "capacity", "registration_required", "recurrence", "repeat_until"):
        assert f'for="{name}"' in page, name
    assert 'name="submission_key"' in page
    assert 'type="date"' in page and 'type="time"' in page


@pytest.mark.parametrize("changes, field, message", [
    ({"date": (future_day(-3)).isoformat()}, "date", "Starttidspunktet ligger i fortiden"),
    ({"date": to_local(utcnow()).date().isoformat(), "start_time": "00:00"}, "date", "ligger i fortiden"),
    ({"end_time": "18:00"}, "end_time", "Sluttidspunktet ligger før starttidspunktet."),
    ({"capacity": "0"}, "capacity", "Antal pladser skal være mindst 1."),
    ({"capacity": "-5"}, "capacity", "Antal pladser skal være mindst 1."),
    ({"capacity": "mange"}, "capacity", "Antal pladser skal være et helt tal"),
    ({"title": ""}, "title", "Titlen skal udfyldes."),
    ({"kind": "rave"}, "kind", "Ukendt type"),
    ({"place": "vamdrup"}, "place", "Vælg et af lokalrådets steder."),
    ({"date": ""}, "date", "Vælg en dato."),
    ({"date": "31-12-2027"}, "date", "Datoen kan ikke læses"),
    ({"date": "9999-01-01"}, "date", "Datoen kan ikke læses"),
    ({"start_time": "25:99"}, "start_time", "Starttidspunktet kan ikke læses"),
    ({"recurrence": "weekly"}, "repeat_until", "Angiv, hvornår gentagelsen slutter."),
    ({"recurrence": "weekly", "repeat_until": future_day(500).isoformat()}, "repeat_until", "højst løbe et år"),
    ({"recurrence": "weekly", "repeat_until": future_day(2).isoformat()}, "repeat_until", "før arrangementet begynder"),
    ({"recurrence": "daily", "repeat_until": future_day(30).isoformat()}, "recurrence", "Ukendt gentagelse"),
])
def test_bad_input_is_explained_and_nothing_is_created(client, db, forum_login, changes, field, message):
    _user, forum = forum_login()
    response = client.post("/forum/arrangementer/nyt", data=event_form(**changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert f'href="#{field}"' in page  # the error summary links to the field
    assert events_of(db, forum) == []


def test_a_double_submit_creates_one_event(client, db, forum_login):
    _user, forum = forum_login()
    form = event_form(submission_key="same-form")
    assert client.post("/forum/arrangementer/nyt", data=form).status_code == 302
    second = client.post("/forum/arrangementer/nyt", data=form)
    assert second.status_code == 302
    assert "sendt to gange" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert len(events_of(db, forum)) == 1


def test_another_forums_event_is_forbidden(client, db, forum_login, forum_event, make_forum):
    forum_login()
    other = forum_event(forum=make_forum(name="Naboforum"))
    for url in (f"/forum/arrangementer/{other.id}/rediger", f"/forum/arrangementer/{other.id}/aflys",
                f"/forum/arrangementer/{other.id}/kopi", f"/forum/arrangementer/{other.id}/tilmeldinger",
                f"/forum/arrangementer/{other.id}/tilmeldinger.csv"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/forum/arrangementer/{other.id}/rediger", data=event_form(title="Kapret")).status_code == 403
    assert client.post(f"/forum/arrangementer/{other.id}/aflys").status_code == 403
    db.session.expire_all()
    event = db.session.get(Event, other.id)
    assert (event.title, event.status) == ("Velkomstmøde i Almind", "approved")
    assert client.get("/forum/arrangementer/999999/rediger").status_code == 404


def test_a_trusted_forum_edits_in_place_and_people_who_signed_up_hear_of_a_new_time(
        client, db, forum_login, forum_event, sign_up, eml_files):
    _user, forum = forum_login(trusted=True)
    event = forum_event(forum=forum, capacity=1)
    sign_up(event, email="a@example.org")
    sign_up(event, email="b@example.org")
    form = client.get(f"/forum/arrangementer/{event.id}/rediger").get_data(as_text=True)
    assert 'value="Velkomstmøde i Almind"' in form
    response = client.post(f"/forum/arrangementer/{event.id}/rediger",
                           data=event_form(title="Nyt navn", capacity="2", start_time="18:30", end_time="20:00"))
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.title, event.capacity, to_local(event.starts_at).strftime("%H:%M")) == ("Nyt navn", 2, "18:30")
    assert event.sequence >= 1
    subjects = sorted((m["To"], m["Subject"].split(":")[0]) for m in eml_files()[2:])
    assert subjects == [("a@example.org", "Ændret tid eller sted"), ("b@example.org", "Du har fået en plads"),
                        ("b@example.org", "Ændret tid eller sted")]


def test_an_untrusted_forums_edit_of_an_approved_event_waits_and_the_approved_version_stays(
        client, db, forum_login, forum_event):
    _user, forum = forum_login(trusted=False)
    event = forum_event(forum=forum)
    response = client.post(f"/forum/arrangementer/{event.id}/rediger", data=event_form(title="Ændret titel"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "venter på fællesskabskoordinatorens godkendelse" in page
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Velkomstmøde i Almind"
    public = client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    assert "Velkomstmøde i Almind" in public and "Ændret titel" not in public
    (revision,) = db.session.scalars(sa.select(EventRevision)).all()
    assert revision.status == "pending" and revision.data["title"] == "Ændret titel"
    # the form now shows the proposal, and a further edit updates the same revision
    assert 'value="Ændret titel"' in client.get(f"/forum/arrangementer/{event.id}/rediger").get_data(as_text=True)
    client.post(f"/forum/arrangementer/{event.id}/rediger", data=event_form(title="Ændret igen"))
    db.session.expire_all()
    (revision,) = db.session.scalars(sa.select(EventRevision)).all()
    assert revision.data["title"] == "Ændret igen"
    assert "venter på godkendelse" in client.get("/forum/").get_data(as_text=True)


def test_cancelling_tells_everyone_who_signed_up_and_keeps_the_event_as_cancelled(
        client, db, forum_login, forum_event, sign_up, eml_files):
    _user, forum = forum_login()
    event = forum_event(forum=forum, capacity=1)
    sign_up(event, email="a@example.org")
    sign_up(event, email="b@example.org")  # waiting
    confirm = client.get(f"/forum/arrangementer/{event.id}/aflys").get_data(as_text=True)
    assert "2 tilmeldinger" in confirm
    assert client.post(f"/forum/arrangementer/{event.id}/aflys").status_code == 302
    again = client.post(f"/forum/arrangementer/{event.id}/aflys")
    assert "allerede aflyst" in client.get(again.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "cancelled"
    assert sorted(m["To"] for m in eml_files()[2:]) == ["a@example.org", "b@example.org"]
    assert all(m["Subject"] == "Aflyst: Velkomstmøde i Almind" for m in eml_files()[2:])
    assert "Aflyst" in client.get(f"/arrangementer/{event.id}").get_data(as_text=True)
    edit = client.get(f"/forum/arrangementer/{event.id}/rediger")
    assert edit.status_code == 302


def test_withdrawing_an_unpublished_event_hides_it(client, db, forum_login, forum_event):
    _user, forum = forum_login(trusted=False)
    client.post("/forum/arrangementer/nyt", data=event_form())
    (event,) = events_of(db, forum)
    client.post(f"/forum/arrangementer/{event.id}/aflys")
    assert client.get(f"/arrangementer/{event.id}").status_code == 404


def test_duplicate_fills_the_form_a_week_later(client, db, forum_login, forum_event):
    _user, forum = forum_login()
    event = forum_event(forum=forum, starts_in=timedelta(days=3))
    page = client.get(f"/forum/arrangementer/{event.id}/kopi").get_data(as_text=True)
    expected = (to_local(event.starts_at) + timedelta(days=7)).date().isoformat()
    assert f'value="{expected}"' in page
    assert 'value="Velkomstmøde i Almind"' in page
    assert 'action="/forum/arrangementer/nyt"' in page
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="submission_key"', page)
    assert key
    past = forum_event(forum=forum, starts_in=timedelta(days=-17))
    page = client.get(f"/forum/arrangementer/{past.id}/kopi").get_data(as_text=True)
    expected = (to_local(past.starts_at) + timedelta(days=21)).date().isoformat()
    assert f'value="{expected}"' in page


def test_sign_ups_page_and_csv_with_formulas_neutralised(client, db, forum_login, forum_event, sign_up):
    _user, forum = forum_login()
    event = forum_event(forum=forum, capacity=3)
    sign_up(event, email="a@example.org", name="=HYPERLINK(\"http://evil\",\"klik\")", party_size=2)
    sign_up(event, email="b@example.org", name="Bo", party_size=2, message="+45 20 00 00 00")
    sign_up(event, email="c@example.org", name="@SUM(A1)", message="-1+1")
    page = client.get(f"/forum/arrangementer/{event.id}/tilmeldinger")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Venteliste nr. 1" in text and "Venteliste nr. 2" not in text
    assert re.search(r'stat__number">3<', text)  # people with a place
    response = client.get(f"/forum/arrangementer/{event.id}/tilmeldinger.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["navn", "e-mail", "antal personer", "status"]
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://evil\",\"klik\")", "'@SUM(A1)", "Bo"]
    assert [r[3] for r in rows[1:]] == ["tilmeldt", "tilmeldt", "venteliste"]
    assert rows[3][5] == "'+45 20 00 00 00" and rows[2][5] == "'-1+1"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_dashboard_shows_counts_and_a_rejection_reason(client, db, forum_login, forum_event, sign_up, make_user):
    from fællesskab.events import moderation

    _user, forum = forum_login(trusted=False)
    event = forum_event(forum=forum, capacity=5)
    sign_up(event, email="a@example.org", party_size=2)
    pending = forum_event(forum=forum, status="pending", title="Sommerfest")
    moderation.reject_event(pending, "Datoen falder sammen med byfesten.", actor=make_user("coordinator"))
    db.session.commit()
    page = client.get("/forum/").get_data(as_text=True)
    assert "2 personer" in page and "af 5" in page
    assert "Datoen falder sammen med byfesten." in page and "Afvist" in page


def test_a_rejected_event_is_resubmitted_by_editing(client, db, forum_login, forum_event, make_user):
    from fællesskab.events import moderation

    _user, forum = forum_login(trusted=False)
    event = forum_event(forum=forum, status="pending")
    moderation.reject_event(event, "Mangler adresse.", actor=make_user("coordinator"))
    db.session.commit()
    assert "Mangler adresse." in client.get(f"/forum/arrangementer/{event.id}/rediger").get_data(as_text=True)
    client.post(f"/forum/arrangementer/{event.id}/rediger", data=event_form(address="Almind Forsamlingshus"))
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.status, event.rejection_reason, event.address) == ("pending", None, "Almind Forsamlingshus")


def test_a_submission_key_only_dedupes_the_same_accounts_submits(client, db, forum_login):
    _user_a, forum_a = forum_login()
    assert client.post("/forum/arrangementer/nyt", data=event_form(submission_key="shared-key")).status_code == 302
    (event_a,) = events_of(db, forum_a)
    client.post("/logout")
    _user_b, forum_b = forum_login()  # another forum's account sends A's key
    response = client.post("/forum/arrangementer/nyt", data=event_form(submission_key="shared-key", title="B's møde"))
    assert response.status_code == 302
    assert not response.headers["Location"].endswith(f"#arrangement-{event_a.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "sendt to gange" not in page and "Velkomstmøde for nye i Almind" not in page
    (event_b,) = events_of(db, forum_b)
    assert event_b.title == "B's møde" and response.headers["Location"].endswith(f"#arrangement-{event_b.id}")
    assert events_of(db, forum_a) == [event_a]
    again = client.post("/forum/arrangementer/nyt", data=event_form(submission_key="shared-key", title="B's møde"))
    assert again.headers["Location"].endswith(f"#arrangement-{event_b.id}")  # B's own double submit still dedupes
    assert len(events_of(db, forum_b)) == 1
