"""SEARCH_BACKEND=postgres with PostgreSQL's own machinery: a weighted tsvector ranked by
ts_rank_cd (no BM25F weights in jsonb), and facet counts kept per query and table generation."""
from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from fællesskab.directory import services as directory
from fællesskab.extensions import db as _db
from tests.search.test_postgres_sync import names


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
    now = datetime(2026, 12, 7, 12, 0, 10, tzinfo=UTC)
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


def test_counts_made_during_another_nodes_write_are_not_kept(nodes):
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


def rum_available(db) -> bool:
    """Whether this PostgreSQL server has the rum extension; CI installs it (.ci/run), so there it must."""
    import os

    import pytest

    found = db.session.execute(sa.text(
        "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum')")).scalar()
    if not found and not os.environ.get("CI"):
        pytest.skip("the PostgreSQL server has no rum extension (Debian: postgresql-15-rum)")
    return found


def kor_associations(make_association) -> None:
    make_association(name="Eltang Kor", tags="kor, sang", summary="Vi synger i kor.")
    make_association(name="Sjølund Gymnastik", description="Vi har også et kor om torsdagen.")
    make_association(name="Viuf Kor", summary="Kor for alle.", description="Koret synger hver uge i kor.")
    make_association(name="Almind Koret", tags="kor")
    make_association(name="Jordrup Sangkor", summary="Sang.")


def test_relevance_pages_are_ranked_from_the_rum_index_in_the_same_order(postgres, db, make_association,
                                                                          monkeypatch):
    from fællesskab.search.pg import store

    assert rum_available(db)
    kor_associations(make_association)
    monkeypatch.setattr("fællesskab.search.pg.backend.RUM_MIN_MATCHES", 0)  # as for a common word
    client = postgres.test_client()
    with statements(db.engine) as seen:
        ranked = [search(client, "kor", per_page="2", page=str(p)) for p in (1, 2, 3)]
        filtered = search(client, "kor", category="sport")
    assert any("<=>" in s for s in seen)  # the top matches come from the RUM index
    monkeypatch.setattr("fællesskab.search.pg.backend.has_rum", lambda _connection: False)
    store.facet_cache.clear()
    with statements(db.engine) as seen:
        every = [search(client, "kor", per_page="2", page=str(p)) for p in (1, 2, 3)]
        assert search(client, "kor", category="sport") == filtered
    assert not any("<=>" in s for s in seen)  # every match ranked from the GIN index
    assert ranked == every  # the same pages, scores and counts
    assert sum(len(r["results"]) for r in ranked) == ranked[0]["total"] == 5


def test_beyond_the_rum_top_pages_come_from_ranking_every_match(postgres, db, make_association, monkeypatch):
    assert rum_available(db)
    kor_associations(make_association)
    monkeypatch.setattr("fællesskab.search.pg.backend.RUM_TOP", 2)
    monkeypatch.setattr("fællesskab.search.pg.backend.RUM_MIN_MATCHES", 0)
    client = postgres.test_client()
    with statements(db.engine) as seen:
        first = search(client, "kor", per_page="2")
    assert any("<=>" in s for s in seen)
    with statements(db.engine) as seen:
        second = search(client, "kor", per_page="2", page="2")  # matches 3–4: beyond the RUM top 2
    assert not any("<=>" in s for s in seen)
    assert first["total"] == second["total"] == 5
    names_ = [r["name"] for r in first["results"] + second["results"]]
    assert len(set(names_)) == 4 and second["results"][0]["score"] <= first["results"][-1]["score"]


def test_few_matches_are_ranked_all_without_the_rum_index(postgres, db, make_association, monkeypatch):
    rum_available(db)
    kor_associations(make_association)
    monkeypatch.setattr("fællesskab.search.pg.backend.RUM_MIN_MATCHES", 5)
    client = postgres.test_client()
    with statements(db.engine) as seen:
        few = search(client, "kor")
    assert few["total"] == 5 and not any("<=>" in s for s in seen)
    monkeypatch.setattr("fællesskab.search.pg.backend.RUM_MIN_MATCHES", 4)
    with statements(db.engine) as seen:
        assert search(client, "kor") == few
    assert any("<=>" in s for s in seen) == rum_available(db)
    # the query's terms have more postings than matches ("kor" or "sang"): ranked all, unless that is many
    monkeypatch.setattr("fællesskab.search.pg.backend.RUM_POSTINGS_PER_MATCH", 0)
    with statements(db.engine) as seen:
        assert search(client, "kor") == few
    assert not any("<=>" in s for s in seen)
    monkeypatch.setattr("fællesskab.search.pg.backend.RUM_ALWAYS_MATCHES", 5)
    with statements(db.engine) as seen:
        assert search(client, "kor") == few
    assert any("<=>" in s for s in seen) == rum_available(db)


def test_without_the_rum_index_the_engine_warns_and_ranks_every_match(postgres, db, make_association, caplog):
    import logging

    from fællesskab.search.pg import check_extensions, store
    from fællesskab.search.pg.models import CREATE_RUM, RUM_INDEX

    kor_associations(make_association)  # with or without the extension on this server
    client = postgres.test_client()
    expected = [r["name"] for r in search(client, "kor")["results"]]
    db.session.execute(sa.text(f"DROP INDEX IF EXISTS {RUM_INDEX}"))
    db.session.commit()
    try:
        with caplog.at_level(logging.WARNING, logger="fællesskab.search.pg.store"):
            check_extensions(postgres)  # at start-up (pg.ensure_ready)
        assert RUM_INDEX in caplog.text or "postgresql-15-rum" in caplog.text
        store.facet_cache.clear()
        with statements(db.engine) as seen:
            assert [r["name"] for r in search(client, "kor")["results"]] == expected
        assert not any("<=>" in s for s in seen)
    finally:
        db.session.execute(sa.text(CREATE_RUM))
        db.session.commit()
        with db.engine.connect() as conn:
            store.check_rum(conn)


def test_the_rum_top_is_taken_by_every_scored_term_not_the_match_alone(postgres, db, make_association,
                                                                         monkeypatch):
    """"table tennis" matches ('tabl' & 'tennis') | 'bordtennis'; a listing with "tennis" beside
    "bordtennis" scores higher, so the index's top must rank by "tennis" too."""
    from fællesskab.search.pg import store

    assert rum_available(db)
    for town in ("Vamdrup", "Jordrup", "Almind", "Viuf"):  # as the last one, but without "tennis"
        make_association(name=f"{town} Klub", tags="bordtennis, motion", summary="Motion og bordtennis.")
    make_association(name="Harte Klub", tags="bordtennis, tennis", summary="Tennis og bordtennis.")
    client = postgres.test_client()
    monkeypatch.setattr("fællesskab.search.pg.backend.has_rum", lambda _connection: False)
    every = [r["name"] for r in search(client, "table tennis")["results"]]
    assert every[0] == "Harte Klub"
    monkeypatch.undo()
    monkeypatch.setattr("fællesskab.search.pg.backend.RUM_TOP", 1)
    monkeypatch.setattr("fællesskab.search.pg.backend.RUM_MIN_MATCHES", 0)
    monkeypatch.setattr("fællesskab.search.pg.backend.RUM_POSTINGS_PER_MATCH", 100)
    store.facet_cache.clear()
    with statements(db.engine) as seen:
        top = [r["name"] for r in search(client, "table tennis", per_page="1")["results"]]
    assert any("<=>" in s for s in seen)
    assert top == every[:1]
