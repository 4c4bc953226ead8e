"""The checks behind /readyz: each answers (ok, detail) and holds nothing personal.

They are cheap enough for a load balancer to call every few seconds: one
`SELECT 1`, one read of alembic's version table, one count on an indexed
column; the search check is free once this process has checked its index.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from ..extensions import db
from ..mail.services import backlog as mail_backlog
from ..search import engine as search_engine

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                              "migrations")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """The revisions a fully migrated database is at (read from migrations/ once per process)."""
    return frozenset(ScriptDirectory(MIGRATIONS_DIR).get_heads())


def check_database() -> Check:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        return Check("database", False, f"not reachable ({type(exc).__name__})")
    return Check("database", True, "reachable")


def check_migrations() -> Check:
    try:
        current = frozenset(MigrationContext.configure(db.session.connection()).get_current_heads())
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        return Check("migrations", False, f"cannot be read ({type(exc).__name__})")
    heads = migration_heads()
    if current == heads:
        return Check("migrations", True, "at head")
    if not current:
        return Check("migrations", False, "not applied: run `flask --app wsgi db upgrade`")
    return Check("migrations", False, f"at {', '.join(sorted(current))}, head is {', '.join(sorted(heads))}: "
                                      "run `flask --app wsgi db upgrade`")


def check_search(app: Flask) -> Check:
    engine = search_engine(app)
    ok, detail = engine.health()
    return Check("search", ok, f"{engine.name}: {detail}")


def check_mail(limit: int) -> Check:
    try:
        backlog, _oldest = mail_backlog()
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        return Check("mail", False, f"outbox cannot be read ({type(exc).__name__})")
    detail = f"{backlog} unsent (limit {limit})"
    return Check("mail", backlog < limit, detail)


def readiness(app: Flask) -> list[Check]:
    """Every check, in order; the database ones are skipped when the database is down."""
    database = check_database()
    if not database.ok:
        return [database, Check("migrations", False, "database not reachable"),
                Check("search", False, "database not reachable"), Check("mail", False, "database not reachable")]
    return [database, check_migrations(), check_search(app), check_mail(app.config["READY_MAIL_BACKLOG"])]
