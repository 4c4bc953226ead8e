"""Keep the index in step with the database (DESIGN.md, "Search sync").

Hooks on `db.session`:

* `after_flush` builds the documents of every Association and Event that was
  added, changed or deleted (and of events whose host association changed).
  With SEARCH_BACKEND=postgres it writes them to `search_documents` on the
  session's connection (same transaction) and that is all. With Whoosh it
  keeps them with the innermost transaction (root or SAVEPOINT) and inserts
  one `search_changes` row per document in the same transaction
  (changelog.py: every other app node replays those into its own index);
* `after_commit` of the root transaction writes them to this node's index
  (the engine's `write`);
* a released SAVEPOINT hands its changes to the enclosing transaction, a
  rolled-back one (or a rolled-back root) drops them, so a rollback never
  reaches the index.

Nothing here may break the caller's transaction: every failure is logged and
left for `flask search reindex` (or the stale check at the next start).
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event

from ..directory.models import Association
from ..events.models import Event
from ..extensions import db
from ..places.models import Forum, Place
from . import changelog
from .documents import association_document, doc_id, event_document

log = logging.getLogger(__name__)

PENDING = "search_pending"  # session.info: {transaction: {doc_id: document or None}}
RELEASED = "search_released"  # session.info: savepoints that were released (committed)
# Association columns that events copy into their own documents.
HOST_FIELDS = ("name", "status", "category", "target_groups", "age_min", "age_max", "languages", "tags")

_registered = False


def register() -> None:
    """Listen on db.session's events (once per process)."""
    global _registered
    if _registered:
        return
    event.listen(db.session, "after_flush", _after_flush)
    event.listen(db.session, "after_commit", _after_commit)
    event.listen(db.session, "after_transaction_end", _after_transaction_end)
    _registered = True


def _current(session):
    return session.get_nested_transaction() or session.get_transaction()


def _after_flush(session, _flush_context) -> None:
    try:
        changes = collect_changes(session)
    except Exception:  # never break the caller's flush
        log.exception("search: could not build documents after flush; run `flask search reindex`")
        return
    if not changes:
        return
    if has_app_context() and current_app.config.get("SEARCH_BACKEND") == "postgres":
        from .pg.store import write  # the shared table every node searches (same transaction)

        write(session.connection(), changes)
        return  # nothing for after_commit: no node keeps an index of its own
    session.info.setdefault(PENDING, {}).setdefault(_current(session), {}).update(changes)
    # The change log for the other app nodes, in this same transaction: if
    # this fails, the caller's change must fail too (else a node misses it).
    changelog.record(session.connection(), list(changes))


def collect_changes(session) -> dict[str, dict | None]:
    """Return {doc_id: document, or None to delete} for this flush.

    New objects are still "pending" during after_flush, so their relationships
    do not lazy-load; places, hosts and forums are looked up by foreign key.
    """
    changes: dict[str, dict | None] = {}
    hosts_changed: list[int] = []

    def get(model, pk):
        return session.get(model, pk) if pk is not None else None

    new = list(session.new)  # session.new builds a new set on every access
    new_ids = {o.id for o in new if isinstance(o, Association)}
    for obj in new + [o for o in session.dirty if isinstance(o, (Association, Event))]:
        if isinstance(obj, Association):
            changes[doc_id("association", obj.id)] = association_document(obj, place=get(Place, obj.place_id))
            if obj.id not in new_ids and _changed(obj, HOST_FIELDS):
                hosts_changed.append(obj.id)
        elif isinstance(obj, Event):
            changes[doc_id("event", obj.id)] = _event_document(obj, get)
    for obj in session.deleted:
        if isinstance(obj, Association):
            changes[doc_id("association", obj.id)] = None
        elif isinstance(obj, Event):
            changes[doc_id("event", obj.id)] = None
    if hosts_changed:
        events = session.scalars(sa.select(Event).where(Event.association_id.in_(hosts_changed)))
        for e in events:
            key = doc_id("event", e.id)
            if key not in changes:
                changes[key] = _event_document(e, get)
    return changes


def _event_document(e, get) -> dict | None:
    return event_document(e, place=get(Place, e.place_id), association=get(Association, e.association_id),
                          forum=get(Forum, e.forum_id))


def _changed(obj, keys) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[k].history.has_changes() for k in keys)


def _after_commit(session) -> None:
    nested = session.get_nested_transaction()
    if nested is not None:  # a SAVEPOINT was released; its parent decides later
        session.info.setdefault(RELEASED, set()).add(nested)
        return
    changes = session.info.get(PENDING, {}).pop(session.get_transaction(), None)
    if not changes or not has_app_context():
        return
    from . import engine

    try:
        engine(current_app._get_current_object()).write(changes)
    except Exception:
        log.exception("search: could not write %d change(s) to the index; run `flask search reindex`",
                      len(changes))


def _after_transaction_end(session, transaction) -> None:
    pending = session.info.get(PENDING)
    released = session.info.get(RELEASED)
    if not pending:
        if released:
            released.discard(transaction)
        return
    bucket = pending.pop(transaction, None)
    if transaction.nested:
        was_released = released is not None and transaction in released
        if released is not None:
            released.discard(transaction)
        if bucket and was_released:
            parent = transaction.parent
            while parent is not None and not parent.nested and parent.parent is not None:
                parent = parent.parent
            if parent is not None:
                pending.setdefault(parent, {}).update(bucket)
    if transaction.parent is None:  # the root ended: nothing of it may linger
        pending.clear()
        if released:
            released.clear()
