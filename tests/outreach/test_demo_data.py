"""Demo data that looks careful (issue 21, item 12): no events on Christmas or New Year's days,
and the demo forum has a handed-over newcomer from the start."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from fællesskab.core.time import COPENHAGEN, to_local
from fællesskab.demo import load_demo
from fællesskab.events.models import Event
from fællesskab.outreach.models import HandOver
from fællesskab.places.models import Forum
from tests.helpers import SEED_DIR

HOLIDAYS = {(12, 24), (12, 25), (12, 26), (12, 31), (1, 1)}


@pytest.mark.parametrize("today", [date(2026, 12, 7), date(2026, 11, 20)])
def test_no_demo_event_falls_on_a_holiday(db, today):
    load_demo(SEED_DIR, today=datetime(today.year, today.month, today.day, 9, tzinfo=COPENHAGEN))
    db.session.commit()
    days = {e.title: to_local(e.starts_at).date() for e in db.session.scalars(sa.select(Event))}
    wrong = {t: d.isoformat() for t, d in days.items() if (d.month, d.day) in HOLIDAYS}
    assert not wrong, wrong


def test_the_demo_forum_has_a_handed_over_newcomer(db):
    load_demo(SEED_DIR)
    db.session.commit()
    forum = db.session.scalar(sa.select(Forum).where(Forum.slug == "almind-borgerforening"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HandOver).where(HandOver.forum_id == forum.id))
