"""Write `search_documents` / `search_words`: in the changing transaction, and rebuilds.

The sync hooks (sync.py, after_flush) call `write` on the session's own
connection, so a change and its search row commit (or roll back) together
and every app node sees it at the next query: nothing to poll or replay.

Writers take a shared transaction-level advisory lock and a rebuild takes
it exclusively, so a rebuild reads a state no writer is halfway through and
no write lands between its read and the swap of its new table. Holding that lock, every
write moves the `search_generation` sequence on (`generation`: what a reader
counted may be kept until then).
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from cachetools import LRUCache, TTLCache
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from .models import GENERATION, RUM_INDEX, SearchDocument, SearchWord
from .rows import document_row, spelling_words

log = logging.getLogger(__name__)

LOCK_KEY = 0x66E6C6C6  # advisory lock: writers shared, rebuilds exclusive
BATCH = 1000
FACET_CACHE_SIZE = 2000  # queries' counts kept per process (a few hundred bytes each)
STATS_SECONDS = 60.0  # how long a process trusts its document count and term frequencies

documents = SearchDocument.__table__
words = SearchWord.__table__
_UPDATE_COLUMNS = [c.name for c in documents.columns if c.name != "key"]


def write(connection, changes: dict[str, dict | None]) -> None:
    """Upsert the documents and delete the keys mapped to None, on the caller's transaction."""
    connection.execute(sa.text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": LOCK_KEY})
    _write(connection, changes)


def _write(connection, changes: dict[str, dict | None]) -> None:
    connection.execute(sa.select(GENERATION.next_value()))
    deletes = [k for k, v in changes.items() if v is None]
    rows = [document_row(v) for v in changes.values() if v is not None]
    if deletes:
        connection.execute(documents.delete().where(documents.c.key.in_(deletes)))
    if rows:
        stmt = insert(documents)
        connection.execute(stmt.on_conflict_do_update(
            index_elements=["key"], set_={c: stmt.excluded[c] for c in _UPDATE_COLUMNS}), rows)
        _add_words(connection, [doc for doc in changes.values() if doc is not None])
    clear_stats()


def rebuild(engine, docs: Iterable[dict], progress: Callable[[int], None] | None = None, *,
            wait: bool = True, caller_pid: int | None = None) -> int | None:
    """Replace the table's contents with `docs` (one transaction); return how many were written.

    `docs` is read inside the exclusive lock, so it must be a lazy iterator
    over the database (source.iter_documents), not a list read beforehand.
    With `wait=False`, return None at once when a writer holds the lock (the
    caller's own open transaction may be that writer).

    The documents go into a new table without indexes (BUILD_TABLE), whose
    indexes — the same as the live table's — are built once at the end, and
    which then takes the live table's place in the same transaction: the RUM
    index filled row by row made a rebuild 3.5× slower (docs/performance.md).
    Searches on every node keep reading the old table, indexes and all, until
    the commit; only the swap itself (milliseconds) makes them wait.
    `caller_pid` is the server process of the caller's own open transaction, if any:
    it cannot end before this returns, so the swap never waits for its locks.
    """
    n = 0
    with Session(engine) as session, session.begin():
        conn = session.connection()
        if wait:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
        elif not conn.execute(sa.text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY}).scalar():
            return None
        # Invisible to every other session until this commits; the lock keeps writers out meanwhile.
        conn.execute(sa.text(f"CREATE TABLE {BUILD_TABLE} (LIKE search_documents"
                             " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)"))
        # DELETE, not TRUNCATE: searches keep reading the old words until this commits.
        conn.execute(words.delete())
        conn.execute(sa.select(GENERATION.next_value()))
        batch: list[dict] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= BATCH:
                _fill(conn, batch)
                n += len(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            _fill(conn, batch)
            n += len(batch)
            if progress:
                progress(len(batch))
        _swap(conn, _copy_indexes(conn), caller_pid=caller_pid)
    # No TRUNCATE: giving empty end pages back needs the ACCESS EXCLUSIVE lock, which VACUUM waits up
    # to 5 s for while any search (or the caller's own transaction) reads the table; autovacuum does it.
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text(
            "VACUUM (ANALYZE, TRUNCATE false) search_documents"))
    clear_stats()
    return n


