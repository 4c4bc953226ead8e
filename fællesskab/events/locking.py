"""Row locks for writes that must not interleave (sign-ups against a capacity).

PostgreSQL: `SELECT … FOR UPDATE` on the row; a second transaction waits for
the first to commit and then reads what it wrote.

SQLite has no row locks, and the pysqlite driver starts its transaction only
at the first INSERT/UPDATE, so two requests could both count the free places
before either writes. `BEGIN IMMEDIATE` takes SQLite's single write lock up
front instead: the second request waits (the driver's busy timeout) until the
first commits, then counts again. Writes to one database are serialised,
which is what SQLite does anyway; reads are not blocked.
"""
from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa

from ..extensions import db

T = TypeVar("T")


def serialise_writes() -> None:
    """On SQLite, take the database's write lock now (no-op elsewhere)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:  # a transaction that already wrote holds the lock
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock(model: type[T], ident: int) -> T | None:
    """Load `model` row `ident` fresh from the database and lock it until commit or rollback."""
    serialise_writes()
    return db.session.scalars(
        sa.select(model).where(model.id == ident).with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
