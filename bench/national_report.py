"""Markdown tables for one `bench/national.py` run."""
from __future__ import annotations

TARGET_P95_MS = 50.0
TARGET_RATIO = 1.5
TARGET_REINDEX_S = 120.0
TARGET_RSS_MB = 250.0


def _ok(good: bool) -> str:
    return "met" if good else "**missed**"


def report(r: dict) -> str:
    n_assoc, n_events, n_cases = r["scale"]
    ip = r["in_process"]
    lines = [f"National run, {r['when']}: {n_assoc:,} associations, {n_events:,} events, {n_cases:,} cases "
             f"on {r['database']}; {r['duration']:g} s of load per HTTP row"
             + (f" (HTTP and peer rows measured again at {r['http_when']} on the same data and index)"
                if r.get("http_when") else "") + ".", ""]
    if r.get("gauge_ms"):
        lines += [f"Machine gauge (`bench/timing.py` `machine_gauge`, a fixed pure-Python workload; lower is "
                  f"faster): {r['gauge_ms'][0]:.1f} ms at the start, {r['gauge_ms'][1]:.1f} ms at the end.", ""]
    b = r["build"]
    rows, secs = r["import"]
    lines += ["| step | result |", "| --- | ---: |",
              f"| data generation + insert (associations / events / cases) | {b['associations_s']:.0f} / "
              f"{b['events_s']:.0f} / {b['cases_s']:.0f} s |",
              f"| reindex (`search reindex`): {r['reindex_docs']:,} documents | {r['reindex_s']:.0f} s "
              f"({r['reindex_docs'] / r['reindex_s']:,.0f} docs/s; {r.get('reindex_cpu_s', 0):.0f} CPU s) |",
              f"| reindex time per 100,000 associations' worth of documents | "
              f"{r['reindex_s'] * 100_000 / max(1, r['reindex_docs']):.0f} s (target ≤ {TARGET_REINDEX_S:.0f} s: "
              f"{_ok(r['reindex_s'] * 100_000 / max(1, r['reindex_docs']) <= TARGET_REINDEX_S)}) |",
              f"| CSV import into the full database, with search sync | {rows:,} rows in {secs:.1f} s "
              f"({rows / secs:,.0f} rows/s) |",
              f"| first search in a new worker | {ip['first_search_s'] * 1000:.0f} ms |", ""]
    lines += ["| page / endpoint | in-process wall median / p95 ms (n) | p95 ≤ 50 ms | in-process CPU median / p95 ms "
              "| HTTP req/s | HTTP p50 / p95 ms | HTTP CPU ms / request | errors |",
              "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    http = r["http"]
    for name, (median, p95, n, *cpu) in ip["endpoints"].items():
        h = http.get(name, {})
        cpu_cell = f"{cpu[0]:.1f} / {cpu[1]:.1f}" if cpu else "–"
        lines.append(f"| {name} | {median:.1f} / {p95:.1f} ({n}) | {_ok(p95 <= TARGET_P95_MS)} | {cpu_cell} | "
                     f"{h.get('rps', 0):,.0f} | {h.get('p50_ms', 0):.0f} / {h.get('p95_ms', 0):.0f} | "
                     f"{h.get('cpu_ms_per_request', 0):.1f} | {h.get('errors', 0) + h.get('non2xx', 0)} |")
    for name in ("search API, the peer's queries", "search API, 1 worker"):
        h = http.get(name)
        if h:
            lines.append(f"| {name} | – | – | – | {h['rps']:,.0f} | {h['p50_ms']:.0f} / {h['p95_ms']:.0f} | "
                         f"{h.get('cpu_ms_per_request', 0):.1f} | {h['errors'] + h['non2xx']} |")
    peer = r.get("peer", {})
    if peer.get("http"):
        h = peer["http"]
        lines.append(f"| **Datasette {peer.get('version', '')}** FTS5 bm25, the same queries (1 process) | – | – | – | "
                     f"{h['rps']:,.0f} | {h['p50_ms']:.0f} / {h['p95_ms']:.0f} | "
                     f"{h.get('cpu_ms_per_request', 0):.1f} | "
                     f"{h['errors'] + h['non2xx']} |")
    lines.append("")
    if "ratio" in peer:
        lines.append(f"**Search requests/s, ours ÷ Datasette's: {peer['ratio']:.2f}×** (target ≥ {TARGET_RATIO}×: "
                     f"{_ok(peer['ratio'] >= TARGET_RATIO)}); CPU per request, Datasette's ÷ ours: "
                     f"{peer.get('cpu_ratio', 0):.2f}× (the same comparison without the other load on the machine).")
    rss = r.get("worker_rss", [])
    if rss:
        worst = max(x[1] for x in rss)
        lines.append(f"Gunicorn worker RSS after the load, current (peak): "
                     f"{', '.join(f'{c:.0f} ({p:.0f})' for c, p in rss)} MiB (target ≤ {TARGET_RSS_MB:.0f} MB: "
                     f"{_ok(worst * 1.048576 <= TARGET_RSS_MB)}); the in-process worker: {ip['start_rss_mb']:.0f} at "
                     f"start, {ip['rss_mb']:.0f} ({ip['peak_mb']:.0f}) MiB after.")
    if peer.get("rss"):
        lines.append(f"Datasette's RSS after the load: {peer['rss'][0]:.0f} ({peer['rss'][1]:.0f}) MiB; "
                     f"its FTS5 copy took {peer['build_s']:.0f} s to build.")
    pg = r.get("pg_fts")
    if pg:
        lines += ["", "| query class | our full search request, in-process | PostgreSQL FTS (`danish`, GIN, "
                  "ts_rank top 20) |", "| --- | ---: | ---: |"]
        for label in ("1-word", "2-word", "fuzzy"):
            ours = ip["search_classes"][label]
            lines.append(f"| {label} | {ours[0]:.1f} / {ours[1]:.1f} | {pg[label][0]:.1f} / {pg[label][1]:.1f} |")
        lines.append(f"\nCells: median / p95 ms. The tsvector column and GIN index took {pg['build_s']:.0f} s.")
    if r.get("pg_backend"):
        lines += ["", *pg_backend_report(r)]
    return "\n".join(lines) + "\n"


def pg_backend_report(r: dict) -> list[str]:
    """The SEARCH_BACKEND=postgres rows (fællesskab/search/pg/) beside the Whoosh ones."""
    pb = r["pg_backend"]
    ip, http = pb["in_process"], pb["http"]
    when = f" (measured {r['pg_backend_when']})" if r.get("pg_backend_when") else ""
    lines = [f"SEARCH_BACKEND=postgres{when}: `search_documents` filled with {pb['build_docs']:,} documents in "
             f"{pb['build_s']:.0f} s ({pb['build_docs'] / max(pb['build_s'], 1e-9):,.0f} docs/s); table with "
             f"indexes {pb['table_mb']:.0f} MiB, of it the GIN index {pb['gin_mb']:.0f} MiB; {pb['words']:,} "
             f"spelling words. First search in a new worker: {ip['first_search_s'] * 1000:.0f} ms.", "",
             "| page / endpoint, SEARCH_BACKEND=postgres | in-process wall median / p95 ms (n) | p95 ≤ 50 ms "
             "| in-process app CPU median / p95 ms | in-process PostgreSQL CPU ms / request | HTTP req/s "
             "| HTTP p50 / p95 ms | HTTP app CPU ms / request | HTTP PostgreSQL CPU ms / request | errors |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, (median, p95, n, *cpu) in ip["endpoints"].items():
        h = http.get(name, {})
        lines.append(f"| {name} | {median:.1f} / {p95:.1f} ({n}) | {_ok(p95 <= TARGET_P95_MS)} | "
                     f"{cpu[0]:.1f} / {cpu[1]:.1f} | {ip.get('pg_cpu_ms_per_request', {}).get(name, 0):.1f} | "
                     f"{h.get('rps', 0):,.0f} | {h.get('p50_ms', 0):.0f} / {h.get('p95_ms', 0):.0f} | "
                     f"{h.get('cpu_ms_per_request', 0):.1f} | {h.get('pg_cpu_ms_per_request', 0):.1f} | "
                     f"{h.get('errors', 0) + h.get('non2xx', 0)} |")
    for name in ("search API, the peer's queries", "search API, 1 worker"):
        h = http.get(name)
        if h:
            lines.append(f"| {name} | – | – | – | – | {h['rps']:,.0f} | {h['p50_ms']:.0f} / {h['p95_ms']:.0f} | "
                         f"{h['cpu_ms_per_request']:.1f} | {h['pg_cpu_ms_per_request']:.1f} | "
                         f"{h['errors'] + h['non2xx']} |")
    lines.append("")
    if "ratio" in pb:
        lines.append(f"**Search requests/s with SEARCH_BACKEND=postgres, ours ÷ Datasette's: {pb['ratio']:.2f}×** "
                     f"(target ≥ {TARGET_RATIO}×: {_ok(pb['ratio'] >= TARGET_RATIO)}); CPU per request, Datasette's ÷ "
                     f"ours (app + PostgreSQL): {pb['cpu_ratio']:.2f}×.")
    rss = pb.get("worker_rss", [])
    if rss:
        worst = max(x[1] for x in rss)
        lines.append(f"Gunicorn worker RSS after the load, current (peak): "
                     f"{', '.join(f'{c:.0f} ({p:.0f})' for c, p in rss)} MiB (target ≤ {TARGET_RSS_MB:.0f} MB: "
                     f"{_ok(worst * 1.048576 <= TARGET_RSS_MB)}); the in-process worker: {ip['start_rss_mb']:.0f} at "
                     f"start, {ip['rss_mb']:.0f} ({ip['peak_mb']:.0f}) MiB after.")
    whoosh = r["in_process"].get("search_classes", {})
    raw = r.get("pg_fts") or {}
    lines += ["", "| query class | full search request, Whoosh | full search request, SEARCH_BACKEND=postgres "
              "| raw PostgreSQL FTS (`danish`, ts_rank top 20) |", "| --- | ---: | ---: | ---: |"]
    for label, (median, p95) in ip.get("search_classes", {}).items():
        w, x = whoosh.get(label), raw.get(label)
        lines.append(f"| {label} | {f'{w[0]:.1f} / {w[1]:.1f}' if w else '–'} | {median:.1f} / {p95:.1f} | "
                     f"{f'{x[0]:.1f} / {x[1]:.1f}' if x else '–'} |")
    lines.append("\nCells: median / p95 ms, in-process wall clock (the PostgreSQL server's time included).")
    return lines
