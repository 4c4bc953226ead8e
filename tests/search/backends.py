"""Run search tests on either search backend (SEARCH_BACKEND=whoosh | postgres)."""
from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from fællesskab.extensions import db as _db
from fællesskab.search.pg.store import clear_stats

PG_TABLES = ("search_documents", "search_words")


@contextmanager
def use_search_backend(app, backend: str):
    """Switch the (session-wide) test app to `backend` for the block; empty the backend's tables after.

    The postgres backend needs the PostgreSQL app: on the SQLite app it is
    skipped, and the same test runs on the PostgreSQL app whenever
    TEST_DATABASE_URL is set (so CI never skips it).
    """
    if backend == "whoosh":
        yield
        return
    if app.config["DATABASE_NAME"] != "postgresql":
        reason = ("the postgres search backend needs PostgreSQL; this test runs on the PostgreSQL app"
                  if os.environ.get("TEST_DATABASE_URL") else
                  "the postgres search backend needs PostgreSQL: set TEST_DATABASE_URL")
        pytest.skip(reason)
    saved = app.config.get("SEARCH_BACKEND", "whoosh")
    app.config["SEARCH_BACKEND"] = "postgres"
    try:
        yield
    finally:
        app.config["SEARCH_BACKEND"] = saved
        with app.app_context():
            _db.session.rollback()
            for table in PG_TABLES:
                _db.session.execute(sa.text(f"DELETE FROM {table}"))
            _db.session.commit()
            _db.session.remove()
        clear_stats()
