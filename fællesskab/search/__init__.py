"""Full-text search over associations and events (see DESIGN.md and port.py).

Callers outside `search/` use only the names this module exports (`__all__`):
`engine()` gives the configured engine (port.SearchEngine), `search()` runs a
search on it, and the port's plain values cross the boundary.

The rest of this module is the Whoosh engine's node-local state.

`init_app(app)` wires the index into the app: it registers the session hooks
that keep the index in sync (sync.py) and looks at the index on disk. The
check that needs the database — is the index stale? — and any rebuild run on
first use (the first search or the first write), so creating an app stays fast
and works before `db upgrade` has created any tables.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import filelock
from flask import Flask

from .hooks import after_search, register_after_search
from .index import MISSING, OK, STALE, ForeignFolder, SearchIndex
from .params import MAX_QUERY_LENGTH, MAX_RADIUS_KM, SORTS, TYPES, SearchParams, parse_params
from .port import MATCHED, Candidate, CandidateQuery, Candidates, Hit, Location, SearchEngine, SearchResult

__all__ = [
    "engine", "search", "init_app", "health", "index_lag", "rebuild", "clear_index",
    "SearchEngine", "SearchParams", "parse_params", "SearchResult", "Hit", "Location",
    "CandidateQuery", "Candidates", "Candidate", "MATCHED",
    "MAX_QUERY_LENGTH", "MAX_RADIUS_KM", "SORTS", "TYPES",
    "after_search", "register_after_search",  # what packages above search do after a search
    # the app's wiring (fællesskab/__init__.py, cli.py, models.py): the page, the command group, the tables
    "search_bp", "search_cli", "SearchChange", "SearchDocument", "SearchWord",
]

log = logging.getLogger(__name__)

EXTENSION = "faellesskab_search"
ENGINE = "faellesskab_search_engine"
RETRY_SECONDS = 5.0  # wait before checking again when the database is not ready
REFUSED_RETRY_SECONDS = 60.0  # wait before looking at a refused index folder again
PRUNE_EVERY = 3600.0  # seconds between prunes of the change log by one process
FORCED_REBUILD_INTERVAL = 300.0  # seconds between rebuilds forced by read errors


def __getattr__(name: str):
    """The app's wiring, imported when first asked for (PEP 562).

    Lazily, because the page and the tables import other domains' models, which
    must not run while this package is being imported.
    """
    if name == "search_bp":
        from .views import bp

        return bp
    if name == "search_cli":
        from .cli import search_cli

        return search_cli
    if name == "SearchChange":
        from .models import SearchChange

        return SearchChange
    if name in ("SearchDocument", "SearchWord"):
        from .pg import models

        return getattr(models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class SearchState:
    """The app's index plus whether it has been checked against the database."""

    def __init__(self, app: Flask):
        self.app = app
        self.index = SearchIndex(app.config["SEARCH_INDEX_DIR"])
        self.ready = False
        self.retry_at = 0.0
        self.lock = threading.Lock()
        self.force_rebuild = False
        self.last_forced: float | None = None  # not 0.0: monotonic() starts near 0 at boot
        self.start_status = self.index.status()
        self.sync_lock = threading.Lock()
        self.next_poll = 0.0
        self.next_prune = time.monotonic() + 60.0
        self.refused: str | None = None  # why the index folder was refused (index.ForeignFolder)

    def ensure_ready(self) -> bool:
        """Rebuild the index if it is missing, outdated, corrupt or stale (once per process).

        Returns True when it rebuilt the index just now.
        """
        if self.ready or time.monotonic() < self.retry_at:
            return False
        with self.lock:
            if self.ready or time.monotonic() < self.retry_at:
                return False
            try:
                rebuilt = self._check_and_repair()
                self.ready, self.refused = True, None
                return rebuilt
            except ForeignFolder as exc:  # a person must move the folder; search stays unavailable
                log.error("search: %s", exc)
                self.refused = str(exc)
                self.retry_at = time.monotonic() + REFUSED_RETRY_SECONDS
            except _NoTables:
                self.retry_at = time.monotonic() + RETRY_SECONDS
            except Exception:
                log.exception("search: could not check or rebuild the index at %s", self.index.path)
                self.retry_at = time.monotonic() + RETRY_SECONDS
            return False

    def _check_and_repair(self) -> bool:
        from .source import fingerprint, has_tables

        engine = self._engine()
        if not has_tables(engine):
            if self.index.status() != OK:
                self.index.rebuild([])  # an empty index, so searching works meanwhile
            raise _NoTables
        with self.index.rebuild_lock():
            status = self.index.status()
            if self.force_rebuild:
                status, self.force_rebuild = "unreadable", False
            if status == OK:
                count, latest = fingerprint(engine)
                with self.index.reading() as (_searcher, snap):
                    if snap.count != count or snap.latest_update() < latest:
                        status = STALE
            if status == OK:
                self.index.seal()  # an index written before checksums, or by a killed process
                return False
            log.warning("search index at %s is %s; rebuilding it", self.index.path, status)
            started = time.perf_counter()
            n = rebuild(self.app)
            log.warning("search index rebuilt: %d document(s) in %.1f s", n, time.perf_counter() - started)
            return True

    def _engine(self):
        from ..extensions import db

        with self.app.app_context():
            return db.engine

    def repair_after_failure(self) -> bool:
        """After reading the index failed: rebuild it (at most every few minutes).

        Returns True when a rebuild was attempted, so the caller may retry.
        """
        if self.last_forced is not None and time.monotonic() - self.last_forced < FORCED_REBUILD_INTERVAL:
            return False
        self.last_forced = time.monotonic()
        self.index.reset_readers()
        self.force_rebuild, self.ready, self.retry_at = True, False, 0.0
        self.ensure_ready()
        return True


    def poll(self, *, force: bool = False) -> int:
        """Apply the change log's new rows to this node's index; return how many documents.

        Throttled to once per SEARCH_SYNC_INTERVAL seconds; skipped while
        another thread or worker process of this node is applying.
        """
        interval = float(self.app.config.get("SEARCH_SYNC_INTERVAL", 1.0))
        if not force and (interval < 0 or time.monotonic() < self.next_poll):
            return 0
        if not self.ready or not self.sync_lock.acquire(blocking=False):
            return 0
        try:
            self.next_poll = time.monotonic() + interval
            try:
                with self.index.sync_lock().acquire(blocking=False):
                    return self._apply_log()
            except filelock.Timeout:  # another worker of this node is applying it
                return 0
        except Exception:
            log.exception("search: could not apply the change log to %s", self.index.path)
            return 0
        finally:
            self.sync_lock.release()

    def _apply_log(self) -> int:
        from sqlalchemy.orm import Session

        from . import changelog
        from .source import documents_for

        engine = self._engine()
        state = changelog.load_state(self.index.path)
        with Session(engine) as session:
            if state is None:  # an index from before the change log: start from here
                changelog.save_state(self.index.path, changelog.SyncState(changelog.bounds(session)[1] or 0))
                return 0
            applied = changelog.applied_here(self.index.path)
            try:
                doc_ids, new_state = changelog.pending(session.connection(), state, skip=applied)
            except changelog.NeedsRebuild as exc:
                log.warning("search: %s; rebuilding", exc)
                session.close()
                return rebuild(self.app)
            docs = documents_for(session, set(doc_ids)) if doc_ids else {}
        if docs:
            self.index.write({k: v for k, v in docs.items() if v is not None},
                             [k for k, v in docs.items() if v is None])
        if new_state != state:
            changelog.save_state(self.index.path, new_state)
        if applied:
            changelog.forget_applied(self.index.path, new_state, applied)
        if time.monotonic() >= self.next_prune:
            self.next_prune = time.monotonic() + PRUNE_EVERY
            hours = float(self.app.config.get("SEARCH_CHANGE_RETENTION_HOURS", 24))
            changelog.prune(engine, timedelta(hours=hours))
        return len(docs)


