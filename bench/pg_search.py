"""SEARCH_BACKEND=postgres at national scale: reindex time and search latency, two checkouts side by side.

Run (docs/performance.md, "PostgreSQL engine"):

    .venv/bin/python -m bench.pg_search --scale 100000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_pgsearch \
        --code /work/main --code .

Then, on the tables the last run left (`--measure-only`), `--without-rum`
measures the same code ranking every match from the GIN index.
The database must be called `bench_*` (it is emptied). With `--build` (or
when it does not hold `scale` generated associations) the national data set
of bench/national_data.py is generated (associations, 2× events, no cases).
Then, for each `--code` checkout in turn, in a fresh process running that
checkout's code on the same data: the search tables are dropped and created
by that code's models, filled by its rebuild (timed: the reindex), the
database vacuumed, and the search API requested in-process through the Flask
test client — the query mix of bench/search.py plus English words and towns —
warmed once, then `--passes` times: wall and CPU median / p95, and the
PostgreSQL server's CPU per request; then the search page and the match API
(bench/national.py's requests) the same way. Writes bench/out/pg-search-<scale>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from urllib.parse import urlencode

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ENGLISH = [("football", {}), ("choir", {}), ("swimming", {}), ("knitting", {}), ("table tennis", {})]
TOWNS = [("kolding", {}), ("vamdrup", {}), ("fodbold kolding", {}), ("kor aarhus", {})]
SEARCH_TABLES = ("search_documents", "search_words")


def queries() -> dict[str, list[tuple[str, dict]]]:
    from bench.search import CLASSES

    return {**CLASSES, "english": ENGLISH, "town": TOWNS}


def child(args) -> dict:
    """In a fresh process on `args.code`'s package: rebuild the search tables, then measure."""
    sys.path.insert(0, os.path.abspath(args.code[0]))
    import sqlalchemy as sa

    import fællesskab
    from bench.timing import machine_gauge
    from fællesskab import create_app
    from fællesskab.extensions import db

    out: dict = {"code": os.path.dirname(os.path.dirname(os.path.abspath(fællesskab.__file__))),
                 "gauge_ms": machine_gauge()}
    cfg = {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench", "SEARCH_BACKEND": "postgres",
           "SEARCH_INDEX_DIR": os.path.join(args.tmp, "index"), "RATELIMITS_ON": False}
    app = create_app(cfg)
    if args.measure_only:
        return measure(args, cfg, out)
    with app.app_context():
        for table in SEARCH_TABLES:
            db.session.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
        db.session.execute(sa.text("DROP SEQUENCE IF EXISTS search_generation"))
        db.session.commit()
        db.create_all()  # only the search tables are missing: this code's models create them
        db.session.remove()
    from fællesskab.search.pg import rebuild

    started, cpu0 = time.perf_counter(), time.process_time()
    out["reindex_docs"] = rebuild(app)
    out["reindex_s"] = time.perf_counter() - started
    out["reindex_app_cpu_s"] = time.process_time() - cpu0
    with app.app_context():
        out["table_mb"] = float(db.session.scalar(sa.text(
            "select pg_total_relation_size('search_documents') / 1048576.0")))
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        db.engine.dispose()
    return measure(args, cfg, out)


def measure(args, cfg: dict, out: dict) -> dict:
    """The query mix in-process: warm, then `passes` times; then once more with the facet counts
    forgotten before every request (each query's first request in a generation)."""
    from bench.national_peer import pg_backend_cpu
    from bench.timing import memory_mb, summarise
    from fællesskab import create_app
    from fællesskab.extensions import db

    app = create_app(cfg)  # as a worker after a restart
    if args.without_rum:  # this code's GIN plan on the same tables: what the RUM index is worth
        from fællesskab.search.pg import backend

        if hasattr(backend, "has_rum"):
            backend.has_rum = lambda _connection: False
    client = app.test_client()
    t0 = time.perf_counter()
    client.get("/api/v1/search?q=fodbold")
    out["first_search_ms"] = (time.perf_counter() - t0) * 1000
    mix = queries()
    urls = {label: ["/api/v1/search?" + urlencode({"q": q, **p}) for q, p in qs] for label, qs in mix.items()}
    for label in urls:  # warm: compiled SQL, the statistics caches
        for url in urls[label]:
            assert client.get(url).status_code == 200
    every_wall, every_cpu, classes, slowest = [], [], {}, []
    pg_before = pg_backend_cpu(args.database_url)
    for label, class_urls in urls.items():
        wall = []
        for _ in range(args.passes):
            for url in class_urls:
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url)
                wall.append(time.perf_counter() - t0)
                every_cpu.append(time.process_time() - c0)
                assert response.status_code == 200, response.get_data(as_text=True)[:300]
                slowest.append((wall[-1] * 1000, url))
        every_wall += wall
        classes[label] = summarise(wall)
    n = len(every_wall)
    out["pg_cpu_ms_per_request"] = pg_backend_cpu(args.database_url, pg_before) * 1000 / n
    out["requests"] = n
    out["wall"], out["cpu"], out["classes"] = summarise(every_wall), summarise(every_cpu), classes
    out["slowest"] = sorted(slowest, reverse=True)[:8]
    try:
        from fællesskab.search.pg.store import facet_cache
    except ImportError:  # code without the facet counts cache
        facet_cache = None
    if facet_cache is not None:
        cold, pg_before = [], pg_backend_cpu(args.database_url)
        for class_urls in urls.values():
            for url in class_urls:
                facet_cache.clear()
                t0 = time.perf_counter()
                assert client.get(url).status_code == 200
                cold.append(time.perf_counter() - t0)
        out["uncached"] = summarise(cold)
        out["uncached_pg_cpu_ms_per_request"] = pg_backend_cpu(args.database_url, pg_before) * 1000 / len(cold)
    out["pages"] = measure_pages(client, args)
    out["rss_mb"] = memory_mb()
    from fællesskab.search.pg import backend

    if args.compare_rum and hasattr(backend, "has_rum"):  # code with the RUM path
        out["rum_pages"] = compare_rum(client, [u for class_urls in urls.values() for u in class_urls])
    with app.app_context():
        db.engine.dispose()
    return out


