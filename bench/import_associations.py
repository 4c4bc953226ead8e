"""Benchmark: import a 10,000-row associations CSV (target: under 30 s).

Run: `make bench-import` (or `.venv/bin/python bench/import_associations.py`).
Measures a first import (all rows created) and a second import of the same
file (all unchanged) on a fresh SQLite file and, when BENCH_DATABASE_URL is
set, on PostgreSQL. Prints a Markdown table for docs/performance.md.
"""
from __future__ import annotations

import io
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.datagen import association_csv  # noqa: E402
from fællesskab import create_app  # noqa: E402
from fællesskab.directory.importer import import_associations  # noqa: E402
from fællesskab.extensions import db  # noqa: E402
from fællesskab.geo.reference import load_reference_data  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
SEED_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "seed")


def run(url: str, label: str, data: bytes) -> list[tuple[str, str, float, str]]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    results = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_reference_data(SEED_DIR)
        db.session.commit()
        for what in ("first import (create)", "second import (unchanged)"):
            start = time.perf_counter()
            report = import_associations(io.BytesIO(data))
            assert report.ok, report.problems[:3]
            db.session.commit()
            seconds = time.perf_counter() - start
            results.append((label, what, seconds, report.summary()))
        db.drop_all()
        db.engine.dispose()
    return results


def main() -> None:
    data = association_csv(ROWS)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results += run(f"sqlite:///{tmp}/bench.db", "SQLite", data)
    if os.environ.get("BENCH_DATABASE_URL"):
        from fællesskab.config import normalise_database_url

        results += run(normalise_database_url(os.environ["BENCH_DATABASE_URL"]), "PostgreSQL", data)
    print("| database | run | rows | seconds | rows/s | result |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for label, what, seconds, summary in results:
        print(f"| {label} | {what} | {ROWS:,} | {seconds:.1f} | {ROWS / seconds:,.0f} | {summary} |")


if __name__ == "__main__":
    main()
