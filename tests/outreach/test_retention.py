"""Retention: closed cases lose their personal data after 18 months; statistics rows and audit rows expire."""
from __future__ import annotations

from datetime import timedelta

from fællesskab.core.audit import AuditEntry
from fællesskab.core.time import utcnow
from fællesskab.outreach import services
from fællesskab.outreach.models import Case, Newcomer


def test_outreach_purge_applies_the_retention_rules(runner, db, make_case, make_user):
    coordinator = make_user("coordinator")
    old_closed = make_case(name="Gammel Sag")
    services.transition(old_closed, "declined", actor=coordinator)
    old_closed.closed_at = utcnow() - timedelta(days=560)  # past 18 months
    recent_closed = make_case(name="Ny Afsluttet")
    services.transition(recent_closed, "unreachable", actor=coordinator)
    still_open = make_case(name="Åben Sag")
    statistics_only = make_case(consent_contact=False)
    statistics_only.created_at = utcnow() - timedelta(days=3 * 365 + 10)
    db.session.add(AuditEntry(at=utcnow() - timedelta(days=800), action="view", subject_type="newcomer",
                              subject_id=1, actor_label="system"))
    db.session.commit()
    ids = (old_closed.id, recent_closed.id, still_open.id)
    statistics_id = statistics_only.id

    result = runner.invoke(args=["outreach", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 sag(er) slettet for personoplysninger, 1 statistikrække(r) slettet, 1 gamle logrækker" in result.output
    db.session.expire_all()
    old, recent, open_case = (db.session.get(Case, i) for i in ids)
    assert old.newcomer.name is None and old.newcomer.erased_at is not None and not old.is_contactable
    assert recent.newcomer.name == "Ny Afsluttet" and open_case.newcomer.name == "Åben Sag"
    assert db.session.get(Newcomer, statistics_id) is None
    assert runner.invoke(args=["outreach", "purge"]).output.startswith("Tilflyttere: 0 sag(er)")
