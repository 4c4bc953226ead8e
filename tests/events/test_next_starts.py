"""The stored next start (`Event.next_starts_at`): kept on every write, exact when stale, refreshed."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fællesskab.core.time import to_local, utcnow
from fællesskab.events import publishing, recurrence, services
from fællesskab.events.models import Event


def series(make_event, first_in: timedelta, weeks: int = 10, rule: str = "weekly", **kw) -> Event:
    first = utcnow() + first_in
    until = to_local(first).date() + timedelta(days=7 * weeks)
    return make_event(starts_in=first_in, recurrence=rule, repeat_until=until.isoformat(), **kw)


def true_next(event: Event, after) -> object:
    found = recurrence.starts_between(event.starts_at, event.recurrence, event.repeat_until, after=after, limit=1)
    return found[0] if found else None


def set_stored(db, event: Event, value) -> None:
    """Put an old value in place, as if it had been computed weeks ago and never refreshed."""
    db.session.execute(sa.update(Event).where(Event.id == event.id).values(next_starts_at=value))
    db.session.commit()
    db.session.expire_all()


def test_every_write_stores_the_next_start(db, make_event):
    one_off = make_event(starts_in=timedelta(days=3))
    assert one_off.next_starts_at == one_off.starts_at
    weekly = series(make_event, -timedelta(days=20))
    now = utcnow()
    assert weekly.next_starts_at == true_next(weekly, now) and weekly.next_starts_at > now
    assert weekly.next_starts_at - weekly.starts_at >= timedelta(days=21)

    values = services.clean_event({"external_id": weekly.external_id, "title": weekly.title, "kind": weekly.kind,
                                   "starts_at": (weekly.starts_at + timedelta(days=2)).isoformat(),
                                   "recurrence": "weekly", "repeat_until": weekly.repeat_until.isoformat(),
                                   "town": "Almind"})
    assert services.update_event(weekly, values)
    db.session.commit()
    assert weekly.next_starts_at == true_next(weekly, now)
    assert to_local(weekly.next_starts_at).weekday() == to_local(weekly.starts_at).weekday()

    # a series that is over stores NULL; a one-off event keeps its start after it passed
    over = series(make_event, -timedelta(days=40), weeks=2)
    past = make_event(starts_in=-timedelta(days=2))
    assert over.next_starts_at is None and past.next_starts_at == past.starts_at

    publishing.cancel_event(weekly)
    db.session.commit()
    assert weekly.next_starts_at == true_next(weekly, now)


def test_rows_inserted_without_the_orm_get_it_too(db):
    first = utcnow() - timedelta(days=9)
    base = {"title": "Rå", "kind": "welcome-meeting", "lat": 55.49, "lon": 9.47, "status": "approved",
            "sequence": 0, "registration_required": False, "description": ""}
    db.session.execute(sa.insert(Event.__table__), [
        {**base, "external_id": "RAW-1", "starts_at": first, "recurrence": "weekly",
         "repeat_until": (first + timedelta(days=60)).date()},
        {**base, "external_id": "RAW-2", "starts_at": first, "recurrence": None, "repeat_until": None},
    ])
    db.session.commit()
    rows = dict(db.session.execute(sa.select(Event.external_id, Event.next_starts_at)
                                   .where(Event.external_id.like("RAW-%"))).all())
    assert rows["RAW-1"] == recurrence.next_start(first, "weekly", (first + timedelta(days=60)).date(), utcnow())
    assert rows["RAW-2"] == first


def test_a_weeks_old_stored_value_still_lists_the_right_next_date(db, make_event, client):
    weekly = series(make_event, -timedelta(days=35), weeks=12, title="Ugentlig strikkeklub")
    soon = make_event(starts_in=timedelta(days=20), title="Senere arrangement")
    set_stored(db, weekly, weekly.starts_at)  # computed five weeks ago, never refreshed since
    expected = true_next(weekly, utcnow() - services.RECENT)

    items = services.list_upcoming().items
    assert [(o.event.id, o.starts_at) for o in items] == [(weekly.id, expected), (soon.id, soon.starts_at)]
    assert services.list_upcoming().total == 2
    assert [o.starts_at for o in services.upcoming(limit=1)] == [expected]

    body = client.get("/api/v1/events").get_json()
    assert body["total"] == 2
    assert [(r["id"], r["next_starts_at"]) for r in body["results"]] == [
        (weekly.id, expected.isoformat()), (soon.id, soon.starts_at.isoformat())]
    assert body["results"][0]["starts_at"] == weekly.starts_at.isoformat()  # the event's own first start


def test_results_are_exact_at_a_later_now_even_if_the_refresh_never_ran(db, make_event, monkeypatch):
    from fællesskab.matching import services as matching

    weekly = series(make_event, -timedelta(days=2), weeks=12)
    fortnightly = series(make_event, timedelta(days=1), weeks=12, rule="fortnightly")
    gone = make_event(starts_in=timedelta(days=5))  # passed by the later "now"
    later_one = make_event(starts_in=timedelta(days=30))
    stored_before = {e.id: e.next_starts_at for e in (weekly, fortnightly)}

    later = utcnow() + timedelta(days=24, hours=5)  # three weeks and more on; no refresh ran
    monkeypatch.setattr(services, "utcnow", lambda: later)
    monkeypatch.setattr(matching, "utcnow", lambda: later)
    db.session.expire_all()
    assert {e.id: db.session.get(Event, e.id).next_starts_at for e in (weekly, fortnightly)} == stored_before

    start = later - services.RECENT
    got = [(o.event.id, o.starts_at) for o in services.list_upcoming().items]
    expected = sorted([(true_next(weekly, start), weekly.id), (true_next(fortnightly, start), fortnightly.id),
                       (later_one.starts_at, later_one.id)])
    assert got == [(i, when) for when, i in expected]
    assert gone.id not in {i for i, _w in got}

    found = {event.id: starts for event, starts, _km in matching._upcoming_events(gone.lat, gone.lon, 10)}
    assert found == {weekly.id: true_next(weekly, later), fortnightly.id: true_next(fortnightly, later),
                     later_one.id: later_one.starts_at}


def test_pages_and_counts_match_a_plain_computation(db, make_event):
    rnd = random.Random(7)
    made = []
    for _ in range(14):
        made.append(make_event(starts_in=timedelta(days=rnd.randint(-5, 40), hours=rnd.randint(0, 23))))
    for _ in range(6):
        made.append(series(make_event, timedelta(days=rnd.randint(-30, 10)), weeks=rnd.randint(2, 9),
                           rule=rnd.choice(["weekly", "fortnightly"])))
    for event in made[14::2]:
        set_stored(db, event, event.starts_at)  # half the series stale
    start = utcnow() - services.RECENT
    truth = sorted((when, e.id) for e in made if (when := true_next(e, start)) is not None)
    for per_page in (1, 3, 7, 20):
        for page in range(1, len(truth) // per_page + 3):
            result = services.list_upcoming(page, per_page)
            assert [(o.starts_at, o.event.id) for o in result.items] == \
                truth[(page - 1) * per_page:page * per_page], (page, per_page)
            assert result.total == len(truth) and not result.total_capped
    end = start + timedelta(days=14)
    in_window = [t for t in truth if t[0] < end]
    result = services.list_upcoming(1, 100, end=end)
    assert [(o.starts_at, o.event.id) for o in result.items] == in_window and result.total == len(in_window)

    # a `from` in the past (the API's) cannot use the stored values: every series is computed
    early = utcnow() - timedelta(days=20)
    truth = sorted((when, e.id) for e in made if (when := true_next(e, early)) is not None)
    result = services.list_upcoming(1, 100, start=early)
    assert [(o.starts_at, o.event.id) for o in result.items] == truth and result.total == len(truth)


def test_counting_stops_at_the_cap(db, make_event, client, monkeypatch):
    for days in range(1, 6):
        make_event(starts_in=timedelta(days=days))
    result = services.list_upcoming(1, 2, count_cap=3)
    assert result.total == 3 and result.total_capped and result.has_next
    assert services.list_upcoming(1, 2, count_cap=None).total == 5
    assert services.list_upcoming(3, 2, count_cap=3).items  # pages past the count still work

    monkeypatch.setattr(services, "COUNT_CAP", 3)
    page = client.get("/arrangementer?per_page=2").get_data(as_text=True)
    assert "Mere end 3 kommende arrangementer" in page and "Side 1 af mere end" in page
    assert client.get("/api/v1/events").get_json()["total"] == 5  # the API counts them all


def test_refresh_moves_stale_series_on_and_leaves_the_rest(db, make_event, runner):
    weekly = series(make_event, -timedelta(days=30), weeks=12)
    over = series(make_event, -timedelta(days=50), weeks=3)
    one_off = make_event(starts_in=timedelta(days=2))
    fresh = series(make_event, timedelta(days=1))
    set_stored(db, weekly, weekly.starts_at)
    set_stored(db, over, over.starts_at + timedelta(days=7))
    touched = {e.id: db.session.get(Event, e.id).updated_at for e in (weekly, over, one_off, fresh)}
    sequences = {e.id: db.session.get(Event, e.id).sequence for e in (weekly, over)}

    result = runner.invoke(args=["events", "refresh-next"])
    assert result.exit_code == 0 and "2 arrangementer" in result.output, result.output
    db.session.expire_all()
    get = lambda e: db.session.get(Event, e.id)  # noqa: E731
    assert get(weekly).next_starts_at == true_next(weekly, utcnow() - recurrence.STORED_FROM)
    assert get(over).next_starts_at is None
    assert get(one_off).next_starts_at == one_off.starts_at
    assert {e.id: get(e).updated_at for e in (weekly, over, one_off, fresh)} == touched
    assert {e.id: get(e).sequence for e in (weekly, over)} == sequences
    assert "0 arrangementer" in runner.invoke(args=["events", "refresh-next"]).output


def test_refresh_does_not_overwrite_a_change_made_meanwhile(db, make_event, monkeypatch):
    weekly = series(make_event, -timedelta(days=30), weeks=12)
    set_stored(db, weekly, weekly.starts_at)
    moved = weekly.starts_at - timedelta(hours=1)
    real = recurrence.stored_next

    def edit_first(first, rule, until, now):  # another session moves the series while we compute
        with db.engine.begin() as conn:
            conn.execute(sa.update(Event.__table__).where(Event.__table__.c.id == weekly.id)
                         .values(starts_at=moved, next_starts_at=real(moved, rule, until, now)))
        return real(first, rule, until, now)

    monkeypatch.setattr(recurrence, "stored_next", edit_first)
    services.refresh_next_starts()
    db.session.commit()
    db.session.expire_all()
    monkeypatch.setattr(recurrence, "stored_next", real)
    event = db.session.get(Event, weekly.id)
    assert event.starts_at == moved
    assert event.next_starts_at == real(moved, "weekly", event.repeat_until, utcnow())


@pytest.mark.parametrize("status", ["pending", "cancelled"])
def test_only_approved_events_are_listed_or_matched(db, make_event, status):
    from fællesskab.matching import services as matching

    hidden = series(make_event, -timedelta(days=10), status=status)
    shown = make_event(starts_in=timedelta(days=4))
    assert [o.event.id for o in services.list_upcoming().items] == [shown.id]
    assert [e.id for e, _s, _km in matching._upcoming_events(shown.lat, shown.lon, 10)] == [shown.id]
    assert hidden.next_starts_at is not None
