"""Benchmark: import a 60,000-row DAWA address CSV (target: under 60 s, flat memory).

Run: `.venv/bin/python bench/geo_import_addresses.py` (add
`BENCH_DATABASE_URL=postgresql://…` for PostgreSQL too; BENCH_ROWS to change the
size). Each import runs in a fresh child process on a fresh database, so its
peak memory (ru_maxrss) can be compared between file sizes: memory is flat
when the import of 60,000 rows peaks no higher than that of 15,000.
Prints a Markdown table for docs/performance.md.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

ROWS = int(os.environ.get("BENCH_ROWS", "60000"))


def child(path: str, url: str) -> None:
    """Create the schema, import the file twice (create, then unchanged), print JSON."""
    from fællesskab import create_app
    from fællesskab.extensions import db
    from fællesskab.geo.importer import import_addresses
    from fællesskab.geo.reference import load_reference_data

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    out = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_reference_data(os.path.join(REPO_ROOT, "seed"))
        db.session.commit()
        for what in ("first import (create)", "second import (unchanged)"):
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            start = time.perf_counter()
            with open(path, "rb") as fh:
                report = import_addresses(fh)
            assert report.ok, report.problems[:3]
            db.session.commit()
            seconds = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            out.append({"what": what, "seconds": seconds, "rows": report.rows, "summary": report.summary(),
                        "rss_before_mb": before / 1024, "rss_peak_mb": after / 1024})
        db.drop_all()
        db.engine.dispose()
    print(json.dumps(out))


def run(path: str, url: str) -> list[dict]:
    result = subprocess.run([sys.executable, __file__, "--child", path, url], capture_output=True, text=True,
                            check=True, cwd=REPO_ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    from bench.geo_datagen import write_addresses

    sizes = sorted({ROWS // 4, ROWS})
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        databases = [("SQLite", None)]
        if os.environ.get("BENCH_DATABASE_URL"):
            from fællesskab.config import normalise_database_url

            databases.append(("PostgreSQL", normalise_database_url(os.environ["BENCH_DATABASE_URL"])))
        for rows in sizes:
            path = os.path.join(tmp, f"adresser-{rows}.csv")
            access = write_addresses(path, rows)
            size_mb = os.path.getsize(path) / 1e6
            for label, url in databases:
                url = url or f"sqlite:///{tmp}/bench-{rows}.db"
                for r in run(path, url):
                    results.append((label, rows, access, size_mb, r))
    print("| database | rows (access addresses, MB) | run | seconds | rows/s | peak RSS before → after (MB) | result |")
    print("| --- | --- | --- | ---: | ---: | --- | --- |")
    for label, rows, access, size_mb, r in results:
        print(f"| {label} | {rows:,} ({access:,}, {size_mb:.1f} MB) | {r['what']} | {r['seconds']:.1f} | "
              f"{rows / r['seconds']:,.0f} | {r['rss_before_mb']:.0f} → {r['rss_peak_mb']:.0f} | {r['summary']} |")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
