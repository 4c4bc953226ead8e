"""SEARCH_BACKEND=postgres with PostgreSQL's own machinery: a weighted tsvector ranked by
ts_rank_cd (no BM25F weights in jsonb), and facet counts kept per query and table generation."""
from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from fællesskab.directory import services as directory
from fællesskab.extensions import db as _db
from tests.search.test_postgres_sync import names, nodes, postgres  # noqa: F401  (fixtures)


def search(client, q: str, **params) -> dict:
    response = client.get("/api/v1/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@contextmanager
def statements(engine):
    """The SQL statements run on `engine` inside the block."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def counting(seen: list[str]) -> int:
    return sum("GROUP BY" in s for s in seen)


def test_documents_keep_labelled_positions_not_bm25_weights(postgres, db, make_association):
    make_association(name="Eltang Kor", tags="kor", summary="Vi synger", description="Koret øver hver uge.")
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("search_documents")}
    assert "weights" not in columns
    # 'kor' is in the name (A), the tags (B) and the description (D), not the summary (C)
    labels = db.session.execute(sa.text(
        "SELECT ts_rank_cd('{0,0,0,1}', tsv, 'kor'), ts_rank_cd('{0,0,1,0}', tsv, 'kor'),"
        " ts_rank_cd('{0,1,0,0}', tsv, 'kor'), ts_rank_cd('{1,0,0,0}', tsv, 'kor') FROM search_documents")).one()
    assert [x > 0 for x in labels] == [True, True, False, True]


def test_a_name_outranks_a_description(postgres, db, make_association):
    make_association(name="Sjølund Gymnastik", description="Vi har også et kor om torsdagen.")
    make_association(name="Sjølund Kor", description="Vi synger om torsdagen.")
    result = search(postgres.test_client(), "kor")
    assert [r["name"] for r in result["results"]] == ["Sjølund Kor", "Sjølund Gymnastik"]
    assert result["results"][0]["score"] == 1.0 > result["results"][1]["score"]


def test_facets_are_counted_once_per_query_and_generation(postgres, db, make_association, monkeypatch):
    make_association(name="Vamdrup Kor", tags="kor", category="music")
    client = postgres.test_client()
    now = datetime(2026, 12, 7, 12, 0, 10, tzinfo=timezone.utc)
    monkeypatch.setattr("fællesskab.search.pg.backend.utcnow", lambda: now)
    with statements(db.engine) as seen:
        first = search(client, "kor")
    assert counting(seen) == 1
    now += timedelta(seconds=5)  # the past-events cutoff moved on by seconds: still the same query
    with statements(db.engine) as seen:
        again = search(client, "kor")
    assert counting(seen) == 0 and again == first  # the page is ranked again, the counts are kept
    make_association(name="Jordrup Kor", tags="kor", category="music")  # commits: the generation moves on
    with statements(db.engine) as seen:
        after = search(client, "kor")
    assert counting(seen) == 1
    assert after["total"] == 2 and after["facets"]["category"] == {"music": 2}


def test_counts_made_during_another_nodes_write_are_not_kept(nodes):  # noqa: F811
    """A search while another node's write is uncommitted must not keep counts that miss it."""
    a, b = nodes("a"), nodes("b")
    client_a = a.test_client()
    with b.app_context():
        directory.create_association(directory.clean_association({
            "external_id": f"PG-{time.monotonic_ns()}", "name": "Almind Kor", "category": "music",
            "town": "Kolding", "summary": "Vi synger i kor."}))
        _db.session.commit()
    assert search(client_a, "kor")["total"] == 1
    with b.app_context():
        directory.create_association(directory.clean_association({
            "external_id": f"PG-{time.monotonic_ns()}", "name": "Viuf Kor", "category": "music",
            "town": "Kolding", "summary": "Vi synger i kor."}))
        _db.session.flush()  # written (and the generation moved on), not yet committed
        assert search(client_a, "kor")["total"] == 1
        _db.session.commit()
    result = search(client_a, "kor")
    assert result["total"] == 2 and result["facets"]["category"] == {"music": 2}
    assert names(client_a, "kor") == ["Almind Kor", "Viuf Kor"]
