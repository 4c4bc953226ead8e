"""Shared fixtures: a real database (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), the Flask app, clients and data builders.

The schema and the reference geodata are created once per database; after
each test the tables that tests write to are emptied again. Plain helpers
(paths, the password, emptying the tables) live in tests/helpers.py.
"""
from __future__ import annotations

import itertools
import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fællesskab import create_app
from fællesskab.config import normalise_database_url
from fællesskab.extensions import db as _db
from fællesskab.extensions import limiter

from .helpers import DATABASES, PASSWORD, SEED_DIR, TEST_HASH_METHOD, empty_tables


def database_url(name: str, tmp_dir) -> str:
    if name == "postgresql":
        return normalise_database_url(os.environ["TEST_DATABASE_URL"])
    return f"sqlite:///{tmp_dir}/test.db"


@pytest.fixture(scope="session", params=DATABASES)
def app(request, tmp_path_factory):
    """The application bound to one test database (the test id names which)."""
    from fællesskab.geo.reference import load_reference_data

    tmp_dir = tmp_path_factory.mktemp(request.param)
    application = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url(request.param, tmp_dir),
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SEARCH_INDEX_DIR": str(tmp_dir / "search-index"),
        "SEED_DIR": SEED_DIR,
        "MAIL_FOLDER": str(tmp_dir / "mail"),  # never the checkout's instance/
        "RATELIMITS_ON": False,  # tests/accounts switch them on where they are the subject
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
    })
    application.config["DATABASE_NAME"] = request.param
    with application.app_context():
        _db.drop_all()
        _db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        _db.session.commit()
        _db.create_all()
        stamp_at_head()  # create_all made the schema of today's models: /readyz may say "at head"
        load_reference_data(SEED_DIR)
        _db.session.commit()
    yield application
    with application.app_context():
        _db.engine.dispose()


def stamp_at_head():
    """Record the migration heads in alembic_version, as `flask db stamp head` would."""
    from fællesskab.ops.health import migration_heads

    _db.session.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
    for head in migration_heads():
        _db.session.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})


@pytest.fixture
def db(app):
    """The database session inside an app context; emptied after the test."""
    with app.app_context():
        yield _db
        empty_tables(app)


@pytest.fixture
def limits_on(app):
    """Switch the rate limits (and the contact forms' minimum fill time) on for one test, with fresh counters."""
    limiter.reset()
    app.config["RATELIMITS_ON"] = True
    yield
    app.config["RATELIMITS_ON"] = False
    limiter.reset()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


_counter = itertools.count(1)


@pytest.fixture
def make_forum(db):
    from fællesskab.places.services import upsert_forum

    def build(**kw):
        n = next(_counter)
        data = {"slug": f"forum-{n}", "name": f"Testforum {n}", "places": ["Almind"], "is_trusted": True}
        data.update(kw)
        forum, _changed = upsert_forum(data)
        db.session.commit()
        return forum

    return build


@pytest.fixture
def make_association(db):
    from fællesskab.directory import services

    def build(**kw):
        n = next(_counter)
        raw = {"external_id": f"T-A-{n}", "name": f"Testforening {n}", "category": "sport",
               "town": "Vamdrup", "summary": "En forening til test.", "welcomes_newcomers": "true"}
        raw.update(kw)
        status = raw.pop("status", "published")
        assoc = services.create_association(services.clean_association(raw))
        if status != "published":
            services.set_status(assoc, status)
        db.session.commit()
        return assoc

    return build


@pytest.fixture
def make_event(db):
    from fællesskab.core.time import utcnow
    from fællesskab.events import services

    def build(status="approved", starts_in=timedelta(days=7), **kw):
        n = next(_counter)
        starts = utcnow() + starts_in
        raw = {"external_id": f"T-E-{n}", "title": f"Testarrangement {n}", "kind": "welcome-meeting",
               "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
               "town": "Almind"}
        raw.update(kw)
        event = services.create_event(services.clean_event(raw), status=status)
        db.session.commit()
        return event

    return build


@pytest.fixture
def make_user(db, make_forum):
    from fællesskab.accounts.services import create_user

    def build(role="coordinator", email=None, forum=None, **kw):
        n = next(_counter)
        if role == "forum" and forum is None:
            forum = make_forum()
        user = create_user(email or f"{role}{n}@example.org", role, kw.pop("password", PASSWORD),
                           forum_slug=forum.slug if forum else None, **kw)
        db.session.commit()
        return user

    return build


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in as a new user with `role`; return the user."""

    def login(role, **kw):
        user = make_user(role, **kw)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return login