BUILD_TABLE = "search_documents_build"
_build = documents.to_metadata(sa.MetaData(), name=BUILD_TABLE)
SWAP_LOCK_MS = 200  # how long one try at the swap may keep searches queued behind it
SWAP_WAIT_S = 60.0  # tries at the swap for this long, then copy the rows into the live table
INDEX_MEMORY = "256MB"  # maintenance_work_mem while the GIN and RUM indexes are built (default 64MB)
_INDEX_DEF = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON \S+ (USING .*)$")


def _fill(connection, docs: list[dict]) -> None:
    """Insert `docs` into the build table (no index yet: plain inserts) and their words."""
    connection.execute(_build.insert(), [document_row(d) for d in docs])
    _add_words(connection, docs)


def _add_words(connection, docs: Iterable[dict]) -> None:
    vocabulary: set[str] = set()
    for doc in docs:
        vocabulary |= spelling_words(doc.get("spell", ""))
    if vocabulary:
        connection.execute(insert(words).on_conflict_do_nothing(), [{"word": w} for w in sorted(vocabulary)])


def _copy_indexes(connection) -> list[tuple[str, str, str | None]]:
    """Build on the filled build table every valid index the live table has (under temporary names);
    return (temporary name, live name, constraint type or None) for the swap to rename.

    Copied from the catalogue rather than listed here, so an index a migration adds (or the RUM
    index a server without the extension lacks) is kept as the live table has it.
    """
    found = connection.execute(sa.text(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid), con.contype FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid"
        " LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid"
        " WHERE i.indrelid = 'search_documents'::regclass AND i.indisvalid ORDER BY c.relname")).all()
    connection.execute(sa.text(f"SET LOCAL maintenance_work_mem = '{INDEX_MEMORY}'"))
    renames = []
    for i, (name, definition, contype) in enumerate(found):
        match = _INDEX_DEF.match(definition)
        if match is None or contype not in (None, "p", "u"):
            raise RuntimeError(f"search rebuild: cannot copy index {name} ({definition}, constraint {contype})")
        temporary = f"{BUILD_TABLE}_{i}"
        connection.execute(sa.text(f"CREATE {match[1] or ''}INDEX {temporary} ON {BUILD_TABLE} {match[2]}"))
        if contype is not None:
            kind = "PRIMARY KEY" if contype == "p" else "UNIQUE"
            connection.execute(sa.text(
                f"ALTER TABLE {BUILD_TABLE} ADD CONSTRAINT {temporary} {kind} USING INDEX {temporary}"))
        renames.append((temporary, name, contype))
    return renames


