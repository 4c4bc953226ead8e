"""Fixtures for surveys: cases through the outreach services, the outbox, answers in given quarters."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ..events.conftest import eml_files, mail_folder, outbox  # noqa: F401
from ..outreach.conftest import almind_forum, coordinator, make_case  # noqa: F401


@pytest.fixture
def contacted_case(db, make_case, make_user):  # noqa: F811  (the outreach fixture imported above)
    """contacted_case(weeks_ago=…, survey_consent=True, **row): a case marked contacted `weeks_ago` weeks ago.

    The survey is only sent with the newcomer's consent to surveys (a GDPR purpose of its own).
    """
    import sqlalchemy as sa

    from fællesskab.core.time import utcnow
    from fællesskab.outreach import services, workflow
    from fællesskab.outreach.models import CaseNote

    actor = make_user("coordinator")

    def build(weeks_ago: float = 6, survey_consent: bool = True, **row):
        from datetime import timedelta

        from fællesskab.outreach import consent

        case = make_case(**row)
        if survey_consent:
            services.add_consent(case.newcomer, consent.SURVEY, True, version=consent.CURRENT[consent.SURVEY],
                                 source="test", actor=actor)
        services.transition(case, workflow.CONTACTED, actor=actor)
        db.session.flush()
        db.session.execute(sa.update(CaseNote).where(CaseNote.case_id == case.id, CaseNote.kind == "status")
                           .values(created_at=utcnow() - timedelta(weeks=weeks_ago)))
        db.session.commit()
        return case

    return build


@pytest.fixture
def add_answers(db):
    """add_answers(kind, n, when=datetime, area=…, **scores): n anonymous answers through the service."""
    from fællesskab.surveys import services

    def build(kind: str, n: int, *, when: datetime | None = None, area: str | None = None, **values):
        when = when or datetime.now(UTC)
        for _ in range(n):
            services.record_answer(kind, values, language="da", area=area, now=when)
        db.session.commit()

    return build
