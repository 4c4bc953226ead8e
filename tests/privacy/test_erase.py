"""The coordinator erases a person: one transaction through every table, a pseudonym in the audit log."""
from __future__ import annotations

import sqlalchemy as sa

from fællesskab.core.audit import AuditEntry
from fællesskab.events.models import Registration
from fællesskab.mail import services as mail
from fællesskab.mail.models import OutboxMessage
from fællesskab.outreach import handover, services
from fællesskab.outreach.models import Case, CaseNote, ConsentRecord, HandOver, Newcomer, NewcomerLanguage
from fællesskab.privacy import erase


def _count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _person_everywhere(db, make_case, forum_event, sign_up, almind_forum, coordinator):
    """A consenting person with a handed-over case, a note, a sign-up and mail; and a bystander."""
    case = make_case(name="Signe Slettesen", email="signe@example.org", handover=True)
    services.add_note(case, "Ringede til Signe Slettesen, hun kommer til fodbold.", actor=coordinator)
    services.transition(case, "contacted", actor=coordinator)
    services.transition(case, "matched", actor=coordinator)
    handover.hand_over(case, actor=coordinator)
    db.session.commit()
    event = forum_event(capacity=1, forum=almind_forum)
    sign_up(event, email="Signe@Example.org", name="Signe Slettesen")
    waiting = sign_up(event, email="ventende@example.org", name="Vera Venter")
    assert waiting.status == "waiting"
    mail.queue("signe@example.org", "Velkommen", "Hej Signe", kind="outreach_message")
    db.session.commit()
    bystander = make_case(name="Bent Bliver", email="bent@example.org")
    return case, event, bystander


def test_erase_person_cascades_through_everything_in_one_go(db, make_case, forum_event, sign_up, almind_forum,
                                                            coordinator, outbox):
    case, event, bystander = _person_everywhere(db, make_case, forum_event, sign_up, almind_forum, coordinator)
    newcomer_id, case_id = case.newcomer_id, case.id

    counts = erase.erase_person(actor=coordinator, reason="anmodning", newcomer=case.newcomer)
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(Newcomer, newcomer_id) is None and db.session.get(Case, case_id) is None
    for model, column in ((CaseNote, CaseNote.case_id), (HandOver, HandOver.case_id)):
        assert _count(db, model, column == case_id) == 0
    assert _count(db, ConsentRecord, ConsentRecord.newcomer_id == newcomer_id) == 0
    assert _count(db, NewcomerLanguage, NewcomerLanguage.newcomer_id == newcomer_id) == 0
    assert _count(db, Registration, sa.func.lower(Registration.email) == "signe@example.org") == 0
    assert _count(db, OutboxMessage, sa.func.lower(OutboxMessage.to_address) == "signe@example.org") == 0
    assert counts["newcomers"] == 1 and counts["registrations"] == 1 and counts["outbox"] >= 2
    # the freed place went to the waiting list, who were told
    vera = db.session.scalar(sa.select(Registration).where(Registration.email == "ventende@example.org"))
    assert vera.status == "confirmed"
    assert [m.subject for m in outbox(to_address="ventende@example.org")][-1]
    # the bystander is untouched
    assert db.session.get(Case, bystander.id).newcomer.name == "Bent Bliver"


def test_the_audit_log_keeps_only_a_pseudonym(db, make_case, coordinator):
    case = make_case(name="Palle Pseudonym", email="palle@example.org")
    newcomer_id = case.newcomer_id
    services.record_view(case, actor=coordinator)
    # an older row whose detail named the person (as a careless note might)
    db.session.add(AuditEntry(action="update", subject_type="newcomer", subject_id=newcomer_id,
                              actor_label="system", detail="rettet e-mail til Palle@example.org for Palle Pseudonym"))
    db.session.commit()

    erase.erase_person(actor=coordinator, reason="anmodning", newcomer=case.newcomer)
    db.session.commit()

    rows = list(db.session.scalars(sa.select(AuditEntry)))
    text = " ".join(r.detail for r in rows).lower()
    assert "palle" not in text and "pseudonym" not in text.replace("person #", "")
    expected = erase.pseudonym("palle@example.org")
    assert expected.startswith("person #") and len(expected) == len("person #") + 10
    erased = [r for r in rows if r.action == "erase"]
    assert len(erased) == 1 and erased[0].subject_id == newcomer_id and expected in erased[0].detail
    assert any(expected in r.detail for r in rows if r.action == "update")
    # the same person gets the same pseudonym; another person another
    assert erase.pseudonym("palle@example.org") == expected != erase.pseudonym("other@example.org")


