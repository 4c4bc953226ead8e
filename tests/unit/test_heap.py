"""core/heap.py: big long-lived index data is frozen out of the collector's full
collections, and a replaced generation's reference cycles are still freed."""
from __future__ import annotations

import gc
import weakref

import pytest

from fællesskab.core import heap
from fællesskab.directory import services as directory
from fællesskab.extensions import db as _db
from fællesskab.search import get_index


class Node:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self):
        self.me = self


@pytest.fixture
def thawed():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_small_index_leaves_the_collector_alone(thawed):
    assert heap.settle(heap.MIN_DOCUMENTS - 1) is False
    assert gc.get_freeze_count() == 0


def test_frozen_cycles_wait_for_the_next_generation(thawed):
    node = Node()
    gone = weakref.ref(node)
    assert heap.settle(heap.MIN_DOCUMENTS) is True
    assert gc.get_freeze_count() > 0
    del node
    gc.collect()
    assert gone() is not None, "a frozen cycle is skipped by full collections"
    heap.settle(heap.MIN_DOCUMENTS, replacing=True)
    assert gone() is None, "replacing a generation frees the old one's cycles"
    assert gc.get_freeze_count() > 0, "and freezes the new one"


def test_the_search_index_settles_each_new_snapshot(app, db, client, thawed, monkeypatch):
    monkeypatch.setattr(heap, "MIN_DOCUMENTS", 0)
    assert client.get("/api/v1/search", query_string={"q": "kor"}).status_code == 200
    assert gc.get_freeze_count() > 0, "a snapshot was built and frozen"

    # A write makes a new index generation: the next search builds a new snapshot, and the old
    # one is freed although it was frozen.
    with app.app_context():
        with get_index(app).reading() as (_searcher, snap):
            old = weakref.ref(snap)
        del snap, _searcher
        directory.create_association(directory.clean_association({
            "external_id": "HEAP-1", "name": "Frysekoret", "category": "music",
            "town": "Kolding", "summary": "Et kor."}))
        _db.session.commit()
    response = client.get("/api/v1/search", query_string={"q": "Frysekoret"})
    assert [r["name"] for r in response.get_json()["results"]] == ["Frysekoret"]
    assert old() is None
