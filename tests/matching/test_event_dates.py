"""Events in a match carry their next date, even when the stored next start is weeks old."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from fællesskab.core.time import to_local, utcnow
from fællesskab.events import recurrence
from fællesskab.events.models import Event
from tests.helpers import post_match


def test_a_series_whose_stored_date_is_weeks_old_is_matched_at_its_next_date(db, client, make_event):
    first_in = -timedelta(days=33)
    until = to_local(utcnow() + first_in).date() + timedelta(days=7 * 12)
    weekly = make_event(starts_in=first_in, recurrence="weekly", repeat_until=until.isoformat(),
                        title="Ugentlig velkomstcafé")
    over = make_event(starts_in=-timedelta(days=40), recurrence="weekly",
                      repeat_until=(to_local(utcnow()).date() - timedelta(days=2)).isoformat(), title="Slut")
    later = make_event(starts_in=timedelta(days=70), title="For sent")  # beyond the 60 days
    db.session.execute(sa.update(Event).where(Event.id.in_([weekly.id, over.id]))
                       .values(next_starts_at=Event.starts_at))  # never refreshed since it was created
    db.session.commit()

    result = post_match(client, {"lat": weekly.lat, "lon": weekly.lon, "max_km": 5, "limit": 50})
    events = {item["id"]: item for item in result["results"] if item["type"] == "event"}
    assert set(events) == {weekly.id}
    expected = recurrence.next_start(weekly.starts_at, "weekly", until, utcnow())
    assert datetime.fromisoformat(events[weekly.id]["starts_at"]) == expected
    assert expected > utcnow() and later.id not in events
