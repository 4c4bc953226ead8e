"""Fixtures for outreach: newcomers and cases built through the services, logins, the outbox and SMTP."""
from __future__ import annotations

import itertools

import pytest

from ..events.conftest import eml_files, mail_folder, outbox, smtp_server  # noqa: F401
from ..helpers import PASSWORD

_n = itertools.count(1)


@pytest.fixture
def make_case(db):
    """make_case(name=..., consent_contact=True, **row) -> the Case (or the Newcomer without consent).

    The row is cleaned like a line of the arrivals list and registered through the services.
    """
    from fællesskab.geo.gazetteer import PlaceIndex
    from fællesskab.outreach import consent, services
    from fællesskab.outreach.cleaning import clean_newcomer

    def build(consent_contact=True, handover=False, source="import", **row):
        n = next(_n)
        raw = {"external_id": f"T-N-{n}", "name": f"Tilflytter {n}", "email": f"tilflytter{n}@example.org",
               "address": "Almind Stationsvej 14", "postcode": "6051", "town": "Almind", "adults": "2",
               "children_ages": "4;9", "languages": "da", "interests": "fodbold;kor",
               "consent_contact": "true" if consent_contact else "false"}
        raw.update(row)
        index = PlaceIndex()
        values = clean_newcomer(raw, locate=index.locate, kolding_postcodes=set(index.postcodes))
        consents = [(consent.CONTACT, bool(consent_contact), consent.ARRIVALS_LIST)]
        if handover:
            consents.append((consent.HANDOVER, True, consent.CURRENT[consent.HANDOVER]))
        newcomer = services.register_newcomer(values, source=source, consents=consents)
        db.session.commit()
        return newcomer.case if newcomer.case is not None else newcomer

    return build


@pytest.fixture
def almind_forum(make_forum):
    return make_forum(name="Almind Testforum", places=["Almind", "Møsvrå", "Dons"], slug="almind-test")


@pytest.fixture
def coordinator(login_as):
    return login_as("coordinator", name="Karen Koordinator")


@pytest.fixture
def login(client):
    def do(user):
        client.post("/logout")
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return user

    return do


@pytest.fixture
def audit_rows(db):
    import sqlalchemy as sa

    from fællesskab.core.audit import AuditEntry

    def read(**filters):
        stmt = sa.select(AuditEntry).order_by(AuditEntry.id)
        for key, value in filters.items():
            stmt = stmt.where(getattr(AuditEntry, key) == value)
        db.session.expire_all()
        return list(db.session.scalars(stmt))

    return read