def measure_pages(client, args) -> dict:
    """The search page and the match API on this engine, with bench/national.py's requests:
    warm once, then `passes` times; wall median / p95 and the PostgreSQL server's CPU per request."""
    from bench.national import endpoints
    from bench.national_peer import pg_backend_cpu
    from bench.timing import summarise

    wanted = ("search page `/soeg`", "match `POST /api/v1/match`")
    out = {}
    for name, reqs in endpoints([]).items():
        if name not in wanted:
            continue

        def run(method, path, headers, body):
            response = client.open(path, method=method, headers=headers, data=body)
            assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])

        for req in reqs:
            run(*req)
        wall, pg_before = [], pg_backend_cpu(args.database_url)
        for _ in range(args.passes):
            for req in reqs:
                t0 = time.perf_counter()
                run(*req)
                wall.append(time.perf_counter() - t0)
        out[name] = {"wall": summarise(wall), "requests": len(wall),
                     "pg_cpu_ms_per_request": pg_backend_cpu(args.database_url, pg_before) * 1000 / len(wall)}
    return out


def compare_rum(client, urls: list[str]) -> dict:
    """How often the first page ranked from the RUM index's top matches is the page of ranking every
    match (this code's GIN plan): same hits in the same order, and the share of hits in common."""
    from fællesskab.search.pg import backend
    from fællesskab.search.pg.store import facet_cache

    def page(url: str) -> list[tuple[str, float]]:
        facet_cache.clear()
        return [(f"{r.get('type')}:{r.get('id')}", r["score"]) for r in client.get(url).get_json()["results"]]

    with_rum = {url: page(url) for url in urls}
    has_rum = backend.has_rum
    backend.has_rum = lambda _connection: False
    try:
        every = {url: page(url) for url in urls}
    finally:
        backend.has_rum = has_rum
    same = [url for url in urls if with_rum[url] == every[url]]
    # Many synthetic documents score alike: a page of other hits with the same scores is as good.
    same_scores = [url for url in urls if [s for _k, s in with_rum[url]] == [s for _k, s in every[url]]]
    common = [len({k for k, _s in with_rum[u]} & {k for k, _s in every[u]}) / len(every[u]) for u in urls if every[u]]
    # Ranking every match is the best page: how far below it, at the same position, the RUM page's score falls.
    shortfall = max((b[1] - a[1] for u in urls for a, b in zip(with_rum[u], every[u], strict=False)), default=0.0)
    return {"queries": len(urls), "same_page": len(same), "same_scores": len(same_scores),
            "differ": [u for u in urls if u not in same], "scores_differ": [u for u in urls if u not in same_scores],
            "hits_in_common": sum(common) / len(common) if common else 1.0, "score_shortfall": shortfall}


def ensure_data(args) -> dict | None:
    import sqlalchemy as sa

    from bench.national_data import build
    from fællesskab import create_app
    from fællesskab.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench",
                      "SEARCH_INDEX_DIR": os.path.join(args.tmp, "index")})
    with app.app_context():
        try:
            found = db.session.scalar(sa.text("select count(*) from associations where external_id like 'S-%'"))
        except Exception:
            found = None
        db.session.rollback()  # build() drops the tables from another connection
        if found == args.scale and not args.build:
            return None
        took = build(args.scale, 2 * args.scale, 0)
        db.session.remove()
        db.engine.dispose()
    return took


def ms(pair) -> str:
    return f"{pair[0]:.1f} / {pair[1]:.1f}"  # summarise gives ms


