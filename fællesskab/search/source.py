"""Read every indexable row from the database (for rebuilds and the stale check).

Uses its own session on the app's engine, so a rebuild never touches the
caller's `db.session` (and cannot trigger the sync hooks).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..directory.models import Association
from ..events.models import Event
from ..places.models import Forum, Place
from .documents import association_document, event_document, micros

BATCH = 1000


def has_tables(engine) -> bool:
    """False before `db upgrade` has created the schema."""
    inspector = sa.inspect(engine)
    return all(inspector.has_table(t) for t in ("associations", "events", "places"))


def _indexable_associations():
    return sa.select(Association).where(Association.status == "published")


def _indexable_events():
    return sa.select(Event).where(Event.status == "approved")


def fingerprint(engine) -> tuple[int, int]:
    """Return (number of indexable rows, newest updated_at in microseconds since the epoch)."""
    with Session(engine) as session:
        count, latest = 0, 0
        for _model, stmt in ((Association, _indexable_associations()), (Event, _indexable_events())):
            sub = stmt.subquery()
            n, newest = session.execute(
                sa.select(sa.func.count(), sa.func.max(sub.c.updated_at))
            ).one()
            count += n or 0
            if newest is not None:
                latest = max(latest, micros(_as_utc(newest)))
        return count, latest


def _as_utc(value):

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def count_documents(engine) -> int:
    return fingerprint(engine)[0]


def iter_documents(engine) -> Iterator[dict]:
    """Yield the document of every published association and approved event."""
    with Session(engine) as session:
        places = {p.id: p for p in session.scalars(sa.select(Place))}
        forums = {f.id: f for f in session.scalars(sa.select(Forum))}
        last_id = 0
        while True:
            batch = list(session.scalars(
                _indexable_associations().where(Association.id > last_id).order_by(Association.id).limit(BATCH)
            ))
            if not batch:
                break
            for a in batch:
                doc = association_document(a, place=places.get(a.place_id))
                if doc is not None:
                    yield doc
            last_id = batch[-1].id
            session.expunge_all()
        last_id = 0
        while True:
            batch = list(session.scalars(
                _indexable_events().where(Event.id > last_id).order_by(Event.id).limit(BATCH)
            ))
            if not batch:
                break
            host_ids = {e.association_id for e in batch if e.association_id}
            hosts = {a.id: a for a in session.scalars(
                sa.select(Association).where(Association.id.in_(host_ids)))} if host_ids else {}
            for e in batch:
                doc = event_document(
                    e, place=places.get(e.place_id), association=hosts.get(e.association_id),
                    forum=forums.get(e.forum_id),
                )
                if doc is not None:
                    yield doc
            last_id = batch[-1].id
            session.expunge_all()


def documents_for(session: Session, doc_ids) -> dict[str, dict | None]:
    """Return {doc_id: current document, or None to delete} for these doc_ids (change-log replay)."""
    wanted: dict[str, set[int]] = {"association": set(), "event": set()}
    for key in doc_ids:
        kind, _, raw = key.partition(":")
        if kind in wanted and raw.isdigit():
            wanted[kind].add(int(raw))
    result: dict[str, dict | None] = {}
    assoc_ids, event_ids = sorted(wanted["association"]), sorted(wanted["event"])
    events = _in_batches(session, Event, event_ids)
    host_ids = {e.association_id for e in events if e.association_id} | set(assoc_ids)
    hosts = {a.id: a for a in _in_batches(session, Association, sorted(host_ids))}
    place_ids = {o.place_id for o in [*events, *hosts.values()] if o.place_id}
    places = {p.id: p for p in _in_batches(session, Place, sorted(place_ids))}
    forum_ids = {e.forum_id for e in events if e.forum_id}
    forums = {f.id: f for f in _in_batches(session, Forum, sorted(forum_ids))}
    for pk in assoc_ids:
        a = hosts.get(pk)
        result[f"association:{pk}"] = association_document(a, place=places.get(a.place_id)) if a else None
    found = {e.id: e for e in events}
    for pk in event_ids:
        e = found.get(pk)
        result[f"event:{pk}"] = event_document(
            e, place=places.get(e.place_id), association=hosts.get(e.association_id),
            forum=forums.get(e.forum_id)) if e else None
    return result


def _in_batches(session: Session, model, ids: list[int]) -> list:
    rows = []
    for i in range(0, len(ids), BATCH):
        rows.extend(session.scalars(sa.select(model).where(model.id.in_(ids[i:i + BATCH]))))
    return rows
