"""Replay the search change log into this node's index (several app nodes).

Every transaction that changes a searchable row also inserts `search_changes`
rows (sync.py, after_flush), so the log holds exactly the committed changes.
Each index directory keeps a watermark beside it (`.sync-state.json`): the
highest change id applied, plus the *gaps* below it. A gap is an id that was
not visible when we read past it: either its transaction rolled back (the id
never appears) or it has not committed yet (PostgreSQL hands out sequence
values at insert, so id 10 may commit after id 11). Gaps are re-read on
every poll until they show up or are older than `GAP_SECONDS`.

Applying re-reads each changed row's current state, so applying a change
twice or late is harmless. Old rows are pruned after a retention period; a
node whose watermark is below what is left rebuilds its index.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.time import utcnow
from .models import SearchChange

log = logging.getLogger(__name__)

STATE_FILE = ".sync-state.json"  # a dot file: index rebuilds leave it alone
APPLIED_FILE = ".sync-applied"  # change ids this node wrote to its index itself, one a line
_APPEND_CHUNK = 4096
GAP_SECONDS = 600.0  # how long an id missing below the watermark is waited for
REBUILD_LOOKBACK = 10_000  # ids below the watermark re-checked after a rebuild
BATCH = 5000
MAX_GAP_RANGES = 500
PRUNED = "pruned:"  # doc_id of the marker row a prune leaves

table = SearchChange.__table__


@dataclass
class SyncState:
    watermark: int = 0
    gaps: list[list] = field(default_factory=list)  # [[first id, last id, seen at (epoch s)], ...]

    def to_json(self) -> str:
        return json.dumps({"watermark": self.watermark, "gaps": self.gaps})


def state_path(index_dir: str) -> str:
    return os.path.join(index_dir, STATE_FILE)


def load_state(index_dir: str) -> SyncState | None:
    try:
        with open(state_path(index_dir), encoding="utf-8") as fh:
            raw = json.load(fh)
        return SyncState(int(raw["watermark"]), [list(g) for g in raw.get("gaps", [])])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_state(index_dir: str, state: SyncState) -> None:
    """Write atomically (another worker of this node may read it at any time)."""
    os.makedirs(index_dir, exist_ok=True)
    tmp = f"{state_path(index_dir)}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(state.to_json())
    os.replace(tmp, state_path(index_dir))


def record(connection, doc_ids) -> None:
    """Insert one change row per doc_id on the caller's connection (its transaction).

    The new ids are remembered for this thread (`take_recorded`), so that the
    node which commits the change and writes it to its own index can leave
    the row out when it replays the log.
    """
    now = utcnow()
    rows = [{"doc_id": d, "changed_at": now} for d in doc_ids]
    if not rows:
        return
    inserted = connection.execute(sa.insert(table).returning(table.c.id, table.c.doc_id), rows).all()
    registry = getattr(_recorded, "ids", None)
    if registry is None:
        registry = _recorded.ids = {}
    for change_id, doc_id in inserted:
        registry.setdefault(doc_id, []).append(change_id)


_recorded = threading.local()


def take_recorded(doc_ids) -> list[int]:
    """The change ids this thread recorded for `doc_ids`; forgets every id it recorded.

    Called after a commit wrote its documents to this node's index. Ids of
    other documents belong to transactions that rolled back (or to another
    session of this thread): forgetting them only means replaying them.
    """
    registry = getattr(_recorded, "ids", None)
    if not registry:
        return []
    out = [i for d in doc_ids for i in registry.get(d, ())]
    registry.clear()
    return out


def note_applied(index_dir: str, ids: list[int]) -> None:
    """Remember that this node's index already holds these changes (any worker may call this).

    Appended in whole lines, each write at most `_APPEND_CHUNK` bytes on an
    O_APPEND descriptor, so lines of two workers never mix.
    """
    if not ids:
        return
    os.makedirs(index_dir, exist_ok=True)
    fd = os.open(os.path.join(index_dir, APPLIED_FILE), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        chunk: list[str] = []
        size = 0
        for i in ids:
            line = f"{i}\n"
            if size + len(line) > _APPEND_CHUNK:
                os.write(fd, "".join(chunk).encode("ascii"))
                chunk, size = [], 0
            chunk.append(line)
            size += len(line)
        if chunk:
            os.write(fd, "".join(chunk).encode("ascii"))
    finally:
        os.close(fd)


def applied_here(index_dir: str) -> set[int]:
    """The change ids this node noted as already in its index."""
    try:
        with open(os.path.join(index_dir, APPLIED_FILE), encoding="ascii") as fh:
            return {int(line) for line in fh if line.strip().isdigit()}
    except (OSError, ValueError):
        return set()


def forget_applied(index_dir: str, state: SyncState, applied: set[int]) -> None:
    """Keep only the noted ids the log reader has not passed yet (above the watermark or in a gap).

    Called by the node's one log reader (under its sync lock); a line another
    worker appends meanwhile may be lost, which only means it is replayed.
    """
    keep = sorted(i for i in applied
                  if i > state.watermark or any(g[0] <= i <= g[1] for g in state.gaps))
    if len(keep) == len(applied):
        return
    path = os.path.join(index_dir, APPLIED_FILE)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write("".join(f"{i}\n" for i in keep))
    os.replace(tmp, path)


def bounds(connection) -> tuple[int | None, int | None]:
    return tuple(connection.execute(sa.select(sa.func.min(table.c.id), sa.func.max(table.c.id))).one())


def lag(connection, state: SyncState, applied: set[int] = frozenset()) -> tuple[int, float | None]:
    """Changes not in this node's index yet — above the watermark and not `applied` by this node
    itself — and the age in seconds of the oldest of them."""
    rows = connection.execute(
        sa.select(table.c.id, table.c.changed_at)
        .where(table.c.id > state.watermark, ~table.c.doc_id.startswith(PRUNED))
    ).all()
    waiting = [changed for change_id, changed in rows if change_id not in applied]
    if not waiting:
        return 0, None
    oldest = min(waiting)
    if oldest.tzinfo is None:  # SQLite hands back naive UTC through the core table
        oldest = oldest.replace(tzinfo=utcnow().tzinfo)
    return len(waiting), max((utcnow() - oldest).total_seconds(), 0.0)


def state_after_rebuild(connection, watermark: int) -> SyncState:
    """The state for an index rebuilt from rows read after `watermark` was taken.

    Ids just below the watermark that are not visible yet may belong to
    transactions still running; they become gaps.
    """
    low = max(0, watermark - REBUILD_LOOKBACK)
    present = [r[0] for r in connection.execute(
        sa.select(table.c.id).where(table.c.id > low, table.c.id <= watermark).order_by(table.c.id))]
    return SyncState(watermark, _missing_ranges(low + 1, watermark, present, time.time()))


class NeedsRebuild(Exception):
    """The log no longer reaches back to this node's watermark."""


