"""No input gives a 5xx: odd values in every field of every events form and URL."""
from __future__ import annotations

JUNK = ["", " ", "x" * 50_000, "\x00", "' OR 1=1 --", "<script>alert(1)</script>", "-1", "0", "1e9",
        "99999999999999999999", "2027-02-30", "24:00", "ÆØÅ😀", "=cmd|' /C calc'!A0", "NaN", "None", "[]"]
FORUM_FIELDS = ("title", "kind", "description", "place", "address", "date", "start_time", "end_time",
                "capacity", "registration_required", "recurrence", "repeat_until", "submission_key")
SIGNUP_FIELDS = ("name", "email", "party_size", "message")


def test_sign_up_form(client, forum_event):
    event = forum_event(capacity=2)
    for junk in JUNK:
        for field in SIGNUP_FIELDS:
            data = {"name": "Anna", "email": "anna@example.org", "party_size": "1", field: junk}
            assert client.post(f"/arrangementer/{event.id}/tilmelding", data=data).status_code < 500, (field, junk)


def test_forum_event_form(client, forum_login, forum_event):
    _user, forum = forum_login()
    event = forum_event(forum=forum)
    from .test_forum import future_day

    base = {"title": "T", "kind": "social", "place": "almind", "date": future_day(30).isoformat(),
            "start_time": "10:00"}
    for junk in JUNK:
        for field in FORUM_FIELDS:
            data = {**base, field: junk}
            assert client.post("/forum/arrangementer/nyt", data=data).status_code < 500, (field, junk)
            assert client.post(f"/forum/arrangementer/{event.id}/rediger", data=data).status_code < 500, (field, junk)


def test_urls_with_odd_values(client, forum_login, forum_event):
    forum_login()
    event = forum_event()
    for url in ("/arrangementer/afmeld/" + "A" * 5000, "/arrangementer/afmeld/%00", "/arrangementer/afmeld/a.b.c",
                "/arrangementer/99999999999999999999", "/arrangementer/99999999999999999999.ics",
                "/forum/arrangementer/99999999999999999999/rediger", "/steder/%00/calendar.ics",
                "/lokalraad/" + "x" * 3000 + "/calendar.ics", f"/arrangementer/{event.id}/tilmelding"):
        assert client.get(url).status_code < 500, url
        assert client.post(url, data={"x": "y"}).status_code < 500, url


def test_moderation_with_odd_values(client, login_as, forum_event):
    login_as("coordinator")
    event = forum_event(status="pending")
    for junk in JUNK:
        data = {f"afvis-e-{event.id}-reason": junk, "trusted": junk}
        assert client.post(f"/koordinator/godkendelse/arrangementer/{event.id}/afvis", data=data).status_code < 500
        assert client.post("/koordinator/godkendelse/aendringer/999999/afvis", data=data).status_code < 500
        assert client.post(f"/koordinator/lokalraad/{junk or 'x'}/tillid", data=data).status_code < 500
