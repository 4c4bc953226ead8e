"""The comparisons in `bench/national.py`: Datasette with SQLite FTS5, and PostgreSQL full-text search.

Both get the same associations and the same query words as our search; both
do less per query than `GET /api/v1/search` (no stemming or compound parts in
FTS5, no thesaurus, no fuzzy terms — a prefix instead —, no facets, no
distances), which the tables say.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
from urllib.parse import urlencode

import sqlalchemy as sa

from bench import load
from bench.search import FUZZY, ONE_WORD, TWO_WORD
from bench.timing import summarise

PEER_QUERIES = ONE_WORD + TWO_WORD + FUZZY
WEIGHTS = "5.0, 3.0, 2.0, 1.0, 2.0"  # name, tags, summary, description, place (as schema.FIELD_WEIGHTS)
PEER_SQL = ("select a.id, a.name, a.summary, a.town from associations_fts f "
            "join associations a on a.id = f.rowid where associations_fts match :q "
            f"order by bm25(associations_fts, {WEIGHTS}) limit 20")


def fts5_expr(q: str) -> str:
    """All words; a misspelt word becomes a prefix of its first four letters (FTS5 has no fuzzy terms)."""
    if q in FUZZY:
        return q[:4] + "*"
    return " AND ".join(f'"{w}"' for w in q.split())


def peer_requests() -> list[tuple]:
    return [("GET", "/peer.json?" + urlencode({"sql": PEER_SQL, "q": fts5_expr(q), "_shape": "array"}), {}, None)
            for q in PEER_QUERIES]


def our_requests() -> list[tuple]:
    return [("GET", "/api/v1/search?" + urlencode({"q": q}), {}, None) for q in PEER_QUERIES]


def build_peer_db(app, path: str) -> float:
    """Copy the published associations into a SQLite file with an FTS5 index; return seconds."""
    from fællesskab.directory.models import Association
    from fællesskab.extensions import db

    started = time.perf_counter()
    if os.path.exists(path):  # from an earlier run on the same directory (--http-only)
        os.unlink(path)
    out = sqlite3.connect(path)
    out.execute("create table associations (id integer primary key, name text, summary text, description text, "
                "tags text, category text, town text, postcode text, lat real, lon real)")
    out.execute("create virtual table associations_fts using fts5(name, tags, summary, description, place, "
                "tokenize = 'unicode61 remove_diacritics 0')")
    cols = [Association.id, Association.name, Association.summary, Association.description, Association.tags,
            Association.category, Association.town, Association.postcode, Association.lat, Association.lon]
    with app.app_context(), db.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=5000).execute(
            sa.select(*cols).where(Association.status == "published"))
        for part in result.partitions():
            rows = [(r.id, r.name, r.summary or "", r.description or "", " ".join(r.tags or []), r.category,
                     r.town or "", r.postcode or "", r.lat, r.lon) for r in part]
            out.executemany("insert into associations values (?,?,?,?,?,?,?,?,?,?)", rows)
            out.executemany("insert into associations_fts (rowid, name, tags, summary, description, place) "
                            "values (?,?,?,?,?,?)", [(r[0], r[1], r[4], r[2], r[3], f"{r[6]} {r[7]}")
                                                     for r in rows])
    out.commit()
    out.execute("analyze")
    out.close()
    return time.perf_counter() - started


def run_peer(app, tmp: str, duration: float, ours: dict) -> dict:
    path = os.path.join(tmp, "peer.db")
    res = {"build_s": build_peer_db(app, path)}
    server = load.Datasette(path)
    try:
        res["version"] = server.version()
        load.wrk(server.base, peer_requests(), min(duration, 5))  # warm
        res["http"] = load.measured(server, peer_requests(), duration)
        res["rss"] = server.rss()
    finally:
        server.stop()
    mine = ours.get("search API, the peer's queries")
    if mine and res["http"]["rps"]:
        res["ratio"] = mine["rps"] / res["http"]["rps"]
        res["cpu_ratio"] = res["http"]["cpu_ms_per_request"] / mine["cpu_ms_per_request"]
    print(f"peer: {res}", file=sys.stderr, flush=True)
    return res


# --- PostgreSQL full-text search -------------------------------------------------------

PG_CLASSES = {"1-word": ONE_WORD, "2-word": TWO_WORD, "fuzzy": FUZZY}


def pg_fts(app, passes: int) -> dict:
    """Build a weighted tsvector (danish) with a GIN index beside the associations; time the queries."""
    from fællesskab.extensions import db

    res: dict = {}
    with app.app_context():
        engine = db.engine
    with engine.begin() as conn:
        conn.execute(sa.text("drop table if exists bench_fts"))
        started = time.perf_counter()
        conn.execute(sa.text(
            "create table bench_fts as select id, "
            "setweight(to_tsvector('danish', name), 'A') || "
            "setweight(to_tsvector('danish', coalesce(tags::text, '')), 'B') || "
            "setweight(to_tsvector('danish', coalesce(summary, '')), 'B') || "
            "setweight(to_tsvector('danish', coalesce(town, '') || ' ' || coalesce(postcode, '')), 'B') || "
            "setweight(to_tsvector('danish', coalesce(description, '')), 'C') as tsv "
            "from associations where status = 'published'"))
        conn.execute(sa.text("create index bench_fts_tsv on bench_fts using gin (tsv)"))
        conn.execute(sa.text("analyze bench_fts"))
        res["build_s"] = time.perf_counter() - started
    sql = sa.text("select id from bench_fts, {q} as query where tsv @@ query "
                  "order by ts_rank(tsv, query) desc limit 20")
    plain = sa.text(str(sql).replace("{q}", "websearch_to_tsquery('danish', :q)"))
    prefix = sa.text(str(sql).replace("{q}", "to_tsquery('danish', :q)"))
    with engine.connect() as conn:
        for label, queries in PG_CLASSES.items():
            times = []
            for _ in range(passes + 1):
                for q in queries:
                    stmt, arg = (prefix, q[:4] + ":*") if label == "fuzzy" else (plain, q)
                    t0 = time.perf_counter()
                    conn.execute(stmt, {"q": arg}).all()
                    times.append(time.perf_counter() - t0)
            res[label] = summarise(times[len(queries):])  # the first pass warms the cache
    with engine.begin() as conn:
        conn.execute(sa.text("drop table bench_fts"))
    print(f"pg fts: {res}", file=sys.stderr, flush=True)
    return res


# --- our search with SEARCH_BACKEND=postgres --------------------------------------------

def _pg_pids(url: str) -> list[int]:
    """The PostgreSQL server processes serving connections to this database (not this one)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [int(p) for p in conn.execute(sa.text(
                "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
            )).scalars()]
    finally:
        engine.dispose()