def _swap(connection, renames: list[tuple[str, str, str | None]], *, caller_pid: int | None = None) -> None:
    """Put the build table in the live table's place, names and all, in the caller's transaction.

    Dropping the live table needs its ACCESS EXCLUSIVE lock: each try waits at most SWAP_LOCK_MS
    (searches queue behind a waiting lock request), in a savepoint, for SWAP_WAIT_S in all. A
    transaction that read search_documents and now waits for a lock this rebuild holds (a sync
    hook's write waiting for the advisory lock) would never let go — waiting for it is a deadlock,
    which PostgreSQL settles by failing one of the two — so then, or after SWAP_WAIT_S, the rows
    are copied into the live table instead: slower (the RUM index row by row), but it needs no
    lock a reader holds. So it is, at once, when the caller's own transaction (`caller_pid`)
    holds a lock on the table: that transaction waits for this function to return.
    """
    deadline = time.monotonic() + SWAP_WAIT_S
    if caller_pid is not None and _table_held_by(connection, caller_pid):
        return _copy_into_live(connection, "the caller's own open transaction read it")
    while True:
        if _table_held_by_our_waiters(connection):
            return _copy_into_live(connection, "a transaction that read it waits for this rebuild's lock")
        savepoint = connection.begin_nested()
        try:
            connection.execute(sa.text(f"SET LOCAL lock_timeout = {int(SWAP_LOCK_MS)}"))
            connection.execute(sa.text("LOCK TABLE search_documents IN ACCESS EXCLUSIVE MODE"))
        except sa.exc.OperationalError as e:
            if getattr(e.orig, "sqlstate", None) not in ("55P03", "40P01"):  # lock not available, deadlock
                raise
            savepoint.rollback()
            if time.monotonic() < deadline:
                time.sleep(0.5)
                continue
            return _copy_into_live(connection, f"it stayed in use for {SWAP_WAIT_S:.0f} s")
        savepoint.commit()
        break
    connection.execute(sa.text("SET LOCAL lock_timeout = DEFAULT"))
    connection.execute(sa.text("DROP TABLE search_documents"))
    connection.execute(sa.text(f"ALTER TABLE {BUILD_TABLE} RENAME TO search_documents"))
    for temporary, name, contype in renames:
        if contype is None:
            connection.execute(sa.text(f"ALTER INDEX {temporary} RENAME TO {name}"))
        else:  # renames its index too
            connection.execute(sa.text(f"ALTER TABLE search_documents RENAME CONSTRAINT {temporary} TO {name}"))


def _table_held_by_our_waiters(connection) -> bool:
    """Whether a session holding a lock on search_documents waits for a lock this one holds."""
    return bool(connection.execute(sa.text(
        "SELECT EXISTS (SELECT 1 FROM pg_locks l WHERE l.relation = 'search_documents'::regclass"
        " AND l.granted AND l.pid <> pg_backend_pid() AND pg_backend_pid() = ANY(pg_blocking_pids(l.pid)))"
    )).scalar())


def _table_held_by(connection, pid: int) -> bool:
    """Whether the session with server process `pid` holds a lock on search_documents."""
    return bool(connection.execute(sa.text(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE relation = 'search_documents'::regclass"
        " AND granted AND pid = :pid)"), {"pid": pid}).scalar())


def _copy_into_live(connection, why: str) -> None:
    log.warning("search rebuild: not swapping the new table in, as %s; copying its rows into "
                "search_documents instead (slower)", why)
    columns = ", ".join(c.name for c in documents.columns)
    connection.execute(documents.delete())
    connection.execute(sa.text(f"INSERT INTO search_documents ({columns}) SELECT {columns} FROM {BUILD_TABLE}"))
    connection.execute(sa.text(f"DROP TABLE {BUILD_TABLE}"))


def generation(connection) -> int | None:
    """The table's generation, or None while a write or rebuild is under way (uncommitted).

    The sequence is read before the locks: a writer that is not yet holding
    the lock then moves it on after this read, so what is counted now is
    never kept under a generation a later, committed change also has.
    """
    value = connection.execute(sa.text("SELECT last_value FROM search_generation")).scalar()
    busy = connection.execute(sa.text(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = :k"
        " AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))"),
        {"k": LOCK_KEY}).scalar()
    return None if busy else value


def fingerprint(connection) -> tuple[int, int]:
    """(rows, newest `updated`) of the table, to compare with source.fingerprint."""
    count, latest = connection.execute(
        sa.select(sa.func.count(), sa.func.max(documents.c.updated))).one()
    return count or 0, latest or 0


