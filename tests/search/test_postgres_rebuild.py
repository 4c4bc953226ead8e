"""SEARCH_BACKEND=postgres: a full rebuild fills a new table without indexes, builds them once and
swaps the table in, while searches on other connections keep their answers (store.rebuild)."""
from __future__ import annotations

import logging
import threading
import time

import sqlalchemy as sa

from fællesskab.search.pg import store
from fællesskab.search.pg.models import RUM_INDEX
from fællesskab.search.source import iter_documents
from tests.search.test_postgres_sync import names

QUERIES = [("kor", {}), ("svømning", {}), ("kor", {"per_page": "4", "page": "2"}), ("sang svømning", {})]


def indexes(connection) -> set[tuple[str, str, bool]]:
    """(name, definition, valid) of every index on search_documents."""
    return set(connection.execute(sa.text(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisvalid FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'search_documents'::regclass")).all())


def shape(connection) -> list[tuple]:
    """Columns (name, type, not null, storage) and constraints of search_documents."""
    columns = connection.execute(sa.text(
        "SELECT attname, format_type(atttypid, atttypmod), attnotnull, attstorage FROM pg_attribute"
        " WHERE attrelid = 'search_documents'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")).all()
    constraints = connection.execute(sa.text(
        "SELECT conname, contype FROM pg_constraint WHERE conrelid = 'search_documents'::regclass"
        " ORDER BY conname")).all()
    return [*columns, *constraints]


def answers(client) -> list[tuple[int, list[tuple[str, float]]]]:
    """Per query: the total and the page's (name, score) in order."""
    out = []
    for q, params in QUERIES:
        response = client.get("/api/v1/search", query_string={"q": q, **params})
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        out.append((body["total"], [(r["name"], r["score"]) for r in body["results"]]))
    assert all(total for total, _ in out)
    return out


def make_data(make_association) -> None:
    for i in range(6):
        make_association(name=f"Bramdrup Kor {i}", tags="kor, sang")
        make_association(name=f"Dalby Svømmeklub {i}", tags="svømning")


def paused(engine, reached: threading.Event, go_on: threading.Event):
    """iter_documents, stopping half-way until `go_on` is set (the rebuild then holds its lock)."""
    for i, doc in enumerate(iter_documents(engine)):
        if i == 5:
            reached.set()
            assert go_on.wait(60)
        yield doc


def start_rebuild(engine, reached, go_on, result: dict) -> threading.Thread:
    def run():
        try:
            result["n"] = store.rebuild(engine, paused(engine, reached, go_on))
        except BaseException as e:  # shown by the test
            result["error"] = e
            reached.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_rebuild_keeps_every_index_and_the_answers(postgres, db, make_association):
    make_data(make_association)
    client = postgres.test_client()
    before = answers(client)
    with db.engine.connect() as conn:
        had, had_shape = indexes(conn), shape(conn)
        old_table = conn.execute(sa.text("SELECT 'search_documents'::regclass::oid")).scalar()
    assert {name for name, _, _ in had} >= {RUM_INDEX, "ix_search_documents_tsv", "ix_search_documents_lat_lon",
                                            "ix_search_documents_association_points"}  # partial, with INCLUDE
    db.session.commit()

    assert store.rebuild(db.engine, iter_documents(db.engine)) == 12

    with db.engine.connect() as conn:
        assert indexes(conn) == had  # same names, definitions, all valid: RUM and GIN built again
        assert shape(conn) == had_shape
        # a new table was filled and swapped in (the old one's RUM index was not filled row by row)
        assert conn.execute(sa.text("SELECT 'search_documents'::regclass::oid")).scalar() != old_table
        assert not conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": store.BUILD_TABLE}).scalar()
        assert store.check_rum(conn)
    assert answers(client) == before
    make_association(name="Bramdrup Kor 6", tags="kor")  # incremental writes reach the new table
    assert "Bramdrup Kor 6" in names(client, "kor")


def test_searches_answer_from_another_connection_during_a_rebuild(postgres, db, make_association, caplog):
    make_data(make_association)
    client = postgres.test_client()
    before = answers(client)
    db.session.commit()
    reached, go_on, result = threading.Event(), threading.Event(), {}
    thread = start_rebuild(db.engine, reached, go_on, result)
    try:
        assert reached.wait(60) and "error" not in result
        # the rebuild holds its lock with half its documents written: searches read the old table
        assert answers(client) == before
        with caplog.at_level(logging.WARNING, logger="fællesskab.search.pg.store"), db.engine.connect() as conn:
            assert store.check_rum(conn)  # no start-up warning for a rebuild under way
        assert "RUM" not in caplog.text and "rum" not in caplog.text
        db.session.rollback()  # this thread holds nothing on search_documents
    finally:
        go_on.set()
        thread.join(120)
    assert result.get("n") == 12, result
    assert answers(client) == before


def test_a_writer_that_read_the_table_does_not_deadlock_the_swap(postgres, db, make_association):
    """A transaction that read search_documents and then waits for the rebuild's lock (a sync hook)
    holds the table: the rebuild copies the rows in instead of waiting for it (a deadlock, which
    PostgreSQL settled by failing the writer), and the writer goes on."""
    make_data(make_association)
    client = postgres.test_client()
    before = answers(client)
    db.session.commit()
    with db.engine.connect() as conn:
        had, old_table = indexes(conn), conn.execute(sa.text("SELECT 'search_documents'::regclass::oid")).scalar()
    reached, go_on, result = threading.Event(), threading.Event(), {}
    thread = start_rebuild(db.engine, reached, go_on, result)
    writer_done: dict = {}
    engine = db.engine

    def writer():
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT count(*) FROM search_documents")).scalar()
            conn.execute(sa.text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": store.LOCK_KEY})
            writer_done["rows"] = conn.execute(sa.text("SELECT count(*) FROM search_documents")).scalar()
            conn.commit()

    other = threading.Thread(target=writer)
    try:
        assert reached.wait(60) and "error" not in result
        other.start()
        with db.engine.connect() as conn:  # wait until the writer waits for the rebuild's lock
            for _ in range(600):
                if conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                                        " AND NOT granted AND objid = :k)"), {"k": store.LOCK_KEY}).scalar():
                    break
                time.sleep(0.05)
            else:
                raise AssertionError("the writer never waited for the rebuild's lock")
    finally:
        go_on.set()
        thread.join(120)
        other.join(60)
    assert result.get("n") == 12, result
    assert writer_done == {"rows": 12}
    with db.engine.connect() as conn:
        assert indexes(conn) == had
        assert conn.execute(sa.text("SELECT 'search_documents'::regclass::oid")).scalar() == old_table  # copied
        assert not conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": store.BUILD_TABLE}).scalar()
    assert answers(client) == before


def test_a_search_waiting_for_the_swap_reads_the_new_table(postgres, db, make_association, monkeypatch):
    """A search that queues behind the swap's table lock is answered from the table swapped in
    (PostgreSQL looks the name up again once it has the lock), also from a prepared statement."""
    make_data(make_association)
    client = postgres.test_client()
    before = answers(client)
    for _ in range(5):  # past psycopg's prepare threshold: the statements are prepared by now
        assert answers(client) == before
    db.session.commit()
    swapped, go_on, result, seen = threading.Event(), threading.Event(), {}, {}
    swap = store._swap

    def swap_and_wait(connection, renames, **kw):
        swap(connection, renames, **kw)
        swapped.set()
        assert go_on.wait(60)

    monkeypatch.setattr(store, "_swap", swap_and_wait)
    engine = db.engine
    thread = threading.Thread(target=lambda: result.setdefault("n", store.rebuild(engine, iter_documents(engine))))

    def reader():
        seen["answers"] = answers(postgres.test_client())

    other = threading.Thread(target=reader)
    thread.start()
    try:
        assert swapped.wait(60)
        other.start()
        with engine.connect() as conn:  # wait until the search waits for the swapped table
            for _ in range(600):
                if conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'relation'"
                                        " AND NOT granted)")).scalar():
                    break
                time.sleep(0.05)
            else:
                raise AssertionError("the search never waited for the swap")
    finally:
        go_on.set()
        thread.join(120)
        other.join(60)
    assert result.get("n") == 12
    assert seen.get("answers") == before


