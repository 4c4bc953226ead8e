"""The per-account lockout lives in the database (issue 18, finding 4).

Five failed attempts (wrong passwords, wrong codes, wrong re-entered passwords) lock an
account for the rest of a 15-minute window, whatever the number of threads, workers or
nodes: each attempt claims a slot with one atomic UPDATE before the password is checked.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from fællesskab.accounts.models import User
from fællesskab.core.time import utcnow
from fællesskab.extensions import limiter
from tests.helpers import PASSWORD

WRONG = "wrong password 123"


def login(client, email, password=PASSWORD, **kw):
    return client.post("/login", data={"email": email, "password": password}, **kw)


def count_password_checks(monkeypatch) -> list[int]:
    """Count calls of User.check_password (the real check still runs)."""
    calls = []
    original = User.check_password

    def counting(self, password):
        calls.append(1)
        return original(self, password)

    monkeypatch.setattr(User, "check_password", counting)
    return calls


def parallel_logins(app, email, password, n) -> list[int]:
    """Fire `n` logins at once, each from its own thread and test client; return the statuses."""
    barrier = threading.Barrier(n)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def attempt():
        client = app.test_client()
        try:
            barrier.wait(timeout=30)
            statuses.append(login(client, email, password).status_code)
        except BaseException as exc:  # reported below, with the thread's traceback lost otherwise
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return statuses


def test_parallel_wrong_passwords_are_checked_at_most_five_times(app, db, make_user, limits_on, monkeypatch):
    make_user("coordinator", email="parallel@example.org")
    checks = count_password_checks(monkeypatch)
    statuses = parallel_logins(app, "parallel@example.org", WRONG, 20)
    assert sorted(statuses) == [401] * 5 + [429] * 15
    assert len(checks) == 5
    # the right password is refused too while the lock lasts, and not even checked
    limiter.reset()  # the 20 attempts used up the per-address limit; this is about the account
    locked = login(app.test_client(), "parallel@example.org")
    assert locked.status_code == 429 and "For mange forkerte forsøg" in locked.get_data(as_text=True)
    assert len(checks) == 5


def test_the_lock_is_not_kept_in_one_process_memory(client, db, make_user, limits_on):
    """Another worker (or node) has a limiter store of its own: the lock must hold there too."""
    make_user("coordinator", email="worker@example.org")
    for _ in range(5):
        assert login(client, "worker@example.org", WRONG).status_code == 401
    limiter.reset()  # what a second worker's memory:// store looks like
    assert login(client, "worker@example.org").status_code == 429


def test_the_locked_answer_says_when_to_try_again(client, db, make_user, limits_on):
    make_user("coordinator", email="when@example.org")
    for _ in range(5):
        login(client, "when@example.org", WRONG)
    locked = login(client, "when@example.org")
    assert locked.status_code == 429
    seconds = int(locked.headers["Retry-After"])
    assert 800 < seconds <= 15 * 60
    text = locked.get_data(as_text=True)
    assert "For mange forkerte forsøg" in text and "15 minutter" in text
    english = client.post("/login?lang=en", data={"email": "when@example.org", "password": PASSWORD})
    assert english.status_code == 429 and "Too many failed attempts" in english.get_data(as_text=True)


def test_the_lock_ends_with_its_window(client, db, make_user, limits_on):
    user = make_user("coordinator", email="expires@example.org")
    for _ in range(5):
        login(client, "expires@example.org", WRONG)
    assert login(client, "expires@example.org").status_code == 429
    db.session.execute(sa.update(User).where(User.id == user.id).values(
        failure_window_started_at=utcnow() - timedelta(minutes=15, seconds=1)))
    db.session.commit()
    assert login(client, "expires@example.org").status_code == 302
    db.session.refresh(user)
    assert user.failed_logins == 0  # the successful login gave its slot back


def test_refused_attempts_do_not_make_the_lock_longer(client, db, make_user, limits_on):
    """A third party hammering a locked account cannot keep it locked past the window."""
    user = make_user("coordinator", email="hammered@example.org")
    for _ in range(5):
        login(client, "hammered@example.org", WRONG)
    db.session.refresh(user)
    started = user.failure_window_started_at
    for _ in range(5):
        assert login(client, "hammered@example.org", WRONG).status_code == 429
    db.session.refresh(user)
    assert user.failure_window_started_at == started


def test_successful_logins_give_their_slot_back(client, db, make_user, limits_on):
    user = make_user("coordinator", email="regular@example.org")
    for _ in range(4):
        assert login(client, "regular@example.org", WRONG).status_code == 401
    for _ in range(3):
        assert login(client, "regular@example.org").status_code == 302
        client.post("/logout")
    db.session.refresh(user)
    assert user.failed_logins == 4
    assert login(client, "regular@example.org", WRONG).status_code == 401
    assert login(client, "regular@example.org").status_code == 429


def test_an_unknown_email_is_answered_like_a_known_one(client, db, limits_on):
    statuses = [login(client, "nobody@example.org", WRONG).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    locked = login(client, "nobody@example.org")
    assert locked.status_code == 429 and 800 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
