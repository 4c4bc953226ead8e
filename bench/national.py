"""National-scale benchmark, side by side with Datasette (issue 11; docs/performance.md).

Run: `make bench` or `.venv/bin/python -m bench.national [--scale 100000]
[--database-url postgresql+psycopg://…/bench_national] [--duration 10]`.
`--scale 2000` is a quick check (about a minute).

One run: generates `scale` associations, 2×scale events and scale/2
newcomer cases (bench/national_data.py), then measures

1. reindex (`flask search reindex`'s rebuild) and CSV import throughput
   (through the ORM, so the search sync and the change log are included);
2. in a fresh process, as a web worker after a restart, median and p95 through
   the Flask test client of: search (API and page), match, the coordinator's
   inbox, the event list, association pages and the front page; its RSS;
3. over HTTP, gunicorn with 2 workers (and search with 1) driven by `wrk` on
   127.0.0.1 for `--duration` seconds per endpoint: requests/s, p95, the
   workers' RSS;
4. the peer: Datasette (own venv, bench/.peer-venv) serving the same
   associations in SQLite with FTS5, ranked by bm25 through its JSON SQL
   endpoint, under the same load generator and queries — and our ratio;
5. on PostgreSQL, its full-text search (`danish` configuration, GIN index on
   a weighted tsvector) for the same queries;
6. on PostgreSQL, our search with SEARCH_BACKEND=postgres (fællesskab/search/pg/):
   filling `search_documents`, the search API and page in-process and over
   HTTP (with the PostgreSQL server's own CPU per request), worker RSS, and
   the ratio to Datasette. `--pg-backend-only TMPDIR` repeats just this part
   on the data a `--keep` run left.

Prints Markdown tables and writes them, with the raw numbers, to bench/out/.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from urllib.parse import urlencode

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from bench import load, national_peer  # noqa: E402
from bench.inbox import SCENARIOS  # noqa: E402
from bench.match import HOUSEHOLDS  # noqa: E402
from bench.national_data import COORDINATOR, PASSWORD, SEED_DIR, build, sample_slugs  # noqa: E402
from bench.search import CLASSES  # noqa: E402
from bench.timing import memory_mb, summarise  # noqa: E402

Request = tuple  # (method, path, headers, body)


def config(url: str, tmp: str, backend: str = "whoosh") -> dict:
    return {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SEARCH_INDEX_DIR": f"{tmp}/index",
            "SEED_DIR": SEED_DIR, "RATELIMITS_ON": False, "WTF_CSRF_ENABLED": False, "SEARCH_BACKEND": backend}


SEARCH_ENDPOINTS = ("search API `GET /api/v1/search`", "search page `/soeg`")


def endpoints(slugs: list[str]) -> dict[str, list[Request]]:
    """The measured pages and endpoints, each a list of requests used round-robin."""
    get = lambda path: ("GET", path, {}, None)  # noqa: E731
    queries = [(q, p) for qs in CLASSES.values() for q, p in qs]
    return {
        "search API `GET /api/v1/search`": [get("/api/v1/search?" + urlencode({"q": q, **p})) for q, p in queries],
        "search page `/soeg`": [get("/soeg?" + urlencode({"q": q})) for q, _p in CLASSES["1-word"] + CLASSES["2-word"]],
        "match `POST /api/v1/match`": [
            ("POST", "/api/v1/match", {"Content-Type": "application/json"}, json.dumps({"address": a, **extra}))
            for a, _lat, _lon, extra in HOUSEHOLDS],
        "inbox `/koordinator/tilflyttere/`": [get("/koordinator/tilflyttere/" + q) for _n, q in SCENARIOS],
        "event list `/arrangementer`": [get(p) for p in (
            "/arrangementer", "/arrangementer?page=2", "/arrangementer?page=20", "/arrangementer?kind=welcome-meeting",
            "/arrangementer?place=vamdrup", "/api/v1/events")],
        "association page `/foreninger/<slug>`": [get(f"/foreninger/{s}") for s in slugs],
        "front page `/`": [get("/")],
    }


# --- in-process, in a fresh process ----------------------------------------------------

def measure_in_process(url: str, tmp: str, passes: int, backend: str = "whoosh") -> dict:
    from fællesskab import create_app
    from fællesskab.extensions import db

    app = create_app(config(url, tmp, backend))
    out: dict = {"start_rss_mb": memory_mb()[0]}
    with app.app_context():
        slugs = sample_slugs(40)
    client = app.test_client()
    started = time.perf_counter()
    client.get("/api/v1/search?q=fodbold")
    out["first_search_s"] = time.perf_counter() - started
    assert client.post("/login", data={"email": COORDINATOR, "password": PASSWORD}).status_code == 302
    results = {}
    pg_cpu = {}
    for name, reqs in endpoints(slugs).items():
        if backend == "postgres" and name not in SEARCH_ENDPOINTS:
            continue  # the other pages do not search
        pg_before = national_peer.pg_backend_cpu(url) if backend == "postgres" else None
        for method, path, headers, body in reqs:  # warm: compiled SQL, decoded index columns
            client.open(path, method=method, headers=headers, data=body)
        times, cpu = [], []
        for _ in range(passes):
            for method, path, headers, body in reqs:
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.open(path, method=method, headers=headers, data=body)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
                assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:200])
        results[name] = (*summarise(times), len(times), *summarise(cpu))
        if pg_before is not None:  # the PostgreSQL server's CPU for these requests (warm-up included)
            pg_cpu[name] = national_peer.pg_backend_cpu(url, pg_before) * 1000 / (len(times) + len(reqs))
        print(f"in-process {name}: {results[name]}", file=sys.stderr, flush=True)
    for label, queries in CLASSES.items():  # per query class, to set beside PostgreSQL FTS
        times = []
        for _ in range(passes):
            for q, p in queries:
                t0 = time.perf_counter()
                client.get("/api/v1/search?" + urlencode({"q": q, **p}))
                times.append(time.perf_counter() - t0)
        out.setdefault("search_classes", {})[label] = summarise(times)
    out["endpoints"] = results
    out["pg_cpu_ms_per_request"] = pg_cpu
    out["rss_mb"], out["peak_mb"] = memory_mb()
    with app.app_context():
        db.engine.dispose()
    return out


# --- the run ---------------------------------------------------------------------------

def run(args) -> dict:
    from bench.datagen import association_csv
    from fællesskab import create_app
    from fællesskab.directory.importer import import_associations
    from fællesskab.extensions import db
    from fællesskab.search import get_index, rebuild

    tmp = tempfile.mkdtemp(prefix="bench-national-")
    url = args.database_url or f"sqlite:///{tmp}/national.db"
    n_assoc, n_events, n_cases = args.scale, args.events or 2 * args.scale, args.cases or args.scale // 2
    res: dict = {"scale": [n_assoc, n_events, n_cases], "database": url.split(":")[0].split("+")[0],
                 "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "duration": args.duration}
    try:
        app = create_app(config(url, tmp))
        with app.app_context():
            res["build"] = _existing(n_assoc, n_events) if args.reuse else None
            if res["build"] is None:
                res["build"] = build(n_assoc, n_events, n_cases)
            started, cpu0 = time.perf_counter(), _cpu_with_children()
            res["reindex_docs"] = rebuild(app)
            res["reindex_s"] = time.perf_counter() - started
            res["reindex_cpu_s"] = _cpu_with_children() - cpu0
            _log(f"reindex: {res['reindex_docs']:,} documents in {res['reindex_s']:.0f} s")
            get_index(app)  # the start-up check, as a worker does it: the import below must not rebuild
            rows = min(10_000, max(1_000, n_assoc // 10))
            data = association_csv(rows, prefix="I")
            started = time.perf_counter()
            report = import_associations(io.BytesIO(data))
            assert report.ok, report.problems[:3]
            db.session.commit()  # the sync writes these rows to the index and the change log
            res["import"] = (rows, time.perf_counter() - started)
            _log(f"import: {rows:,} rows in {res['import'][1]:.1f} s")
            slugs = sample_slugs(40)
            db.session.remove()
            settle(db.engine)
            db.engine.dispose()

        child = subprocess.run([sys.executable, "-m", "bench.national", "--measure", url, "--tmp", tmp,
                                "--passes", str(args.passes)], cwd=REPO, check=True, capture_output=True, text=True)
        sys.stderr.write(child.stderr)
        res["in_process"] = json.loads(child.stdout)

        env = {"DATABASE_URL": url, "SEARCH_INDEX_DIR": f"{tmp}/index", "SECRET_KEY": "bench",
               "FAELLESSKAB_ENV": "development"}
        res["http"], res["worker_rss"] = http_load(env, slugs, args.duration, warm_s(n_assoc))
        res["peer"] = national_peer.run_peer(app, tmp, args.duration, res["http"])
        if res["database"] == "postgresql":
            res["pg_fts"] = national_peer.pg_fts(app, args.passes)
            res["pg_backend"] = pg_backend(url, tmp, slugs, args, res["peer"])
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return res


def settle(engine) -> None:
    """Bring the database to the state a running server keeps it in before measuring.

    In production autovacuum has long since vacuumed a table loaded like these: the
    visibility map that lets counts read an index only is set, and the statistics are
    fresh. The benchmark machine's server runs with autovacuum off, so do it here.
    """
    import sqlalchemy as sa

    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    _log(f"vacuum/analyze: {time.perf_counter() - started:.1f} s")


def pg_backend(url: str, tmp: str, slugs: list[str], args, peer: dict) -> dict:
    """Our search with SEARCH_BACKEND=postgres: fill the table, then in-process and HTTP."""
    import sqlalchemy as sa

    from fællesskab import create_app
    from fællesskab.extensions import db
    from fællesskab.search.pg import rebuild as rebuild_table

    out: dict = {}
    app = create_app(config(url, tmp, "postgres"))
    started, cpu0 = time.perf_counter(), _cpu_with_children()
    out["build_docs"] = rebuild_table(app)
    out["build_s"] = time.perf_counter() - started
    out["build_cpu_s"] = _cpu_with_children() - cpu0  # this process only (the server's share is not in it)
    with app.app_context():
        out["table_mb"], out["gin_mb"], out["words"] = db.session.execute(sa.text(
            "select pg_total_relation_size('search_documents') / 1048576.0, "
            "pg_relation_size('ix_search_documents_tsv') / 1048576.0, (select count(*) from search_words)")).one()
        out["table_mb"], out["gin_mb"] = float(out["table_mb"]), float(out["gin_mb"])
        db.session.remove()
        settle(db.engine)
        db.engine.dispose()
    _log(f"pg backend: search_documents filled with {out['build_docs']:,} documents in {out['build_s']:.0f} s")
    child = subprocess.run([sys.executable, "-m", "bench.national", "--measure", url, "--tmp", tmp,
                            "--passes", str(args.passes), "--backend", "postgres"],
                           cwd=REPO, check=True, capture_output=True, text=True)
    sys.stderr.write(child.stderr)
    out["in_process"] = json.loads(child.stdout)
    env = {"DATABASE_URL": url, "SEARCH_INDEX_DIR": f"{tmp}/index", "SECRET_KEY": "bench",
           "FAELLESSKAB_ENV": "development", "SEARCH_BACKEND": "postgres"}
    out["http"], out["worker_rss"] = national_peer.pg_backend_http(env, endpoints(slugs), args.duration, url)
    mine, theirs = out["http"].get("search API, the peer's queries"), (peer or {}).get("http")
    if mine and theirs and theirs.get("rps"):
        out["ratio"] = mine["rps"] / theirs["rps"]
        out["cpu_ratio"] = theirs["cpu_ms_per_request"] / (mine["cpu_ms_per_request"] + mine["pg_cpu_ms_per_request"])
    _log(f"pg backend: {out}")
    return out


def rerun_pg_backend(args) -> dict:
    """Only the SEARCH_BACKEND=postgres rows, on the data and index a `--keep` run left."""
    from fællesskab import create_app
    from fællesskab.extensions import db

    with open(os.path.join(REPO, "bench", "out", f"national-{args.scale}.json"), encoding="utf-8") as fh:
        res = json.load(fh)
    tmp = args.pg_backend_only
    app = create_app(config(args.database_url, tmp))
    with app.app_context():
        slugs = sample_slugs(40)
        db.engine.dispose()
    res["pg_backend"] = pg_backend(args.database_url, tmp, slugs, args, res.get("peer"))
    res["pg_backend_when"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return res


def rerun_http(args) -> dict:
    """The HTTP rows again, on the data and index a `--keep` run left (its other numbers are kept)."""
    from fællesskab import create_app
    from fællesskab.extensions import db

    with open(os.path.join(REPO, "bench", "out", f"national-{args.scale}.json"), encoding="utf-8") as fh:
        res = json.load(fh)
    tmp = args.http_only
    app = create_app(config(args.database_url, tmp))
    with app.app_context():
        slugs = sample_slugs(40)
        db.engine.dispose()
    env = {"DATABASE_URL": args.database_url, "SEARCH_INDEX_DIR": f"{tmp}/index", "SECRET_KEY": "bench",
           "FAELLESSKAB_ENV": "development"}
    res["http"], res["worker_rss"] = http_load(env, slugs, args.duration, warm_s(args.scale))
    res["peer"] = national_peer.run_peer(app, tmp, args.duration, res["http"])
    res["duration"] = args.duration
    res["http_when"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return res


def _existing(n_assoc: int, n_events: int) -> dict | None:
    """The earlier run's data, when the database holds exactly that many generated rows."""
    import sqlalchemy as sa

    from fællesskab.extensions import db

    try:
        found = db.session.execute(sa.text(
            "select (select count(*) from associations where external_id like 'S-%'), "
            "(select count(*) from associations), (select count(*) from events)")).one()
    except Exception:
        db.session.rollback()
        return None
    if found[0] != n_assoc or found[2] != n_events:
        return None
    db.session.execute(sa.text("delete from associations where external_id like 'I-%'"))  # the last import
    db.session.commit()
    _log("reusing the data of an earlier run")
    return {"associations_s": 0.0, "events_s": 0.0, "cases_s": 0.0, "reused": True}


