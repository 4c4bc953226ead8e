"""SEARCH_BACKEND=postgres: configuration, the table kept in the changing
transaction, `flask search reindex`, and several app instances on one database."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from fællesskab import create_app
from fællesskab.config import ConfigError
from fællesskab.directory import services as directory
from fællesskab.directory.models import Association
from fællesskab.extensions import db as _db
from fællesskab.search.pg import EXTENSION, ensure_ready
from tests.search.backends import use_search_backend


@pytest.fixture
def postgres(app, db):
    with use_search_backend(app, "postgres"):
        yield app


def rows(db) -> dict[str, str]:
    return {k: d["name"] for k, d in db.session.execute(sa.text("SELECT key, data FROM search_documents"))}


def names(client, q: str, **params) -> list[str]:
    response = client.get("/api/v1/search", query_string={"q": q, "per_page": "100", **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(r["name"] for r in response.get_json()["results"])


def test_postgres_backend_on_sqlite_refuses_to_start(tmp_path):
    with pytest.raises(ConfigError, match="PostgreSQL"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                    "SEARCH_INDEX_DIR": str(tmp_path / "idx"), "SEARCH_BACKEND": "postgres"})


def test_unknown_backend_refuses_to_start(tmp_path):
    with pytest.raises(ConfigError, match="SEARCH_BACKEND"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                    "SEARCH_INDEX_DIR": str(tmp_path / "idx"), "SEARCH_BACKEND": "elastic"})


def test_backend_comes_from_the_environment(tmp_path):
    from fællesskab.config import Config

    assert Config.from_env(str(tmp_path), {})["SEARCH_BACKEND"] == "whoosh"
    assert Config.from_env(str(tmp_path), {"SEARCH_BACKEND": " Postgres "})["SEARCH_BACKEND"] == "postgres"


def test_rows_follow_commits_and_rollbacks(postgres, db, make_association, make_event):
    a = make_association(name="Almind Roklub", tags="roning")
    e = make_event(title="Åbent hus i roklubben", kind="open-house")
    assert rows(db) == {f"association:{a.id}": "Almind Roklub", f"event:{e.id}": "Åbent hus i roklubben"}
    a.name = "Almind Kajakklub"
    db.session.flush()
    db.session.rollback()  # never reaches the table
    assert rows(db)[f"association:{a.id}"] == "Almind Roklub"
    a = db.session.get(Association, a.id)
    with db.session.begin_nested():
        a.name = "Almind Kajakklub"
    db.session.commit()
    assert rows(db)[f"association:{a.id}"] == "Almind Kajakklub"
    directory.set_status(a, "archived")
    db.session.commit()
    assert f"association:{a.id}" not in rows(db)


def test_reindex_fills_the_table(postgres, db, runner, make_association):
    make_association(name="Viuf Skakklub", tags="skak")
    db.session.execute(sa.text("DELETE FROM search_documents"))
    db.session.execute(sa.text("DELETE FROM search_words"))
    db.session.commit()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "PostgreSQL" in result.output
    assert list(rows(db).values()) == ["Viuf Skakklub"]
    assert db.session.execute(sa.text("SELECT count(*) FROM search_words WHERE word = 'skakklub'")).scalar() == 1


def test_an_empty_table_is_filled_on_first_search(postgres, db, make_association):
    make_association(name="Lunderskov Petanque", tags="petanque")
    db.session.execute(sa.text("DELETE FROM search_documents"))
    db.session.commit()
    postgres.extensions[EXTENSION].ready = False
    assert names(postgres.test_client(), "petanque") == ["Lunderskov Petanque"]


@pytest.fixture
def nodes(postgres, tmp_path):
    """More app instances on the PostgreSQL test database, each with its own (unused) Whoosh index."""
    made = []

    def node(name: str):
        config = {k: postgres.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SEED_DIR")}
        # SEARCH_SYNC_INTERVAL=-1: no node ever polls the change log.
        n = create_app({"TESTING": True, "SECRET_KEY": "test", "RATELIMITS_ON": False, "SEARCH_BACKEND": "postgres",
                        "SEARCH_INDEX_DIR": str(tmp_path / name), "SEARCH_SYNC_INTERVAL": -1.0, **config})
        made.append(n)
        return n

    yield node
    for n in made:
        with n.app_context():
            _db.session.remove()
            _db.engine.dispose()


def test_two_app_instances_see_a_change_at_once(nodes):
    a, b = nodes("a"), nodes("b")
    client_a, client_b = a.test_client(), b.test_client()
    assert names(client_b, "roklubben") == []  # b has searched (and is ready) before the change
    with a.app_context():
        x = directory.create_association(directory.clean_association({
            "external_id": f"PG-{time.monotonic_ns()}", "name": "Roklubben Fjorden", "category": "sport",
            "town": "Kolding", "summary": "Roning på fjorden."}))
        _db.session.commit()
        x_id = x.id
    assert names(client_b, "roklubben") == ["Roklubben Fjorden"]
    assert names(client_b, "roning", near="Kolding", radius_km="10") == ["Roklubben Fjorden"]
    with b.app_context():
        _db.session.get(Association, x_id).name = "Kajakklubben Fjorden"
        _db.session.commit()
    assert names(client_a, "kajakklubben") == ["Kajakklubben Fjorden"]
    assert names(client_a, "roklubben") == []
    with a.app_context():
        _db.session.delete(_db.session.get(Association, x_id))
        _db.session.commit()
    assert names(client_b, "kajakklubben") == [] and names(client_a, "kajakklubben") == []


def test_ensure_ready_leaves_a_matching_table_alone(postgres, db, make_association):
    make_association(name="Eltang Kor", tags="kor")
    before = db.session.execute(sa.text("SELECT xmin::text FROM search_documents")).scalars().all()
    postgres.extensions[EXTENSION].ready = False
    ensure_ready(postgres)
    after = db.session.execute(sa.text("SELECT xmin::text FROM search_documents")).scalars().all()
    assert before == after  # not rewritten


def test_a_stale_table_waits_for_a_busy_writer_instead_of_blocking(postgres, db, make_association):
    """The start-up refill must not wait on a writer's lock (that writer may be this very request)."""
    from fællesskab.search.pg.store import LOCK_KEY

    make_association(name="Bramdrup Badminton", tags="badminton")
    db.session.execute(sa.text("DELETE FROM search_documents"))
    db.session.commit()
    state = postgres.extensions[EXTENSION]
    state.ready = False
    with _db.engine.connect() as writer:
        writer.execute(sa.text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": LOCK_KEY})
        ensure_ready(postgres)  # returns at once; the table stays as it is for now
        assert not state.ready and rows(db) == {}
        writer.rollback()
    state.retry_at = 0.0
    ensure_ready(postgres)
    assert state.ready and list(rows(db).values()) == ["Bramdrup Badminton"]
