"""Fixtures for the directory's stewardship: the mail folder and outbox of tests/events, and helpers."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from ..events.conftest import mail_folder, outbox  # noqa: F401  (fixtures)


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator")


def link_in(message) -> str:
    """The path of the listing link in a mail (MAIL_BASE_URL stripped)."""
    found = re.search(r"https://faellesskab\.example\.org(/foreninger/[^\s\"<]+/ret/[^\s\"<#]+)", message.text_body)
    assert found, message.text_body
    return found.group(1)


def revisions_of(db, assoc_id: int):
    from fællesskab.directory.models import AssociationRevision

    db.session.expire_all()
    return list(db.session.scalars(sa.select(AssociationRevision).where(
        AssociationRevision.association_id == assoc_id).order_by(AssociationRevision.id)))


def audit_rows(db, assoc_id: int):
    from fællesskab.core.audit import AuditEntry

    return list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.subject_type == "association", AuditEntry.subject_id == assoc_id).order_by(AuditEntry.id)))
