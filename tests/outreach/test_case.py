"""The case page: profile, status workflow, notes, next action, assignment, consent, editing, audit."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from fællesskab.outreach import services
from fællesskab.outreach.models import Case, CaseNote

BASE = "/koordinator/tilflyttere/"


def url(case, tail=""):
    return f"{BASE}{case.id}{tail}"


def fresh(db, case):
    db.session.expire_all()
    return db.session.get(Case, case.id)


def test_the_case_page_shows_the_household_and_audits_the_view(client, db, coordinator, make_case, audit_rows,
                                                              almind_forum):
    case = make_case(name="Sofie Lund", phone="+45 20 00 00 01", interests="fodbold;kor")
    html = client.get(url(case)).get_data(as_text=True)
    assert "Sofie Lund" in html and "+45 20 00 00 01" in html and "fodbold, kor" in html
    assert "2 voksne, 2 børn (4, 9 år)" in html and almind_forum.name in html
    views = audit_rows(action="view", subject_id=case.newcomer_id)
    assert len(views) == 1 and views[0].actor_id == coordinator.id and f"#{case.id}" in views[0].detail
    assert "Hvem har set sagen" in client.get(url(case)).get_data(as_text=True)


def test_status_changes_follow_the_workflow_and_land_on_the_timeline(client, db, coordinator, make_case):
    case = make_case()
    response = client.post(url(case, "/status"), data={"status": "contacted", "note": "Ringede, glad for opkaldet"})
    assert response.status_code == 302
    case = fresh(db, case)
    assert case.status == "contacted" and case.next_action_on == services.today() + timedelta(days=14)
    note = db.session.scalar(sa.select(CaseNote).where(CaseNote.case_id == case.id, CaseNote.kind == "status"))
    assert note.data == {"from": "new", "to": "contacted"} and note.text == "Ringede, glad for opkaldet"

    refused = client.post(url(case, "/status"), data={"status": "anchored"}, follow_redirects=True)
    assert "kan ikke få status" in refused.get_data(as_text=True)
    via_form = client.post(url(case, "/status"), data={"status": "handed_over"}, follow_redirects=True)
    assert "Overdrag til lokalråd" in via_form.get_data(as_text=True)
    assert fresh(db, case).status == "contacted"
    for junk in ({"status": ""}, {"status": "x" * 500}, {}):
        assert client.post(url(case, "/status"), data=junk).status_code == 302
    too_long = client.post(url(case, "/status"), data={"status": "matched", "note": "x" * 6000})
    assert too_long.status_code == 400 and "for lang" in too_long.get_data(as_text=True)

    client.post(url(case, "/status"), data={"status": "matched"})
    case = fresh(db, case)
    assert case.status == "matched"
    assert case.next_action_on == services.today() + timedelta(weeks=services.follow_up_weeks())
    client.post(url(case, "/status"), data={"status": "declined"})
    case = fresh(db, case)
    assert case.is_closed and case.next_action_on is None and case.closed_at is not None
    html = client.get(url(case)).get_data(as_text=True)
    assert "Kan ikke træffes" not in html  # declined may only be reopened
    assert 'value="contacted"' in html


def test_notes_next_action_and_assignment(client, db, coordinator, make_case, make_user):
    case = make_case()
    assert client.post(url(case, "/noter"), data={"text": "Har sendt sms"}).status_code == 302
    assert client.post(url(case, "/noter"), data={"text": "   "}).status_code == 400
    assert client.post(url(case, "/noter"), data={"text": "x" * 5001}).status_code == 400
    html = client.get(url(case)).get_data(as_text=True)
    assert "Har sendt sms" in html

    day = services.today() + timedelta(days=3)
    assert client.post(url(case, "/naeste-handling"), data={"next_action_on": day.isoformat()}).status_code == 302
    assert fresh(db, case).next_action_on == day
    for bad in ("", "i morgen", "2020-01-01", "2999-01-01", "2026-02-30"):
        assert client.post(url(case, "/naeste-handling"), data={"next_action_on": bad}).status_code == 400, bad
    assert fresh(db, case).next_action_on == day

    other = make_user("coordinator", name="Anden")
    client.post(url(case, "/tildel"), data={"koordinator": str(other.id)})
    assert fresh(db, case).assigned_to_id == other.id
    forum_user = make_user("forum")
    client.post(url(case, "/tildel"), data={"koordinator": str(forum_user.id)})  # not a coordinator: refused
    assert fresh(db, case).assigned_to_id == other.id
    client.post(url(case, "/tildel"), data={"koordinator": ""})
    assert fresh(db, case).assigned_to_id is None
    kinds = [n.kind for n in fresh(db, case).notes]
    assert {"note", "next_action", "assignment", "created"} <= set(kinds)


def test_editing_the_profile_is_validated_and_audited(client, db, coordinator, make_case, audit_rows):
    case = make_case(name="Sofie Lund")
    form = client.get(url(case, "/oplysninger")).get_data(as_text=True)
    assert 'value="Sofie Lund"' in form
    data = {"name": "Sofie Lund Mikkelsen", "email": "ny@example.org", "phone": "+45 20 00 00 09",
            "address": "Ahornvej 22", "postcode": "6580", "town": "Vamdrup", "adults": "2", "children_ages": "4, 9",
            "languages": "da, en", "interests": "fodbold", "preferred_language": "da", "move_in_date": ""}
    assert client.post(url(case, "/oplysninger"), data=data).status_code == 302
    case = fresh(db, case)
    assert case.newcomer.name == "Sofie Lund Mikkelsen" and case.place.name == "Vamdrup"
    assert case.forum_id is None  # no forum serves Vamdrup in this test
    bad = client.post(url(case, "/oplysninger"), data={**data, "email": "ikke en mail", "adults": "0"})
    assert bad.status_code == 400 and "ikke gyldig" in bad.get_data(as_text=True)
    updates = audit_rows(action="update", subject_id=case.newcomer_id)
    assert updates and "email" in updates[-1].detail


def test_url_guessing_finds_nothing_it_should_not(client, db, coordinator, make_case, login, make_user):
    case = make_case()
    hidden = make_case(consent_contact=False)  # a newcomer, no case
    assert client.get(f"{BASE}{hidden.id + 1000}").status_code == 404
    assert client.get(f"{BASE}99999999999").status_code == 404
    assert client.get(f"{BASE}0").status_code == 404
    services.withdraw_contact(case.newcomer, actor=coordinator)
    db.session.commit()
    for tail in ("", "/velkomst", "/brev", "/overdrag", "/oplysninger"):
        assert client.get(url(case, tail)).status_code == 404, tail
    assert client.post(url(case, "/noter"), data={"text": "x"}).status_code == 404
    assert client.get(f"/forum/tilflyttere/{case.id}").status_code == 403  # a coordinator is no forum
    login(make_user("newcomer"))
    assert client.get(url(make_case())).status_code == 403


def test_handover_consent_and_withdrawal(client, db, coordinator, make_case, audit_rows):
    case = make_case(name="Sofie Lund")
    client.post(url(case, "/samtykke"), data={"givet": "1"})
    case = fresh(db, case)
    assert case.newcomer.consent_handover
    assert case.newcomer.consents[-1].text_version == "oral-2025-1"
    assert case.newcomer.consents[-1].recorded_by_id == coordinator.id

    not_confirmed = client.post(url(case, "/slet"), data={}, follow_redirects=True)
    assert "Sæt kryds" in not_confirmed.get_data(as_text=True)
    assert client.post(url(case, "/slet"), data={"bekraeft": "1"}).status_code == 302
    case = fresh(db, case)
    assert case.newcomer.name is None and not case.is_contactable and case.status == "declined"
    assert [n.kind for n in case.notes] == ["consent"]
    assert "Sofie" not in client.get(BASE + "?status=alle").get_data(as_text=True)
    assert audit_rows(action="erase")[0].actor_id == coordinator.id


def test_suggestions_come_from_the_matching_service(client, db, coordinator, make_case, make_association):
    make_association(name="Almind Boldklub", town="Almind", category="sport", tags="fodbold",
                     target_groups="children", age_min="4", age_max="12")
    case = make_case(name="Sofie Lund", interests="fodbold")
    html = client.get(url(case)).get_data(as_text=True)
    assert "Hent forslag" in html
    response = client.post(url(case, "/forslag"), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Almind Boldklub" in html
    case = fresh(db, case)
    (item,) = [s for s in case.suggestions if s["name"] == "Almind Boldklub"]
    assert item["reasons"] and item["url"]
    key = f"{item['type']}:{item['id']}"
    compose = client.get(url(case, f"/velkomst?valg={key}")).get_data(as_text=True)
    assert "Almind Boldklub" in compose and "Kære Sofie" in compose
