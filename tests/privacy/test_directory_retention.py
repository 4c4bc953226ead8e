"""Retention for the directory's personal data (`privacy purge`, directory/retention.py):
the email on a listing's revision is blanked after RETENTION_DIRECTORY_EMAIL_DAYS (pending ones
keep it), used or expired correction links are deleted RETENTION_DIRECTORY_LINK_DAYS after."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fællesskab.core.time import utcnow
from fællesskab.directory import revisions
from fællesskab.directory.models import AssociationRevision, ListingLink


@pytest.fixture
def directory_data(db, make_association):
    """Revisions with emails and links of every age; returns their ids by name."""
    assoc = make_association(name="Vamdrup Kor", email="kor@example.org")
    now = utcnow()

    def revision(name, days_ago, status="approved", kind="correction"):
        rev = revisions.record(assoc, kind, {"summary": ["a", "b"]}, source="contact", status=status,
                               email=f"{name}@example.org")
        rev.created_at = now - timedelta(days=days_ago)
        return rev

    def link(name, *, created_days_ago, valid_days=7, used_days_ago=None):
        row = ListingLink(association_id=assoc.id, token_key=name.ljust(32, "x")[:32], email="kor@example.org",
                          purpose="correct", created_at=now - timedelta(days=created_days_ago),
                          expires_at=now - timedelta(days=created_days_ago) + timedelta(days=valid_days),
                          used_at=None if used_days_ago is None else now - timedelta(days=used_days_ago))
        db.session.add(row)
        return row

    made = {
        "old": revision("old", 400),
        "old_pending": revision("waiting", 400, status="pending", kind="claim"),
        "recent": revision("recent", 100),
        "used_long_ago": link("used-long-ago", created_days_ago=50, used_days_ago=45),
        "used_recently": link("used-recently", created_days_ago=12, used_days_ago=10),
        "expired_long_ago": link("expired-long-ago", created_days_ago=60),
        "expired_recently": link("expired-recently", created_days_ago=20),
        "valid": link("valid", created_days_ago=2),
    }
    db.session.commit()
    return {name: row.id for name, row in made.items()}


def _emails(db, ids):
    db.session.expire_all()
    return {name: db.session.get(AssociationRevision, ids[name]).email for name in ("old", "old_pending", "recent")}


def _links(db, ids):
    db.session.expire_all()
    kept = set(db.session.scalars(sa.select(ListingLink.id)))
    return {name for name in ("used_long_ago", "used_recently", "expired_long_ago", "expired_recently", "valid")
            if ids[name] in kept}


def test_purge_blanks_old_emails_and_deletes_old_links(runner, db, directory_data):
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 e-mails på gamle rettelser af foreninger ryddet" in result.output
    assert "2 brugte eller udløbne links til at rette foreninger slettet" in result.output
    assert _emails(db, directory_data) == {"old": None, "old_pending": "waiting@example.org",
                                           "recent": "recent@example.org"}
    assert _links(db, directory_data) == {"used_recently", "expired_recently", "valid"}
    # the revision itself (what changed) stays as the listing's history
    assert db.session.get(AssociationRevision, directory_data["old"]).changes == {"summary": ["a", "b"]}
    again = runner.invoke(args=["privacy", "purge"])
    assert "0 e-mails på gamle rettelser" in again.output and "0 brugte eller udløbne links" in again.output


def test_dry_run_counts_and_changes_nothing(runner, db, directory_data):
    emails, links = _emails(db, directory_data), _links(db, directory_data)
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 e-mails på gamle rettelser" in result.output and "2 brugte eller udløbne links" in result.output
    assert _emails(db, directory_data) == emails and _links(db, directory_data) == links


def test_the_periods_come_from_the_configuration(app, runner, db, directory_data, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_DIRECTORY_EMAIL_DAYS", 90)
    monkeypatch.setitem(app.config, "RETENTION_DIRECTORY_LINK_DAYS", 5)
    assert runner.invoke(args=["privacy", "purge"]).exit_code == 0
    assert _emails(db, directory_data) == {"old": None, "old_pending": "waiting@example.org", "recent": None}
    assert _links(db, directory_data) == {"valid"}


def test_the_privacy_notice_states_the_directory_rules(client, db):
    html = client.get("/privatliv").get_data(as_text=True)
    assert "rette en forenings oplysninger fra: 1 år" in html and "30 dage efter brug eller udløb" in html


def test_erasing_a_person_forgets_their_address_in_the_directory(db, make_association):
    from fællesskab.privacy import erase

    assoc = make_association(name="Almind Kor", email="kor@example.org")
    applied = revisions.record(assoc, "correction", {"summary": ["a", "b"]}, source="contact", status="approved",
                               email="Nabo@Example.org")
    waiting = revisions.record(assoc, "claim", {}, source="contact", status="pending", email="nabo@example.org")
    other = revisions.record(assoc, "claim", {}, source="contact", status="pending", email="anden@example.org")
    db.session.add(ListingLink(association_id=assoc.id, token_key="n" * 32, email="nabo@example.org",
                               purpose="correct", expires_at=utcnow() + timedelta(days=7)))
    db.session.commit()
    ids = applied.id, waiting.id, other.id
    counts = erase.erase_person(actor=None, reason="test", email="nabo@example.org")
    db.session.commit()
    assert counts["directory_emails"] == 3  # two revisions' addresses (one withdrawn as well), one link
    db.session.expire_all()
    got = [db.session.get(AssociationRevision, i) for i in ids]
    assert [(r.email, r.status) for r in got] == [(None, "approved"), (None, "withdrawn"),
                                                  ("anden@example.org", "pending")]
    assert got[0].changes == {"summary": ["a", "b"]}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ListingLink)) == 0
