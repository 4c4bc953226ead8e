"""Every route in the URL map, requested as every role, gets the expected status.

A route missing from EXPECTED fails the test, so no new page slips through
without someone deciding who may see it.
"""
from __future__ import annotations

import pytest

PUBLIC = {"anonymous": 200, "newcomer": 200, "forum": 200, "coordinator": 200, "admin": 200}
LOGIN = 302  # anonymous visitors are sent to the login page

EXPECTED = {
    "main.index": PUBLIC,
    "matching.newcomer": PUBLIC,
    "matching.shared_results": PUBLIC,
    "main.privacy": PUBLIC,
    "main.accessibility": PUBLIC,
    "directory.association_list": PUBLIC,
    "directory.association_detail": PUBLIC,
    "events.event_list": PUBLIC,
    "events.event_detail": PUBLIC,
    "places.place_list": PUBLIC,
    "places.place_detail": PUBLIC,
    "api.place_list": PUBLIC,
    "api.association_detail": PUBLIC,
    "api.event_list": PUBLIC,
    "api.geocode": PUBLIC,
    "search.search_page": PUBLIC,
    "api.search_endpoint": PUBLIC,
    "api.geocode_autocomplete": PUBLIC,
    "ops.healthz": PUBLIC,  # tests/ops/test_health.py
    "ops.readyz": PUBLIC,
    "ops_metrics.scrape": {role: 404 for role in PUBLIC},  # off unless METRICS_TOKEN or METRICS_ALLOWED_IPS (tests/ops)
    "api.openapi_document": PUBLIC,
    # the directory as Open Referral HSDS 3 (tests/api/test_hsds.py)
    "hsds.info": PUBLIC,
    "hsds.service_list": PUBLIC,
    "hsds.service_detail": PUBLIC,
    "hsds.organization_list": PUBLIC,
    "hsds.organization_detail": PUBLIC,
    # embeds for other websites' iframes (tests/embed/)
    "embed.place": PUBLIC,
    "embed.event_list": PUBLIC,
    # a logged-in person is sent on to their own start page
    "accounts.login": {"anonymous": 200, "newcomer": 302, "forum": 302, "coordinator": 302, "admin": 302},
    "accounts.forgot_password": PUBLIC,
    # a bad token gets a plain 400 page for everyone
    "accounts.reset_password": {"anonymous": 400, "newcomer": 400, "forum": 400, "coordinator": 400, "admin": 400},
    "accounts.logout_page": {"anonymous": 302, "newcomer": 200, "forum": 200, "coordinator": 200, "admin": 200},
    "coordinator.dashboard": {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 200, "admin": 200},
    "forum.dashboard": {"anonymous": LOGIN, "newcomer": 403, "forum": 200, "coordinator": 403, "admin": 403},
    # events (issue 6)
    "events.event_ics": PUBLIC,
    "events.calendar_feed": PUBLIC,
    "events.place_calendar_feed": PUBLIC,
    "events.forum_calendar_feed": PUBLIC,
    # a cancel link with a bad token: a clear 400 page for everyone, nothing changes
    "events.cancel_registration": {"anonymous": 400, "newcomer": 400, "forum": 400, "coordinator": 400, "admin": 400},
    # the link to see and change a sign-up: the same for a bad token
    "events.manage_registration": {"anonymous": 400, "newcomer": 400, "forum": 400, "coordinator": 400, "admin": 400},
    "coordinator.moderation_queue": {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 200,
                                     "admin": 200},
    "coordinator.forums": {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 200, "admin": 200},
    "forum.event_new": {"anonymous": LOGIN, "newcomer": 403, "forum": 200, "coordinator": 403, "admin": 403},
    # the sample event is no forum's own: a forum account gets 403 too (own events: tests/events/)
    "forum.event_copy": {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 403, "admin": 403},
    "forum.event_edit": {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 403, "admin": 403},
    "forum.event_cancel": {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 403, "admin": 403},
    "forum.event_signups": {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 403, "admin": 403},
    "forum.event_signups_csv": {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 403, "admin": 403},
}
# outreach (issue 7): personal data for coordinators and admins only; a forum sees only what was handed to it
STAFF_ONLY = {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 200, "admin": 200}
EXPECTED.update({
    "outreach.self_register": PUBLIC,
    "outreach.thanks": PUBLIC,
    # a GET has no profile to show: everyone is sent on to /kontakt-mig (the journey POSTs here)
    # without a sign-up in the session: back to the event
    "events.signed_up": {"anonymous": 302, "newcomer": 302, "forum": 302, "coordinator": 302, "admin": 302},
    "outreach.contact_request": {"anonymous": 302, "newcomer": 302, "forum": 302, "coordinator": 302, "admin": 302},
    "cases.inbox": STAFF_ONLY,
    "cases.export": STAFF_ONLY,
    "cases.case_detail": STAFF_ONLY,
    "cases.compose": STAFF_ONLY,
    "cases.letter": STAFF_ONLY,
    "cases.hand_over": STAFF_ONLY,
    "cases.edit_profile": STAFF_ONLY,
    "forum_cases.case_list": {"anonymous": LOGIN, "newcomer": 403, "forum": 200, "coordinator": 403, "admin": 403},
    # object level: the sample case is handed to no forum, so a forum account gets 403 too
    "forum_cases.case_detail": {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 403,
                                "admin": 403},
})
# privacy (issue 9): the self-service pages need an emailed link (kept in the session); without
# one, everybody is sent back to the request form. The audit-log viewer is for admins only.
EVERYONE = lambda status: {role: status for role in ("anonymous", "newcomer", "forum", "coordinator", "admin")}  # noqa: E731
EXPECTED.update({
    "privacy.request_access": PUBLIC,
    "privacy.open_link": EVERYONE(400),  # a bad token: a plain 400 page
    "outreach.confirm_request": EVERYONE(400),  # a contact request's confirmation link with a bad token
    "privacy.my_data": EVERYONE(302),
    "privacy.my_data_json": EVERYONE(302),
    "privacy.deleted": PUBLIC,
    "privacy_staff.audit_log_page": {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 403,
                                     "admin": 200},
    "privacy_staff.audit_log_csv": {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 403,
                                    "admin": 200},
})
# surveys and the KPI dashboard (issue 8): answering is public; the dashboard is for coordinators and admins
EXPECTED.update({
    # a link that is no token: a polite 404 page for everyone
    "surveys.answer": {"anonymous": 404, "newcomer": 404, "forum": 404, "coordinator": 404, "admin": 404},
    "surveys.open_survey": PUBLIC,
    "surveys.open_qr": PUBLIC,
    "surveys.thanks": PUBLIC,
    "kpi.overview": STAFF_ONLY,
    "kpi.export": STAFF_ONLY,
    "kpi.posters": STAFF_ONLY,
})
# the account page, password change and two-factor authentication (tests/accounts/test_mfa.py)
LOGGED_IN = {"anonymous": LOGIN, "newcomer": 200, "forum": 200, "coordinator": 200, "admin": 200}
EXPECTED.update({
    "accounts.account": LOGGED_IN,
    "accounts.change_password": LOGGED_IN,
    # no half-way login in the session: back to /login; a logged-in person: to their start page
    "mfa.login_code": EVERYONE(302),
    "mfa.enrol": LOGGED_IN,
    # nobody in the matrix has two-factor on, so these send back to /konto
    "mfa.disable": {"anonymous": LOGIN, "newcomer": 302, "forum": 302, "coordinator": 302, "admin": 302},
    "mfa.recovery_codes": {"anonymous": LOGIN, "newcomer": 302, "forum": 302, "coordinator": 302, "admin": 302},
    "mfa.admin_reset": {"anonymous": LOGIN, "newcomer": 403, "forum": 403, "coordinator": 403, "admin": 200},
})
# the directory's stewardship (issue 22): the coordinator's editor; a contact's correction link
EXPECTED.update({
    "coordinator.associations": STAFF_ONLY,
    "coordinator.association_new": STAFF_ONLY,
    "coordinator.association_edit": STAFF_ONLY,
    "coordinator.association_merge": STAFF_ONLY,
    "directory.correct_request": PUBLIC,
    "directory.correct_sent": PUBLIC,
    "directory.correct_listing": EVERYONE(400),  # a bad token: a plain 400 page (tests/directory)
})
# Routes that change state are exercised by their own tests (POST only).
POST_ONLY = {"accounts.logout", "main.set_language", "events.sign_up", "coordinator.approve_event",
             "api.match_endpoint",  # answers only POST (tests/matching/test_api.py)
             "coordinator.reject_event", "coordinator.approve_revision", "coordinator.reject_revision",
             "coordinator.forum_trust", "forum.event_attendance",  # tests/events/test_attendance.py
             "cases.bulk", "cases.change_status", "cases.assign", "cases.add_note", "cases.next_action",
             "cases.handover_consent", "cases.withdraw", "cases.refresh_suggestions", "forum_cases.update",
             "privacy.withdraw_consent", "privacy.delete_my_data",  # tests/privacy/test_self_service.py
             "privacy_staff.erase_case", "privacy_staff.withdraw_case_consent",  # tests/privacy/test_erase.py
             # tests/directory/
             "directory.confirm_listing", "coordinator.association_status", "coordinator.association_verify",
             "coordinator.association_trust", "coordinator.approve_listing_change",
             "coordinator.reject_listing_change"}
