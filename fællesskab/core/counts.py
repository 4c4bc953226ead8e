"""Counts that many pages show and few requests change, kept for a short while.

Counting 110,000 associations by category (the front page, the directory) or
55,000 newcomers by consent (the inbox's header) costs PostgreSQL 15–45 ms a
request, the same figure every time: no index makes a count cheaper than a scan of
the index. `cached()` keeps such a count per app for COUNTS_CACHE_SECONDS
(default 30) and forgets it at once when this process commits a change to a
table the count reads, so staff see their own change at once; other app
nodes' changes show within the interval. 0 turns the cache off.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

EXTENSION = "faellesskab_counts"
MAX_ENTRIES = 512  # keys come from request arguments (a place, an API's `to` date): bound them
TOUCHED = "faellesskab_touched_tables"


class _Store(dict):
    """(name, key) -> (expires, tables read, value)."""

    def forget(self, tables: set[str]) -> None:
        for key, (_expires, reads, _value) in list(self.items()):
            if reads & tables:
                self.pop(key, None)

    def prune(self, now: float) -> None:
        """Drop expired values; if that is not enough, drop them all (they are only counts)."""
        for key, (expires, _reads, _value) in list(self.items()):
            if expires <= now:
                self.pop(key, None)
        if len(self) >= MAX_ENTRIES:
            self.clear()


def cached(name: str, key: Any, compute: Callable[[], Any], *, tables: Iterable[str]) -> Any:
    """`compute()`, or its value from the last COUNTS_CACHE_SECONDS.

    `tables` are the tables the count reads: a commit here that changes one of
    them drops the value.
    """
    app = current_app
    seconds = float(app.config.get("COUNTS_CACHE_SECONDS", 30))
    if seconds <= 0:
        return compute()
    store: _Store = app.extensions.setdefault(EXTENSION, _Store())
    now = time.monotonic()
    entry = store.get((name, key))
    if entry is not None and entry[0] > now:
        return entry[2]
    value = compute()
    if len(store) >= MAX_ENTRIES:
        store.prune(now)
    store[(name, key)] = (now + seconds, frozenset(tables), value)
    return value


def forget_all(app) -> None:
    """Drop every kept count (after changes made behind the session's back, e.g. raw SQL)."""
    app.extensions.get(EXTENSION, {}).clear()


def register() -> None:
    """Listen for committed changes on every session (once per process)."""
    if sa.event.contains(Session, "after_commit", _after_commit):
        return
    sa.event.listen(Session, "after_flush", _after_flush)
    sa.event.listen(Session, "do_orm_execute", _on_execute)
    sa.event.listen(Session, "after_commit", _after_commit)
    sa.event.listen(Session, "after_rollback", _after_rollback)


def _touch(session: Session, names: Iterable[str]) -> None:
    session.info.setdefault(TOUCHED, set()).update(names)


def _after_flush(session: Session, _context) -> None:
    # (after_flush still lists the flushed objects as new, dirty or deleted)
    _touch(session, {obj.__table__.name for obj in (*session.new, *session.dirty, *session.deleted)
                     if hasattr(obj, "__table__")})


def _on_execute(state) -> None:
    """Bulk INSERT, UPDATE and DELETE statements bypass the flush."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None and hasattr(table, "name"):
            _touch(state.session, {table.name})


def _after_commit(session: Session) -> None:
    touched = session.info.pop(TOUCHED, None)
    if touched and has_app_context():
        store = current_app.extensions.get(EXTENSION)
        if store is not None:
            store.forget(touched)


def _after_rollback(session: Session) -> None:
    session.info.pop(TOUCHED, None)
