"""Consent per purpose: recorded with text version, time and channel; withdrawn with its effects."""
from __future__ import annotations

import pytest

from fællesskab.core.errors import InvalidTransition, ValidationError
from fællesskab.outreach import consent, handover, services
from fællesskab.privacy import consents


def test_the_contact_form_records_each_purpose_with_text_version_and_channel(client, db):
    from fællesskab.outreach.models import Newcomer

    response = client.post("/kontakt-mig", data={
        "step": "send", "name": "Sara Samtykke", "email": "sara@example.org", "address": "Almind Stationsvej 14",
        "adults": "1", "preferred_language": "da", "consent_contact": "y", "consent_survey": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    newcomer = db.session.scalar(db.select(Newcomer).where(Newcomer.email == "sara@example.org"))
    records = {(r.kind, r.granted, r.text_version, r.source) for r in newcomer.consents}
    assert records == {("contact", True, consent.CURRENT["contact"], "self"),
                       ("survey", True, "survey-2026-1", "self")}
    assert all(r.recorded_at is not None for r in newcomer.consents)
    assert newcomer.consent_survey and not newcomer.consent_handover
    assert "spørgeskema" in consent.text("survey-2026-1") and "questionnaire" in consent.text("survey-2026-1", "en")


def test_withdrawing_handover_ends_the_handover_and_blocks_a_new_one(db, make_case, almind_forum, coordinator):
    case = make_case(handover=True)
    services.transition(case, "contacted", actor=coordinator)
    services.transition(case, "matched", actor=coordinator)
    done = handover.hand_over(case, actor=coordinator)
    assert consents.withdraw(case.newcomer, "handover", source="self-service") is True
    db.session.commit()
    assert done.ended_at is not None and case.status == "matched" and not case.newcomer.consent_handover
    with pytest.raises(InvalidTransition):
        handover.hand_over(case, actor=coordinator)
    last = case.newcomer.consents[-1]
    assert (last.kind, last.granted, last.source) == ("handover", False, "self-service")
    assert consents.withdraw(case.newcomer, "handover", source="self-service") is False  # nothing to withdraw


def test_withdrawing_contact_makes_the_case_not_contactable(db, make_case, coordinator):
    case = make_case(name="Kim Kontakt")
    services.add_consent(case.newcomer, "survey", True, version="survey-2026-1", source="self")
    consents.withdraw(case.newcomer, "contact", actor=coordinator, source="coordinator")
    db.session.commit()
    assert not case.is_contactable and case.is_closed and case.newcomer.name is None
    assert not case.newcomer.consent_survey  # nobody can be asked without contact details
    from fællesskab.core.errors import NotFound

    with pytest.raises(NotFound):
        services.get_case(case.id, actor=coordinator)


def test_withdrawing_survey_consent_on_the_case_page(client, db, make_case, coordinator):
    case = make_case()
    services.add_consent(case.newcomer, "survey", True, version="survey-2026-1", source="self")
    db.session.commit()
    page = client.get(f"/koordinator/tilflyttere/{case.id}").get_data(as_text=True)
    assert "samtykke-tilbage" in page
    response = client.post(f"/koordinator/tilflyttere/{case.id}/samtykke-tilbage", data={"purpose": "survey"})
    assert response.status_code == 302
    db.session.expire_all()
    assert not case.newcomer.consent_survey and case.is_contactable
    assert client.post(f"/koordinator/tilflyttere/{case.id}/samtykke-tilbage",
                       data={"purpose": "nonsense"}).status_code == 400


def test_an_unknown_purpose_is_refused(db, make_case):
    with pytest.raises(ValidationError):
        consents.withdraw(make_case().newcomer, "marketing", source="coordinator")