SKIP = {"static"}


@pytest.fixture
def sample_args(make_association, make_event, make_forum):
    from fællesskab.directory.hsds import object_id

    assoc = make_association(name="Adgangstest IF")
    event = make_event(title="Adgangstest velkomstmøde")
    forum = make_forum(name="Adgangstest Lokalråd")
    own_event = {"event_id": event.id}
    case = {"case_id": _sample_case().id}
    return {
        **{name: case for name in ("cases.case_detail", "cases.compose", "cases.letter", "cases.hand_over",
                                   "cases.edit_profile", "forum_cases.case_detail")},
        "events.event_ics": own_event,
        "events.place_calendar_feed": {"slug": "vamdrup"},
        "events.forum_calendar_feed": {"slug": forum.slug},
        "events.cancel_registration": {"token": "ugyldig"},
        "events.manage_registration": {"token": "ugyldig"},
        "surveys.answer": {"token": "ikke-et-gyldigt-link-til-et-spoergeskema"},
        "surveys.open_survey": {"kind_slug": "tilflytter"},
        "surveys.open_qr": {"kind_slug": "fraflytter"},
        "kpi.export": {"name": "tragt"},
        "forum.event_copy": own_event,
        "forum.event_edit": own_event,
        "forum.event_cancel": own_event,
        "forum.event_signups": own_event,
        "forum.event_signups_csv": own_event,
        "directory.association_detail": {"slug": assoc.slug},
        "directory.correct_request": {"slug": assoc.slug},
        "directory.correct_sent": {"slug": assoc.slug},
        "directory.correct_listing": {"slug": assoc.slug, "token": "ugyldig"},
        "coordinator.association_edit": {"assoc_id": assoc.id},
        "coordinator.association_merge": {"assoc_id": assoc.id},
        "api.association_detail": {"assoc_id": assoc.id},
        "hsds.service_detail": {"service_id": object_id("service", assoc.id)},
        "hsds.organization_detail": {"organization_id": object_id("organization", assoc.id)},
        "events.event_detail": {"event_id": event.id},
        "events.signed_up": {"event_id": event.id},
        "places.place_detail": {"slug": "vamdrup"},
        "embed.place": {"slug": "vamdrup"},
        "accounts.reset_password": {"token": "not-a-token"},
        "privacy.open_link": {"token": "ugyldig"},
        "outreach.confirm_request": {"token": "ugyldig"},
        "api.geocode": {"q": "Vamdrup"},  # without q the endpoint answers 400
        "api.geocode_autocomplete": {"q": "Vamd"},
        "matching.shared_results": {"lat": "55.428", "lon": "9.284"},  # without them: back to the form
    }


def _sample_case():
    """A consenting newcomer's case, handed to no forum."""
    from fællesskab.extensions import db
    from fællesskab.outreach import consent, services

    newcomer = services.register_newcomer(
        {"name": "Adgangstest Tilflytter", "email": "adgangstest@example.org", "town": "Almind", "adults": 1,
         "consent_contact": True}, source="self", consents=[(consent.CONTACT, True, consent.CURRENT["contact"])])
    db.session.commit()
    return newcomer.case


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - SKIP - POST_ONLY
    missing = sorted(endpoints - set(EXPECTED))
    assert not missing, f"routes without an access expectation: {missing}"


@pytest.mark.parametrize("role", ["anonymous", "newcomer", "forum", "coordinator", "admin"])
def test_access_matrix(app, client, login_as, sample_args, role):
    from flask import url_for

    if role != "anonymous":
        login_as(role)
    failures = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP or rule.endpoint in POST_ONLY or "GET" not in rule.methods:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **sample_args.get(rule.endpoint, {}))
        status = client.get(url).status_code
        expected = EXPECTED[rule.endpoint][role]
        if status != expected:
            failures.append(f"{role} GET {url}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/koordinator/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert "next=" in response.headers["Location"]