def pending(connection, state: SyncState, *, now: float | None = None,
            skip: set[int] | frozenset[int] = frozenset()) -> tuple[list[str], SyncState]:
    """Read the changes this node has not applied; return (doc_ids, the new state).

    Rows whose id is in `skip` (changes this node wrote to its index itself)
    move the watermark like any other but yield no doc_id.

    :raises NeedsRebuild: the rows after the watermark were pruned, or the log was reset.
    """
    now = time.time() if now is None else now
    low, high = bounds(connection)
    if high is None:
        return [], state
    if high < state.watermark or (low > state.watermark + 1 and _pruned_up_to(connection) > state.watermark):
        raise NeedsRebuild(f"change log holds ids {low}..{high}, this index is at {state.watermark}")
    doc_ids: list[str] = []
    gaps = [g for g in state.gaps if now - g[2] < GAP_SECONDS]
    if gaps:
        cond = sa.or_(*[table.c.id.between(g[0], g[1]) for g in gaps])
        found = list(connection.execute(sa.select(table.c.id, table.c.doc_id).where(cond)))
        doc_ids += [d for i, d in found if i not in skip]
        present = sorted(i for i, _d in found)
        gaps = [r for g in gaps for r in _missing_ranges(g[0], g[1], present, g[2])]
    watermark = state.watermark
    while True:
        rows = list(connection.execute(
            sa.select(table.c.id, table.c.doc_id).where(table.c.id > watermark).order_by(table.c.id).limit(BATCH)))
        if not rows:
            break
        doc_ids += [d for i, d in rows if i not in skip]
        gaps += _missing_ranges(watermark + 1, rows[-1][0], [i for i, _d in rows], now)
        watermark = rows[-1][0]
        if len(rows) < BATCH:
            break
    return doc_ids, SyncState(watermark, gaps[-MAX_GAP_RANGES:])


def _missing_ranges(first: int, last: int, present: list[int], seen_at: float) -> list[list]:
    """The ids in first..last (inclusive) not in sorted `present`, as ranges."""
    out, expect = [], first
    for i in present:
        if i < first or i > last:
            continue
        if i > expect:
            out.append([expect, i - 1, seen_at])
        expect = max(expect, i + 1)
    if expect <= last:
        out.append([expect, last, seen_at])
    return out


def _pruned_up_to(connection) -> int:
    """The highest id a prune deleted (its marker row), 0 if none."""
    marker = connection.execute(sa.select(table.c.doc_id).where(table.c.doc_id.like(PRUNED + "%"))
                                .order_by(table.c.id.desc()).limit(1)).scalar()
    return int(marker.partition(":")[2]) if marker else 0


def prune(engine, retention: timedelta) -> int:
    """Delete change rows older than `retention` (always keeping the newest); return how many.

    Leaves a marker row "pruned:<highest deleted id>", so a node that had not
    read that far knows it must rebuild (rather than mistaking a rollback's
    unused id for a pruned change).
    """
    cutoff = utcnow() - retention
    with Session(engine) as session, session.begin():
        newest = session.execute(sa.select(sa.func.max(table.c.id))).scalar()
        if newest is None:
            return 0
        old = sa.and_(table.c.changed_at < cutoff, table.c.id < newest)
        horizon = session.execute(sa.select(sa.func.max(table.c.id)).where(old)).scalar()
        if horizon is None:
            return 0
        horizon = max(horizon, _pruned_up_to(session.connection()))
        result = session.execute(sa.delete(table).where(old))
        record(session.connection(), [f"{PRUNED}{horizon}"])
        return result.rowcount or 0