class _NoTables(Exception):
    pass


def init_app(app: Flask) -> None:
    """Attach the configured search engine to `app` and start keeping it in sync.

    With SEARCH_BACKEND=postgres there is no Whoosh index at all: no index
    folder, no change log; the sync hooks write `search_documents` in the
    changing transaction (sync.py).
    """
    from . import sync
    from .pg import init_app as init_postgres_backend

    init_postgres_backend(app)  # SEARCH_BACKEND=postgres: checked here, so a bad setting stops the start
    sync.register()
    if uses_whoosh(app):
        state = SearchState(app)
        app.extensions[EXTENSION] = state
        log.info("search engine: whoosh (a node-local index at %s)", state.index.path)
        if state.start_status != OK:
            level = logging.INFO if state.start_status == MISSING else logging.WARNING
            log.log(level, "search index at %s is %s; it is rebuilt on first use",
                    state.index.path, state.start_status)
    else:
        log.info("search engine: postgres (full-text search in the database; no index on this node)")


def uses_whoosh(app: Flask) -> bool:
    """Whether the app searches a Whoosh index (SEARCH_BACKEND=whoosh, the default).

    Read each time: the tests switch SEARCH_BACKEND on one app.
    """
    return (app.config.get("SEARCH_BACKEND") or "whoosh") == "whoosh"


