"""The migration that adds `events.next_starts_at` fills it for the rows already there."""
from __future__ import annotations

from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa

from fællesskab.core.time import UTCDateTime
from fællesskab.events import recurrence


@pytest.fixture
def mail_folder():
    """This module needs no app of the shared test database (events/conftest.py's autouse one does)."""
    return None


def test_the_migration_fills_existing_rows(migration_app):
    from datetime import date, datetime

    from flask_migrate import upgrade

    from fællesskab.extensions import db as _db

    upgrade(revision="e1c3a7b2d4f3")
    now = datetime.now(UTC)
    first = (now - timedelta(days=16)).replace(microsecond=0)
    rows = [("M-1", first, "weekly", (first + timedelta(days=70)).date()),
            ("M-2", first, None, None),
            ("M-3", first - timedelta(days=60), "fortnightly", (first - timedelta(days=20)).date())]
    with _db.engine.begin() as conn:
        for ext, starts, rule, until in rows:
            conn.execute(sa.text(
                "INSERT INTO events (external_id, title, description, kind, starts_at, recurrence, repeat_until, "
                "lat, lon, registration_required, status, sequence, created_at, updated_at) VALUES "
                "(:ext, 'Gammel', '', 'welcome-meeting', :starts, :rule, :until, 55.49, 9.47, false, 'approved', "
                "0, :starts, :starts)"), {"ext": ext, "starts": starts.replace(tzinfo=None), "rule": rule,
                                         "until": until})
    upgrade()
    events = sa.table("events", sa.column("external_id", sa.String), sa.column("next_starts_at", UTCDateTime))
    with _db.engine.connect() as conn:
        stored = dict(conn.execute(sa.select(events.c.external_id, events.c.next_starts_at)).all())
    assert stored["M-1"] == recurrence.next_start(first, "weekly", rows[0][3], now - recurrence.STORED_FROM)
    assert stored["M-1"] > now - recurrence.STORED_FROM and stored["M-2"] == first and stored["M-3"] is None
    assert isinstance(rows[0][3], date)
