"""Parallel sign-ups never overbook (row lock on PostgreSQL, BEGIN IMMEDIATE on SQLite).

Each thread has its own app context, so its own session and database
connection; the SQLite test database is a file, so the threads really are
separate connections competing for the lock. A short sleep inside the
critical section widens the race window; the control tests show that
without the lock the same race does go wrong.
"""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from fællesskab.events import registrations
from fællesskab.events.models import Event, Registration
from fællesskab.extensions import db as _db

THREADS = 8


def run_parallel(app, event_id: int, emails: list[str]) -> list[BaseException]:
    """Sign everyone up at once, each in its own thread and transaction."""
    barrier = threading.Barrier(len(emails))
    errors: list[BaseException] = []

    def worker(email: str) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                registrations.sign_up(event_id, {"name": email.split("@")[0], "email": email, "party_size": 1})
                _db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported to the test
                _db.session.rollback()
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.fixture
def slow_count(monkeypatch):
    """Make counting taken places slow, as if the database were busy."""
    real = registrations.people

    def people(*args, **kwargs):
        n = real(*args, **kwargs)
        time.sleep(0.05)
        return n

    monkeypatch.setattr(registrations, "people", people)


@pytest.fixture
def no_lock(monkeypatch):
    """The lock replaced by a plain read: what the code would do without it."""
    monkeypatch.setattr(registrations, "lock", lambda model, ident: _db.session.get(model, ident))


def meet_before(monkeypatch, target, name: str, parties: int) -> None:
    """Make every thread wait at `target.name` until all have got there (only safe without the lock)."""
    barrier = threading.Barrier(parties)
    real = getattr(target, name)

    def wrapped(*args, **kwargs):
        result = real(*args, **kwargs)
        barrier.wait(timeout=10)
        return result

    monkeypatch.setattr(target, name, wrapped)


def statuses(db, event_id):
    db.session.expire_all()
    return sorted(db.session.scalars(sa.select(Registration.status).where(Registration.event_id == event_id)))


def test_parallel_sign_ups_fill_exactly_the_capacity(app, db, forum_event, slow_count):
    event = forum_event(capacity=3)
    errors = run_parallel(app, event.id, [f"person{i}@example.org" for i in range(THREADS)])
    assert errors == []
    assert statuses(db, event.id) == ["confirmed"] * 3 + ["waiting"] * (THREADS - 3)
    confirmed = db.session.scalar(sa.select(sa.func.sum(Registration.party_size)).where(
        Registration.event_id == event.id, Registration.status == "confirmed"))
    assert confirmed == db.session.get(Event, event.id).capacity


def test_parallel_double_submits_make_one_sign_up(app, db, forum_event, monkeypatch):
    event = forum_event(capacity=3)
    real_lock = registrations.lock

    def slow_lock(model, ident):
        row = real_lock(model, ident)
        time.sleep(0.05)
        return row

    monkeypatch.setattr(registrations, "lock", slow_lock)
    errors = run_parallel(app, event.id, ["same@example.org"] * 4)
    assert errors == []
    assert statuses(db, event.id) == ["confirmed"]


def test_control_without_the_lock_double_submits_collide(app, db, forum_event, no_lock, monkeypatch):
    """Proves the test above can fail: unlocked, both submits find no sign-up, both insert,
    and one hits the unique key (both databases)."""
    event = forum_event(capacity=3)
    # token_hex is called for a new sign-up only, i.e. after "no sign-up with this email yet"
    meet_before(monkeypatch, registrations.secrets, "token_hex", 2)
    errors = run_parallel(app, event.id, ["same@example.org"] * 2)
    assert any(isinstance(e, sa.exc.IntegrityError) for e in errors), errors


def test_control_without_the_lock_postgresql_overbooks(app, db, forum_event, no_lock, monkeypatch):
    """Proves the capacity test can fail on PostgreSQL: unlocked, everyone counts 0 taken places
    before anyone commits. (On SQLite the first INSERT already takes the write lock.)"""
    if app.config["DATABASE_NAME"] != "postgresql":
        pytest.skip("on SQLite the first INSERT already takes the write lock")
    event = forum_event(capacity=3)
    meet_before(monkeypatch, registrations, "people", THREADS)
    errors = run_parallel(app, event.id, [f"person{i}@example.org" for i in range(THREADS)])
    assert errors == []
    assert statuses(db, event.id).count("confirmed") > 3