class Stats:
    """Per-process cache of the ranking statistics: document count and term frequencies.

    This process's own writes clear it; another node's writes are seen within
    STATS_SECONDS. Only ranking weights depend on it — what matches never does.
    A frequency of zero is never cached, so a new word is known at once.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._count: tuple[float, int, float] | None = None
        # term → documents containing it; a term's count is trusted for STATS_SECONDS.
        self._df: TTLCache = TTLCache(maxsize=50_000, ttl=STATS_SECONDS, timer=time.monotonic)

    def clear(self) -> None:
        with self._lock:
            self._count = None
            self._df.clear()

    def totals(self, connection) -> tuple[int, float]:
        """(number of documents, average length)."""
        now = time.monotonic()
        with self._lock:
            cached = self._count
        if cached is not None and now - cached[0] < STATS_SECONDS:
            return cached[1], cached[2]
        count, avg = connection.execute(sa.select(sa.func.count(), sa.func.avg(documents.c.length))).one()
        count, avg = count or 0, float(avg or 1.0) or 1.0
        with self._lock:
            self._count = (now, count, avg)
        return count, avg

    def doc_frequencies(self, connection, terms) -> dict[str, int]:
        """Documents containing each term (one query for all terms not cached)."""
        from .rows import quote

        out: dict[str, int] = {}
        with self._lock:
            for t in terms:
                hit = self._df.get(t)
                if hit is not None:
                    out[t] = hit
        missing = [t for t in dict.fromkeys(terms) if t not in out]
        if missing:
            params = {f"t{i}": quote(t) for i, t in enumerate(missing)}
            counts = ", ".join(f"count(*) FILTER (WHERE tsv @@ CAST(:t{i} AS tsquery))" for i in range(len(missing)))
            params["any"] = " | ".join(quote(t) for t in missing)
            row = connection.execute(sa.text(
                f"SELECT {counts} FROM search_documents WHERE tsv @@ CAST(:any AS tsquery)"), params).one()
            with self._lock:
                for t, n in zip(missing, row, strict=True):
                    out[t] = n
                    if n:
                        self._df[t] = n
        return out


_stats: dict[str, Stats] = {}
_rum: dict[str, bool] = {}  # database → whether search_documents has a valid RUM index


def check_rum(connection) -> bool:
    """Whether `search_documents` has its RUM index (remembered for has_rum); warn when it has not."""
    key = connection.engine.url.render_as_string(hide_password=True)
    extension, index = connection.execute(sa.text(
        "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'rum'),"
        " EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE c.relname = :name AND i.indisvalid)"), {"name": RUM_INDEX}).one()
    _rum[key] = bool(extension and index)
    if not extension:
        log.warning("SEARCH_BACKEND=postgres: the PostgreSQL extension rum is missing, so every search ranks all "
                    "its matches (slow for common words at national scale). Install Debian's postgresql-15-rum "
                    "on the database server and run `flask db upgrade` as a superuser (docs/operations.md).")
    elif not index:
        log.warning("SEARCH_BACKEND=postgres: the rum extension is installed but search_documents has no valid "
                    "%s, so every search ranks all its matches; run `flask db upgrade` "
                    "(or CREATE INDEX %s ON search_documents USING rum (tsv rum_tsvector_ops)).",
                    RUM_INDEX, RUM_INDEX)
    return _rum[key]


def has_rum(connection) -> bool:
    """Whether searches may take their top matches from the RUM index (checked once per process)."""
    found = _rum.get(connection.engine.url.render_as_string(hide_password=True))
    return check_rum(connection) if found is None else found


def stats_for(connection) -> Stats:
    """The statistics cache of this connection's database."""
    key = connection.engine.url.render_as_string(hide_password=True)
    found = _stats.get(key)
    if found is None:
        found = _stats.setdefault(key, Stats())
    return found


def clear_stats() -> None:
    """Forget this process's statistics and counts (its own write, or a test emptying the tables)."""
    for s in list(_stats.values()):
        s.clear()
    facet_cache.clear()


class FacetCache:
    """What a query counted over all its matches — facet counts, total, best score — per table generation.

    Kept per process, the least recently used dropped beyond FACET_CACHE_SIZE;
    a generation that has moved on (any committed write, on any node) is
    never read again, and nothing is kept while a write is under way
    (store.generation), so the counts are always those of the table as the
    query sees it.
    """

    def __init__(self, size: int = FACET_CACHE_SIZE):
        self.size = size
        self._lock = threading.Lock()
        self._entries: LRUCache = LRUCache(maxsize=size)

    def get(self, key):
        with self._lock:
            return self._entries.get(key)

    def put(self, key, value) -> None:
        with self._lock:
            self._entries[key] = value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


facet_cache = FacetCache()

