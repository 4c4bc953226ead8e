"""Alembic migrations: empty -> head matches the models exactly, and head -> base works.

Each run uses a fresh, empty database (a new SQLite file, or a throwaway PostgreSQL
database on the TEST_DATABASE_URL server), never the shared test database.
"""
from __future__ import annotations

import logging
import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fællesskab import create_app
from fællesskab.config import normalise_database_url
from fællesskab.extensions import db as _db


@pytest.fixture
def keep_logging():
    """Alembic's env.py calls logging.config.fileConfig, which disables every existing
    logger; put the logging set-up back so later tests still see their log records."""
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {
        name: (lg.disabled, lg.level, list(lg.handlers), lg.propagate)
        for name, lg in logging.root.manager.loggerDict.items()
        if isinstance(lg, logging.Logger)
    }
    yield
    root.setLevel(saved_root[0])
    root.handlers[:] = saved_root[1]
    for name, lg in list(logging.root.manager.loggerDict.items()):
        if not isinstance(lg, logging.Logger):
            continue
        if name in saved:
            lg.disabled, level, handlers, lg.propagate = saved[name]
            lg.setLevel(level)
            lg.handlers[:] = handlers
        else:
            lg.disabled = False


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """The URL of a new, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/migrations.db"
        return
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        pytest.skip("TEST_DATABASE_URL is not set, so there is no PostgreSQL server to migrate")
    import psycopg

    url = sa.engine.make_url(normalise_database_url(server_url))
    name = f"fk_migr_{uuid.uuid4().hex[:12]}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def migration_app(empty_database_url, tmp_path, keep_logging):
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": empty_database_url,
        "SECRET_KEY": "test-secret",
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
    })
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


def table_names() -> set[str]:
    return set(sa.inspect(_db.engine).get_table_names())


# SQLite cannot reflect an expression index (ix_newcomers_move_in_order), so the comparison
# skips it there and says so; PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_upgrade_to_models_and_downgrade_to_empty(migration_app):
    from flask_migrate import downgrade, upgrade

    assert table_names() == set()

    upgrade()
    assert table_names() == set(_db.metadata.tables) | {"alembic_version"}
    assert {"associations", "events", "users", "places", "streets"} <= table_names()
    with _db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert context.get_current_revision() is not None
        differences = compare_metadata(context, _db.metadata)
        rum = conn.dialect.name == "postgresql" and conn.execute(sa.text(
            "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum')")).scalar()
    # The RUM index is made by a migration where the server has the extension, not by the models.
    optional = [d for d in differences if d[0] == "remove_index" and d[1].name == "ix_search_documents_rum"]
    assert len(optional) == (1 if rum else 0)
    differences = [d for d in differences if d not in optional]
    assert differences == [], "the models and the migrations differ: run `flask db migrate`"

    downgrade(revision="base")
    assert table_names() <= {"alembic_version"}
    with _db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is None


def test_migrated_schema_takes_the_reference_data(migration_app):
    from flask_migrate import upgrade

    from fællesskab.geo.reference import load_reference_data

    from ..helpers import SEED_DIR

    upgrade()
    first = load_reference_data(SEED_DIR)
    _db.session.commit()
    assert first.created == {"postcodes": 14, "places": 55, "streets": 1839, "boundaries": 1}
    assert load_reference_data(SEED_DIR).changed is False
    _db.session.rollback()