def test_a_reader_that_keeps_the_table_makes_the_rebuild_copy_the_rows(postgres, db, make_association, monkeypatch):
    """A transaction that keeps search_documents open (not waiting for the rebuild) holds up the swap
    for SWAP_WAIT_S at most; then the rows are copied in, indexes and answers as before."""
    monkeypatch.setattr(store, "SWAP_WAIT_S", 0.5)
    make_data(make_association)
    client = postgres.test_client()
    before = answers(client)
    db.session.commit()
    with db.engine.connect() as reader:
        assert reader.execute(sa.text("SELECT count(*) FROM search_documents")).scalar() == 12  # its lock is kept
        had = indexes(reader)
        old_table = reader.execute(sa.text("SELECT 'search_documents'::regclass::oid")).scalar()
        assert store.rebuild(db.engine, iter_documents(db.engine)) == 12
        reader.rollback()
    with db.engine.connect() as conn:
        assert indexes(conn) == had
        assert conn.execute(sa.text("SELECT 'search_documents'::regclass::oid")).scalar() == old_table
        assert not conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": store.BUILD_TABLE}).scalar()
    assert answers(client) == before


def test_a_rebuild_does_not_wait_for_its_callers_own_open_transaction(postgres, db, make_association,
                                                                      monkeypatch, caplog):
    """The caller searched in its session (so holds a lock on search_documents) and then rebuilds,
    as the start-up refill in a request may: that transaction cannot end until the rebuild returns,
    so the rows are copied in at once instead of after SWAP_WAIT_S of waiting for itself."""
    from fællesskab.search import engine

    monkeypatch.setattr(store, "SWAP_WAIT_S", 0.5)  # the old code waited out even this, then copied
    make_data(make_association)
    assert db.session.execute(sa.text("SELECT count(*) FROM search_documents")).scalar() == 12  # lock kept
    with caplog.at_level(logging.WARNING, logger="fællesskab.search.pg.store"):
        assert engine().rebuild() == 12
    assert "the caller's own open transaction read it" in caplog.text
    assert "stayed in use" not in caplog.text
    db.session.rollback()
    assert sorted(names(postgres.test_client(), "kor")) == [f"Bramdrup Kor {i}" for i in range(6)]