def report(res: dict) -> str:
    runs = res["runs"]
    lines = [f"pg_search, {res['scale']:,} associations ({2 * res['scale']:,} events), {res['when']}, "
             f"{res['passes']} passes", "",
             "| | " + " | ".join(r["label"] for r in runs) + " |", "| --- |" + " ---: |" * len(runs)]

    def row(name, fn):
        lines.append(f"| {name} | " + " | ".join(fn(r) for r in runs) + " |")

    row("machine gauge (ms)", lambda r: f"{r['gauge_ms']:.1f}")
    row("reindex: documents in s",
        lambda r: f"{r['reindex_docs']:,} in {r['reindex_s']:.0f}" if "reindex_s" in r else "– (not rebuilt)")
    row("search_documents size (MiB)", lambda r: f"{r['table_mb']:.0f}" if "table_mb" in r else "–")
    row("first search (ms)", lambda r: f"{r['first_search_ms']:.0f}")
    row("search API wall median / p95 ms (n)", lambda r: f"{ms(r['wall'])} ({r['requests']})")
    row("search API app CPU median / p95 ms", lambda r: ms(r["cpu"]))
    row("PostgreSQL CPU ms / request", lambda r: f"{r['pg_cpu_ms_per_request']:.1f}")
    for label in runs[0]["classes"]:
        row(f"{label}: wall median / p95 ms", lambda r, label=label: ms(r["classes"][label]))
    row("facet counts not yet kept: wall median / p95 ms",
        lambda r: ms(r["uncached"]) if "uncached" in r else "– (counted every time)")
    row("facet counts not yet kept: PostgreSQL CPU ms / request",
        lambda r: f"{r['uncached_pg_cpu_ms_per_request']:.1f}" if "uncached" in r else "–")
    for page in runs[0].get("pages", {}):
        row(f"{page}: wall median / p95 ms (n)", lambda r, page=page: (
            f"{ms(r['pages'][page]['wall'])} ({r['pages'][page]['requests']})" if page in r.get("pages", {}) else "–"))
        row(f"{page}: PostgreSQL CPU ms / request", lambda r, page=page: (
            f"{r['pages'][page]['pg_cpu_ms_per_request']:.1f}" if page in r.get("pages", {}) else "–"))
    row("worker RSS (peak) MiB", lambda r: f"{r['rss_mb'][0]:.0f} ({r['rss_mb'][1]:.0f})")
    if any("rum_pages" in r for r in runs):
        row("first page as ranking every match (RUM top)", lambda r: (
            f"{r['rum_pages']['same_page']} of {r['rum_pages']['queries']} queries "
            f"({r['rum_pages']['same_scores']} with the same scores), "
            f"{100 * r['rum_pages']['hits_in_common']:.0f}% of hits, scores at most "
            f"{r['rum_pages'].get('score_shortfall', 0):.3f} lower" if "rum_pages" in r else "–"))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--code", action="append", help="a checkout to measure (repeatable; default: this one)")
    parser.add_argument("--label", action="append", help="a name per --code")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--build", action="store_true", help="generate the data even if it is there")
    parser.add_argument("--measure-only", action="store_true",
                        help="keep the search tables as the last run left them (same code): only measure")
    parser.add_argument("--without-rum", action="store_true",
                        help="rank every match from the GIN index even where the RUM index is there")
    parser.add_argument("--compare-rum", action="store_true",
                        help="also compare each query's first page with and without the RUM index")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", default=os.path.join(REPO, "bench", "out", "pg-search-tmp"))
    args = parser.parse_args()
    if not args.database_url.rsplit("/", 1)[-1].startswith("bench_"):
        parser.error("the database must be called bench_* (it is emptied)")
    if args.child:
        print(json.dumps(child(args)))
        return
    sys.path.insert(0, REPO)
    codes = args.code or [REPO]
    labels = args.label or [os.path.basename(os.path.abspath(c)) for c in codes]
    res = {"scale": args.scale, "passes": args.passes, "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
           "data": ensure_data(args), "runs": []}
    for code, label in zip(codes, labels, strict=True):
        print(f"measuring {label} ({code})", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, os.path.join(REPO, "bench", "pg_search.py"), "--child",
                               "--code", code, "--database-url", args.database_url, "--passes", str(args.passes),
                               "--tmp", args.tmp, "--scale", str(args.scale)]
                              + (["--measure-only"] if args.measure_only else [])
                              + (["--without-rum"] if args.without_rum else [])
                              + (["--compare-rum"] if args.compare_rum else []),
                              cwd=REPO, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": os.path.abspath(code) + os.pathsep + REPO})
        sys.stderr.write(done.stderr[-3000:])
        if done.returncode:
            sys.exit(done.returncode)
        res["runs"].append({"label": label, **json.loads(done.stdout.strip().splitlines()[-1])})
    text = report(res)
    print(text)
    os.makedirs(os.path.join(REPO, "bench", "out"), exist_ok=True)
    with open(os.path.join(REPO, "bench", "out", f"pg-search-{args.scale}.json"), "w", encoding="utf-8") as fh:
        json.dump({**res, "table": text}, fh, indent=1)


if __name__ == "__main__":
    main()
