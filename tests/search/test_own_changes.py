"""A node replaying the change log skips the changes it wrote to its own index
itself (docs/performance.md, "Multi-node search sync"), and still applies
everything else: other nodes' changes, and its own when they were not written."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from fællesskab import create_app
from fællesskab.directory import services as directory
from fællesskab.directory.models import Association
from fællesskab.extensions import db as _db
from fællesskab.search import changelog, get_state
from fællesskab.search.models import SearchChange


@pytest.fixture
def nodes(app, db, tmp_path):
    made = []

    def node(name: str):
        config = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SEED_DIR")}
        n = create_app({"TESTING": True, "SECRET_KEY": "test", "RATELIMITS_ON": False,
                        "SEARCH_INDEX_DIR": str(tmp_path / name), "SEARCH_SYNC_INTERVAL": 0.0, **config})
        made.append(n)
        return n

    yield node
    for n in made:
        with n.app_context():
            _db.session.remove()
            _db.engine.dispose()


def names(node, q: str) -> list[str]:
    response = node.test_client().get("/api/v1/search", query_string={"q": q, "per_page": "100"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(r["name"] for r in response.get_json()["results"])


def create(node, name: str) -> int:
    with node.app_context():
        a = directory.create_association(directory.clean_association({
            "external_id": f"O-{time.monotonic_ns()}", "name": name, "category": "sport",
            "town": "Kolding", "summary": "Et fællesskab."}))
        _db.session.commit()
        return a.id


def poll(node) -> int:
    with node.app_context():
        return get_state(node).poll(force=True)


def newest_change(node) -> int:
    with node.app_context():
        return _db.session.scalar(sa.select(sa.func.max(SearchChange.id)))


def test_a_node_skips_its_own_changes_and_applies_the_others(nodes):
    a, b = nodes("a"), nodes("b")
    assert names(a, "roklubben") == [] and names(b, "roklubben") == []  # both checked and polled once
    create(a, "Roklubben Åen")
    path_a = get_state(a).index.path
    assert changelog.applied_here(path_a) == {newest_change(a)}  # a wrote it to its index itself
    assert poll(a) == 0  # the replay leaves its own row out
    assert changelog.load_state(path_a).watermark == newest_change(a)  # but moves past it
    assert changelog.applied_here(path_a) == set()  # and forgets it then
    assert names(a, "roklubben") == ["Roklubben Åen"]

    assert poll(b) == 1  # b did not write it: b applies it
    assert names(b, "roklubben") == ["Roklubben Åen"]

    created = create(b, "Roklubben Fjorden")  # b's change: a applies it, b skips it
    assert poll(a) == 1 and poll(b) == 0
    with b.app_context():  # an update on b, then a delete on a
        _db.session.get(Association, created).name = "Roklubben Bølgen"
        _db.session.commit()
    assert poll(a) == 1 and poll(b) == 0
    with a.app_context():
        _db.session.delete(_db.session.get(Association, created))
        _db.session.commit()
    assert poll(a) == 0 and poll(b) == 1
    for node in (a, b):
        assert names(node, "roklubben") == ["Roklubben Åen"]


def test_a_rolled_back_change_is_not_noted(nodes):
    a = nodes("a")
    assert names(a, "kanoklubben") == []
    with a.app_context():
        directory.create_association(directory.clean_association({
            "external_id": "O-rollback", "name": "Kanoklubben", "category": "sport", "town": "Kolding"}))
        _db.session.flush()
        _db.session.rollback()
    create(a, "Kajakklubben")  # the next commit notes only its own rows
    assert changelog.applied_here(get_state(a).index.path) == {newest_change(a)}
    assert names(a, "kanoklubben") == [] and names(a, "kajakklubben") == ["Kajakklubben"]


def test_a_write_that_was_not_made_is_replayed(nodes, monkeypatch):
    """When the index write is queued behind another process's lock, the node must replay the row."""
    a = nodes("a")
    assert names(a, "svømmeklubben") == []
    index = get_state(a).index
    real_write = index.write

    def queued(upserts, deletes=()):  # as if another process held the lock: nothing written yet
        return False

    monkeypatch.setattr(index, "write", queued)
    create(a, "Svømmeklubben Delfinen")
    monkeypatch.setattr(index, "write", real_write)
    assert changelog.applied_here(index.path) == set()
    assert poll(a) == 1
    assert names(a, "svømmeklubben") == ["Svømmeklubben Delfinen"]