def warm_s(n_assoc: int) -> float:
    """Seconds of search load before measuring: each worker's first search loads its snapshot of the
    index and applies the change log (tens of seconds at national scale on a busy machine)."""
    return max(5.0, n_assoc / 800)


def http_load(env: dict, slugs: list[str], duration: float, warm: float = 5.0) -> tuple[dict, list]:
    results = {}
    server = load.Gunicorn(env, workers=2)
    try:
        cookie = server.login_cookie(COORDINATOR, PASSWORD)
        reqs = endpoints(slugs)
        load.wrk(server.base, reqs["search API `GET /api/v1/search`"], warm)  # warm both workers
        for name, requests in reqs.items():
            if name.startswith("inbox"):
                requests = [(m, p, {**h, "Cookie": cookie}, b) for m, p, h, b in requests]
            load.wrk(server.base, requests, 2)  # warm: each worker compiles this page's templates and SQL
            results[name] = load.measured(server, requests, duration)
            _log(f"http {name}: {results[name]}")
        results["search API, the peer's queries"] = load.measured(server, national_peer.our_requests(), duration)
        rss = server.worker_rss()
    finally:
        server.stop()
    server = load.Gunicorn(env, workers=1)
    try:
        search = endpoints(slugs)["search API `GET /api/v1/search`"]
        load.wrk(server.base, search, warm)
        results["search API, 1 worker"] = load.measured(server, search, duration)
    finally:
        server.stop()
    return results, rss


