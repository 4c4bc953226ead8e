"""`privacy purge`: every retention rule, configurable, one transaction, and a dry run that changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fællesskab.config import Config, ConfigError
from fællesskab.core.audit import AuditEntry
from fællesskab.core.time import utcnow
from fællesskab.events.models import Registration
from fællesskab.geo.models import GeocodeCache
from fællesskab.mail import services as mail
from fællesskab.mail.models import OutboxMessage
from fællesskab.outreach import services
from fællesskab.outreach.models import Case
from fællesskab.surveys.models import SurveyToken
from fællesskab.surveys.services import issue_token


def _count(db, model, *where):
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def expired_everything(db, make_case, forum_event, sign_up, coordinator):
    """One expired and one fresh thing of each kind; returns the expired case's id."""
    old = make_case(name="Gammel Lukket")
    services.transition(old, "declined", actor=coordinator)
    old.closed_at = utcnow() - timedelta(days=560)  # past 18 months
    fresh = make_case(name="Nyligt Lukket")
    services.transition(fresh, "declined", actor=coordinator)
    fresh.closed_at = utcnow() - timedelta(days=500)  # within 18 months
    past = forum_event(starts_in=timedelta(days=2))
    sign_up(past, email="gammel-tilmelding@example.org")
    past.starts_at = utcnow() - timedelta(days=100)
    past.ends_at = past.starts_at + timedelta(hours=2)
    recent = forum_event(starts_in=timedelta(days=2))
    sign_up(recent, email="ny-tilmelding@example.org")
    recent.starts_at = utcnow() - timedelta(days=60)
    recent.ends_at = recent.starts_at + timedelta(hours=2)
    stuck = mail.queue("forkert@example.invalid", "Aldrig sendt", "tekst", kind="test")
    stuck.created_at = utcnow() - timedelta(days=31)
    mail.queue("venter@example.org", "Venter stadig", "tekst", kind="test")
    db.session.add(GeocodeCache(provider="nominatim", query_hash="a" * 64, is_found=True, lat=55.4, lon=9.4,
                                label="Gammel adresse", created_at=utcnow() - timedelta(days=40),
                                expires_at=utcnow() - timedelta(days=10)))
    db.session.add(AuditEntry(at=utcnow() - timedelta(days=800), action="view", subject_type="newcomer",
                              actor_label="system"))
    issue_token("leaver", now=utcnow() - timedelta(days=90))  # a survey link past its 60 days
    issue_token("leaver")
    db.session.commit()
    return old.id, fresh.id


def _state(db, ids):
    old_id, fresh_id = ids
    return {
        "old_name": db.session.get(Case, old_id).newcomer.name,
        "fresh_name": db.session.get(Case, fresh_id).newcomer.name,
        "registrations": sorted(db.session.scalars(sa.select(Registration.email))),
        "outbox": sorted(db.session.scalars(sa.select(OutboxMessage.to_address).where(OutboxMessage.kind == "test"))),
        "cache": _count(db, GeocodeCache),
        "old_audit": _count(db, AuditEntry, AuditEntry.at < utcnow() - timedelta(days=730)),
        "survey_links": _count(db, SurveyToken),
    }


def test_dry_run_counts_and_changes_nothing(runner, db, expired_everything):
    before = _state(db, expired_everything)
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Prøvekørsel – intet er ændret.")
    for phrase in ("1 afsluttede sager", "1 tilmeldinger", "1 aldrig afsendte", "1 udløbne adresseopslag",
                   "1 gamle logrækker", "1 udløbne spørgeskemalinks"):
        assert phrase in result.output, result.output
    assert _state(db, expired_everything) == before


def test_purge_deletes_exactly_what_is_past_retention(runner, db, expired_everything):
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    after = _state(db, expired_everything)
    assert after["old_name"] is None and after["fresh_name"] == "Nyligt Lukket"
    assert after["registrations"] == ["ny-tilmelding@example.org"]
    assert after["outbox"] == ["venter@example.org"]
    assert after["cache"] == 0 and after["old_audit"] == 0 and after["survey_links"] == 1
    again = runner.invoke(args=["privacy", "purge"])
    assert "0 afsluttede sager" in again.output and "0 tilmeldinger" in again.output


def test_retention_periods_come_from_the_environment(app, runner, db, expired_everything, monkeypatch):
    settings = Config.from_env("/tmp", env={"RETENTION_CLOSED_CASE_DAYS": "400", "RETENTION_SIGNUP_DAYS": "30"})
    assert settings["RETENTION_CLOSED_CASE_DAYS"] == 400 and settings["RETENTION_SIGNUP_DAYS"] == 30
    assert Config.from_env("/tmp", env={})["RETENTION_CLOSED_CASE_DAYS"] == 548
    with pytest.raises(ConfigError):
        Config.from_env("/tmp", env={"RETENTION_SIGNUP_DAYS": "tre måneder"})
    monkeypatch.setitem(app.config, "RETENTION_CLOSED_CASE_DAYS", 400)
    monkeypatch.setitem(app.config, "RETENTION_SIGNUP_DAYS", 30)
    runner.invoke(args=["privacy", "purge"])
    after = _state(db, expired_everything)
    assert after["old_name"] is None and after["fresh_name"] is None
    assert after["registrations"] == []


def test_a_failing_step_rolls_back_every_step(runner, db, expired_everything, monkeypatch):
    from fællesskab.privacy import purge

    before = _state(db, expired_everything)

    def broken(now, counts):
        raise RuntimeError("disk full")

    monkeypatch.setitem(purge.STEPS, "zz_broken", broken)  # runs last, after everything else deleted
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code != 0
    assert _state(db, expired_everything) == before


def test_outreach_purge_keeps_working_through_the_shared_code(runner, db, expired_everything):
    result = runner.invoke(args=["outreach", "purge"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Tilflyttere: 1 sag(er) slettet for personoplysninger")
    after = _state(db, expired_everything)
    # it does not touch sign-ups or mail: that is privacy purge's wider job
    assert len(after["registrations"]) == 2 and after["old_name"] is None