def engine(app: Flask | None = None) -> SearchEngine:
    """The app's search engine (SEARCH_BACKEND), made once per app."""
    from flask import current_app

    app = app or current_app._get_current_object()
    backend = app.config.get("SEARCH_BACKEND") or "whoosh"  # read each time: tests switch it
    made = app.extensions.setdefault(ENGINE, {})
    found = made.get(backend)
    if found is None:
        from .engines import make_engine

        found = made[backend] = make_engine(app)
    return found


def search(params: SearchParams) -> SearchResult:
    """Run a search on the app's engine (port.SearchEngine.search)."""
    from ..core import metrics

    with metrics.SEARCH_SECONDS.time():
        return engine().search(params)


def get_state(app: Flask) -> SearchState:
    """The Whoosh engine's state; made on first use when the app started with another engine
    (tests switch SEARCH_BACKEND on one app)."""
    state = app.extensions.get(EXTENSION)
    if state is None:
        state = app.extensions.setdefault(EXTENSION, SearchState(app))
    return state


def get_index(app: Flask) -> SearchIndex:
    """The app's index, checked (and if need be rebuilt) first."""
    state = get_state(app)
    state.ensure_ready()
    if state.refused is not None and not state.ready:
        from flask_babel import gettext as _

        from ..core.errors import Unavailable

        raise Unavailable(_("Tjenesten er midlertidigt utilgængelig. Prøv igen om lidt."))
    state.poll()
    return state.index


def health(app: Flask) -> tuple[bool, str]:
    """Whether search can answer: (ok, a short reason for /readyz).

    The first call in a process checks the index against the database and
    rebuilds it if need be (as the first search would), so a node reports
    ready only once its index is usable.
    """
    state = get_state(app)
    state.ensure_ready()
    if state.ready:
        return True, "index checked"
    return False, "index not checked or being rebuilt; see the log"


def index_lag(app: Flask) -> tuple[int, float | None]:
    """How far this node's index is behind the database: (change-log rows not applied yet,
    seconds since the oldest of them was committed); (0, None) when it is current."""
    from ..extensions import db
    from . import changelog

    path = get_state(app).index.path
    state = changelog.load_state(path)
    if state is None or not _has_log(db.engine):
        return 0, None
    return changelog.lag(db.session.connection(), state, changelog.applied_here(path))


def rebuild(app: Flask, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the app's index from its database; return the number of documents."""
    from ..extensions import db
    from . import changelog
    from .source import count_documents, iter_documents

    with app.app_context():
        engine = db.engine
    index = get_state(app).index
    with engine.connect() as conn:  # taken before reading rows: later changes are replayed
        watermark = (changelog.bounds(conn)[1] or 0) if _has_log(engine) else None
    n = index.rebuild(iter_documents(engine), progress=progress, expected=count_documents(engine))
    if watermark is not None:
        with engine.connect() as conn:
            changelog.save_state(index.path, changelog.state_after_rebuild(conn, watermark))
    return n


def _has_log(engine) -> bool:
    import sqlalchemy as sa

    return sa.inspect(engine).has_table("search_changes")


def apply_changes(app: Flask, changes: dict[str, dict | None]) -> None:
    """Write documents (None = delete) collected by the sync hooks.

    Nothing to write when this commit found the index in need of a rebuild:
    the rebuild read the committed rows already.
    """
    from . import changelog

    recorded = changelog.take_recorded(changes)
    state = get_state(app)
    if state.ensure_ready() or (state.refused is not None and not state.ready):
        return  # rebuilt just now, or no folder to write to: the rebuild once it is fixed reads the rows
    index = state.index
    upserts = {k: v for k, v in changes.items() if v is not None}
    deletes = [k for k, v in changes.items() if v is None]
    if index.write(upserts, deletes):  # written now (not queued behind another process's lock)
        # This node's log reader may leave these rows out: the index has them.
        changelog.note_applied(index.path, recorded)


def clear_index(app: Flask) -> None:
    """Empty the index (tests, after emptying the tables)."""
    state = app.extensions.get(EXTENSION)
    if state is not None:
        state.index.clear()