def _cpu_with_children() -> float:
    import resource

    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="associations (events: 2×, cases: ½×)")
    parser.add_argument("--events", type=int)
    parser.add_argument("--cases", type=int)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="a bench_* PostgreSQL database (emptied!); default: a temporary SQLite file")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per HTTP endpoint")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the data of an earlier run on the same --database-url if its size matches")
    parser.add_argument("--http-only", metavar="TMPDIR",
                        help="repeat only the HTTP and peer measurements of a --keep run, on its database and index")
    parser.add_argument("--pg-backend-only", metavar="TMPDIR",
                        help="repeat only the SEARCH_BACKEND=postgres measurements of a --keep run")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process: the database URL
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="whoosh", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_in_process(args.measure, args.tmp, args.passes, args.backend)))
        return
    if args.database_url:
        from fællesskab.config import normalise_database_url

        args.database_url = normalise_database_url(args.database_url)
        if args.database_url.startswith("postgresql") and "/bench_" not in args.database_url:
            sys.exit("refusing to empty a PostgreSQL database whose name does not start with bench_")
    from bench.timing import machine_gauge

    gauge_start = machine_gauge()
    _log(f"machine gauge: {gauge_start:.1f} ms")
    res = rerun_pg_backend(args) if args.pg_backend_only else rerun_http(args) if args.http_only else run(args)
    res["gauge_ms"] = (gauge_start, machine_gauge())
    from bench.national_report import report

    text = report(res)
    print(text)
    os.makedirs(os.path.join(REPO, "bench", "out"), exist_ok=True)
    stem = os.path.join(REPO, "bench", "out", f"national-{args.scale}")
    with open(stem + ".md", "w", encoding="utf-8") as fh:
        fh.write(text)
    with open(stem + ".json", "w", encoding="utf-8") as fh:
        json.dump(res, fh, indent=1, default=str)


if __name__ == "__main__":
    main()
