"""Counts kept a short while (core/counts.py): fresh after this process's own commits,
at most COUNTS_CACHE_SECONDS old after changes it cannot see."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from fællesskab.core import counts
from fællesskab.directory import services as directory
from fællesskab.directory.models import Association


def test_a_count_is_kept_until_a_commit_here_changes_its_table(db, make_association):
    make_association(category="sport")
    assert directory.category_counts() == {"sport": 1}
    # a change this process cannot see (another node, raw SQL): the kept count stays
    db.session.execute(sa.text("UPDATE associations SET category = 'music'"))
    db.session.commit()
    assert directory.category_counts() == {"sport": 1}
    make_association(category="sport")  # a commit here that touches associations
    assert directory.category_counts() == {"music": 1, "sport": 1}


def test_bulk_statements_through_the_session_count_as_changes(db, make_association):
    make_association(category="sport")
    assert directory.category_counts() == {"sport": 1}
    db.session.execute(sa.update(Association).values(category="music"))
    db.session.commit()
    assert directory.category_counts() == {"music": 1}


def test_a_rolled_back_change_leaves_the_count(db, make_association, monkeypatch):
    make_association(category="sport")
    assert directory.category_counts() == {"sport": 1}
    calls = []
    real = counts.cached

    def spy(name, key, compute, **kw):
        return real(name, key, lambda: calls.append(name) or compute(), **kw)

    monkeypatch.setattr(counts, "cached", spy)
    db.session.execute(sa.update(Association).values(category="music"))
    db.session.rollback()
    assert directory.category_counts() == {"sport": 1} and calls == []


def test_a_kept_count_expires(app, db, make_association, monkeypatch):
    make_association(category="sport")
    assert directory.category_counts() == {"sport": 1}
    db.session.execute(sa.text("UPDATE associations SET category = 'music'"))
    db.session.commit()
    later = counts.time.monotonic() + app.config["COUNTS_CACHE_SECONDS"] + 1
    monkeypatch.setattr(counts.time, "monotonic", lambda: later)
    assert directory.category_counts() == {"music": 1}


def test_zero_seconds_always_counts(app, db, make_association, monkeypatch):
    monkeypatch.setitem(app.config, "COUNTS_CACHE_SECONDS", 0)
    make_association(category="sport")
    assert directory.category_counts() == {"sport": 1}
    db.session.execute(sa.text("UPDATE associations SET category = 'music'"))
    db.session.commit()
    assert directory.category_counts() == {"music": 1}


def test_counts_are_kept_per_place(db, make_association):
    a = make_association(category="sport", town="Vamdrup")
    b = make_association(category="music", town="Christiansfeld")
    assert a.place_id and b.place_id and a.place_id != b.place_id
    assert directory.category_counts(place_id=a.place_id) == {"sport": 1}
    assert directory.category_counts(place_id=b.place_id) == {"music": 1}
    assert directory.category_counts() == {"sport": 1, "music": 1}


def test_the_front_page_shows_a_new_association_at_once(client, db, make_association):
    make_association(category="music", name="Koret Fællessang")
    assert "1 forening<" in client.get("/").get_data(as_text=True)
    make_association(category="music", name="Koret Stemmerne")
    assert "2 foreninger<" in client.get("/").get_data(as_text=True)


def test_the_event_api_total_follows_a_new_event(client, db, make_event):
    make_event(title="Velkomstmøde i Vamdrup", starts_in=timedelta(days=3))
    assert client.get("/api/v1/events").get_json()["total"] == 1
    make_event(title="Fællesspisning", starts_in=timedelta(days=4))
    assert client.get("/api/v1/events").get_json()["total"] == 2


def test_the_kept_counts_stay_bounded_whatever_the_requests_ask(app, client, db, make_event):
    """Keys come from request arguments (the event API's `to`): a stream of different
    ones must not grow a worker's memory."""
    from fællesskab.core.counts import EXTENSION, MAX_ENTRIES

    make_event(starts_in=timedelta(days=2))
    for day in range(MAX_ENTRIES + 40):
        to = (date(2027, 1, 1) + timedelta(days=day)).isoformat()
        assert client.get("/api/v1/events", query_string={"to": to}).status_code == 200
    store = app.extensions[EXTENSION]
    assert len(store) <= MAX_ENTRIES