def pg_backend_cpu(url: str, before: dict[int, float] | None = None):
    """Without `before`: {pid: CPU seconds} of the database's server processes now. With it: the
    seconds they used since (a process that connected meanwhile counts from zero)."""
    from bench.timing import cpu_seconds

    now = {}
    for pid in _pg_pids(url):
        with contextlib.suppress(OSError):  # ended meanwhile, or another machine's server
            now[pid] = cpu_seconds(pid)
    if before is None:
        return now
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in now.items())


def pg_backend_http(env: dict, reqs: dict, duration: float, url: str) -> tuple[dict, list]:
    """gunicorn (2 workers, then 1) with SEARCH_BACKEND=postgres: the search endpoints under wrk,
    with the workers' and the PostgreSQL server's CPU per request."""
    results: dict = {}

    def measured(server, requests):
        load.wait_idle(server)
        before = pg_backend_cpu(url)
        result = load.measured(server, requests, duration)
        result["pg_cpu_ms_per_request"] = pg_backend_cpu(url, before) * 1000 / max(1, result["requests"])
        return result

    server = load.Gunicorn(env, workers=2)
    try:
        search = reqs["search API `GET /api/v1/search`"]
        load.wrk(server.base, search, 3)  # warm both workers (connections, compiled templates)
        for name in ("search API `GET /api/v1/search`", "search page `/soeg`"):
            load.wrk(server.base, reqs[name], 2)
            results[name] = measured(server, reqs[name])
            print(f"pg backend http {name}: {results[name]}", file=sys.stderr, flush=True)
        results["search API, the peer's queries"] = measured(server, our_requests())
        rss = server.worker_rss()
    finally:
        server.stop()
    server = load.Gunicorn(env, workers=1)
    try:
        load.wrk(server.base, reqs["search API `GET /api/v1/search`"], 3)
        results["search API, 1 worker"] = measured(server, reqs["search API `GET /api/v1/search`"])
    finally:
        server.stop()
    return results, rss