def test_erase_by_email_finds_sign_ups_without_a_case(db, forum_event, sign_up):
    event = forum_event()
    sign_up(event, email="kun-tilmeldt@example.org")
    counts = erase.erase_person(actor=None, reason="test", email="KUN-tilmeldt@example.org ")
    db.session.commit()
    assert counts["registrations"] == 1 and counts["newcomers"] == 0
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "erase"))
    assert entry.subject_type == "person" and "kun-tilmeldt" not in entry.detail


def test_a_failing_step_leaves_everything_in_place(db, make_case, monkeypatch):
    case = make_case(name="Rulle Tilbage", email="rulle@example.org")
    newcomer_id = case.newcomer_id

    def broken(subject):
        raise RuntimeError("survey store down")

    monkeypatch.setattr(erase, "STEPS", list(erase.STEPS))
    erase.register_step("broken", broken, before="outbox")  # after the outreach rows are deleted
    try:
        erase.erase_person(actor=None, reason="test", newcomer=case.newcomer)
    except RuntimeError:
        db.session.rollback()
    else:  # pragma: no cover - the step must raise
        raise AssertionError("the broken step did not run")
    assert db.session.get(Newcomer, newcomer_id).name == "Rulle Tilbage"


def test_survey_links_go_before_the_outreach_rows(db, make_case):
    from fællesskab.surveys.models import SurveyToken
    from fællesskab.surveys.services import issue_token

    case = make_case(name="Sofie Survey", email="sofie@example.org")
    other = make_case(name="Otto Other", email="otto@example.org")
    issue_token("newcomer", newcomer_id=case.newcomer_id)
    issue_token("newcomer", newcomer_id=other.newcomer_id)
    db.session.commit()
    counts = erase.erase_person(actor=None, reason="test", newcomer=case.newcomer)
    assert counts["survey_tokens"] == 1
    assert [t.newcomer_id for t in db.session.scalars(sa.select(SurveyToken))] == [other.newcomer_id]
    names = [name for name, _s in erase.STEPS]
    assert names.index("survey_tokens") < names.index("cases")


def test_another_package_plugs_in_a_step(db, make_case, monkeypatch):
    case = make_case(name="Pia Plugin", email="pia@example.org")
    seen = []

    def erase_for_newcomer(newcomer_id):
        seen.append((newcomer_id, db.session.get(Newcomer, newcomer_id) is not None))
        return 2

    monkeypatch.setattr(erase, "STEPS", list(erase.STEPS))
    erase.register_step("extra", erase.per_newcomer(erase_for_newcomer))
    counts = erase.erase_person(actor=None, reason="test", newcomer=case.newcomer)
    assert seen == [(case.newcomer_id, True)] and counts["extra"] == 2


def test_coordinator_erases_from_the_case_page(client, db, make_case, coordinator):
    case = make_case(name="Knap Sletmig", email="knap@example.org")
    url = f"/koordinator/tilflyttere/{case.id}/slet-person"
    page = client.get(f"/koordinator/tilflyttere/{case.id}").get_data(as_text=True)
    assert url in page
    response = client.post(url, data={})  # no tick: nothing happens
    assert response.status_code == 302 and db.session.get(Case, case.id) is not None
    response = client.post(url, data={"bekraeft": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/koordinator/tilflyttere/")
    db.session.expire_all()
    assert db.session.get(Case, case.id) is None
    assert client.get(f"/koordinator/tilflyttere/{case.id}").status_code == 404


def test_forum_and_newcomer_accounts_cannot_erase(client, db, make_case, login_as):
    case = make_case()
    for role in ("newcomer", "forum"):
        client.post("/logout")
        login_as(role)
        assert client.post(f"/koordinator/tilflyttere/{case.id}/slet-person", data={"bekraeft": "1"}).status_code == 403
    assert db.session.get(Case, case.id) is not None


def test_privacy_erase_command(runner, db, forum_event, sign_up):
    sign_up(forum_event(), email="cli@example.org")
    result = runner.invoke(args=["privacy", "erase", "--email", "cli@example.org"])
    assert result.exit_code == 0, result.output
    assert "registrations: 1" in result.output
    assert runner.invoke(args=["privacy", "erase", "--email", "ikke-en-adresse"]).exit_code != 0


def test_no_personal_data_is_in_the_search_index(client, db, make_case, make_association):
    """The erasure has no index step because nothing about a person is indexed: prove it."""
    make_case(name="Zyxqor Personsen", email="zyxqor@example.org", interests="zyxqor")
    make_association(name="Zyxqor Forening")
    results = client.get("/api/v1/search?q=zyxqor").get_json()["results"]
    assert [r["type"] for r in results] == ["association"]
