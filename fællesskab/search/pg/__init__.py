"""PostgreSQL full-text search as the search backend (SEARCH_BACKEND=postgres).

With it, `/api/v1/search` and `/soeg` read `search_documents` (models.py),
which the sync hooks write in the same transaction as every change
(store.py), so all app nodes share one GIN index and see a change at once.

It needs one extension, `pg_trgm` (Debian's postgresql-contrib, installed
with the server), for close spellings; the migration creates it. Without it
the first search logs an error and close spellings fall back to a scan of
the spelling vocabulary. A second, `rum` (Debian's postgresql-15-rum), is
optional: with it a search ranks only its top matches from a RUM index;
without it the first search warns and every search ranks all its matches.
"""
from __future__ import annotations

import logging
import threading
import time

import sqlalchemy as sa
from flask import Flask

log = logging.getLogger(__name__)

EXTENSION = "faellesskab_search_pg"
BACKENDS = ("whoosh", "postgres")


def init_app(app: Flask) -> None:
    """Check the backend setting against the database.

    :raises ConfigError: SEARCH_BACKEND is unknown, or `postgres` on a database that is not PostgreSQL.
    """
    from ...config import ConfigError

    backend = app.config.get("SEARCH_BACKEND", "whoosh")
    if backend not in BACKENDS:
        raise ConfigError(f"SEARCH_BACKEND must be 'whoosh' or 'postgres', not {backend!r}")
    url = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    if backend == "postgres" and not url.startswith("postgresql"):
        raise ConfigError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL "
                          f"(this one is {url.split(':', 1)[0]!r}); use SEARCH_BACKEND=whoosh with SQLite")
    app.extensions[EXTENSION] = _State()


def enabled(app: Flask) -> bool:
    return app.config.get("SEARCH_BACKEND") == "postgres"


class _State:
    def __init__(self):
        self.ready = False
        self.trigrams: bool | None = None
        self.retry_at = 0.0
        self.lock = threading.Lock()


def ensure_ready(app: Flask) -> None:
    """Once per process: fill `search_documents` when it does not match the database
    (first start with this backend, or rows written while another backend was configured)."""
    state = app.extensions.get(EXTENSION)
    if state is None or state.ready or time.monotonic() < state.retry_at:
        return
    with state.lock:
        if state.ready:
            return
        try:
            check_extensions(app)
            if is_stale(app):
                log.warning("search_documents does not match the database; rebuilding it")
                if rebuild(app, wait=False) is None:  # a writer is busy: check again in a moment
                    state.retry_at = time.monotonic() + 5.0
                    return
            state.ready = True
        except Exception:
            log.exception("search: could not check or rebuild search_documents")
            state.retry_at = time.monotonic() + 5.0


def check_extensions(app: Flask) -> bool:
    """Whether pg_trgm is installed in the database; say so loudly (once per process) when it is not,
    or when the RUM index is missing (store.check_rum)."""
    from ...extensions import db
    from .store import check_rum

    state = app.extensions[EXTENSION]
    with app.app_context():
        engine = db.engine
    with engine.connect() as conn:
        state.trigrams = bool(conn.execute(sa.text(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")).scalar())
        check_rum(conn)  # optional: ranks in the index; warns when missing
    if not state.trigrams:
        log.error("SEARCH_BACKEND=postgres: the PostgreSQL extension pg_trgm is missing, so close spellings "
                  "are looked up without an index (slow for a large vocabulary). Install postgresql-contrib "
                  "and run `CREATE EXTENSION pg_trgm` (or `flask db upgrade`) as a superuser.")
    return state.trigrams


def has_trigrams(connection) -> bool:
    """Whether close spellings may use the trigram index (assumed until checked)."""
    from flask import current_app

    state = current_app.extensions.get(EXTENSION)
    return state is None or state.trigrams is not False


def is_stale(app: Flask) -> bool:
    from ...extensions import db
    from ..source import fingerprint
    from .store import fingerprint as table_fingerprint

    with app.app_context():
        engine = db.engine
    with engine.connect() as conn:
        count, latest = table_fingerprint(conn)
    source_count, source_latest = fingerprint(engine)
    return count != source_count or latest < source_latest


def rebuild(app: Flask, progress=None, *, wait: bool = True) -> int | None:
    """Refill `search_documents` and `search_words` from the database; return the number of documents
    (None when `wait` is false and a writer held the lock)."""
    from ...extensions import db
    from ..source import iter_documents
    from .store import rebuild as rebuild_table

    caller = _caller_backend(app)  # before app_context(): a new context is a new session
    with app.app_context():
        engine = db.engine
    return rebuild_table(engine, iter_documents(engine), progress=progress, wait=wait, caller_pid=caller)


def _caller_backend(app: Flask) -> int | None:
    """The server process of this thread's own session while it is in a transaction, else None.

    The rebuild runs on a connection of its own; a lock the caller's open transaction holds
    (it searched, so it read search_documents) is not let go until the rebuild returns, so
    the swap must not wait for it (store._swap)."""
    from flask import current_app, has_app_context

    from ...extensions import db

    if not has_app_context() or current_app != app:
        return None
    session = db.session()  # the scoped session's own Session
    if not session.in_transaction():
        return None
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return None
    return connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
