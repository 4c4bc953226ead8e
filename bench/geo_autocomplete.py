"""Benchmark: autocomplete and geocode latency (target: autocomplete within 20 ms).

Run: `.venv/bin/python bench/geo_autocomplete.py` (add `BENCH_DATABASE_URL=…`
for PostgreSQL too). A fresh database gets the reference data and 60,000
generated official addresses; then BENCH_REQUESTS requests per kind go through
the whole Flask stack (test client, JSON in and out): street/place prefixes of
2–8 letters, "street + house number" prefixes, and full geocodes. Prints a
Markdown table (median, 95th percentile, max in milliseconds).
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
ADDRESS_ROWS = int(os.environ.get("BENCH_ROWS", "60000"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(url: str, label: str, address_file: str) -> list[tuple]:
    from bench.geo_datagen import streets
    from fællesskab import create_app
    from fællesskab.extensions import db
    from fællesskab.geo.importer import import_addresses
    from fællesskab.geo.reference import load_reference_data

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "GEOCODER": "gazetteer"})
    rng = random.Random(6000)
    names = [s["street"] for s in streets() if "=" not in s["street"]]  # one OSM name carries a tag
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_reference_data(os.path.join(REPO_ROOT, "seed"))
        with open(address_file, "rb") as fh:
            assert import_addresses(fh).ok
        db.session.commit()
    client = app.test_client()
    client.post("/api/v1/geocode/autocomplete", json={"q": "kold"})  # build the in-memory index once

    kinds = {
        "autocomplete: name prefix (2–8 letters)": lambda: (
            "/api/v1/geocode/autocomplete", {"q": rng.choice(names)[: rng.randint(2, 8)]}),
        "autocomplete: street + house number": lambda: (
            "/api/v1/geocode/autocomplete", {"q": f"{rng.choice(names)} {rng.randint(1, 30)}"}),
        "geocode: street + number, postcode": lambda: (
            "/api/v1/geocode", {"q": f"{rng.choice(names)} {rng.randint(1, 30)}"}),
    }
    rows = []
    for kind, make in kinds.items():
        timings = []
        for _ in range(REQUESTS):
            path, body = make()
            start = time.perf_counter()
            response = client.post(path, json=body)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code in (200, 404), (body, response.status_code, response.get_data()[:200])
        rows.append((label, kind, REQUESTS, statistics.median(timings), percentile(timings, 95), max(timings)))
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    return rows


def main() -> None:
    from bench.geo_datagen import write_addresses

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        address_file = os.path.join(tmp, "adresser.csv")
        write_addresses(address_file, ADDRESS_ROWS)
        results += run(f"sqlite:///{tmp}/bench.db", "SQLite", address_file)
        if os.environ.get("BENCH_DATABASE_URL"):
            from fællesskab.config import normalise_database_url

            results += run(normalise_database_url(os.environ["BENCH_DATABASE_URL"]), "PostgreSQL", address_file)
    print("| database | request | n | median ms | p95 ms | max ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for label, kind, n, median, p95, worst in results:
        print(f"| {label} | {kind} | {n:,} | {median:.2f} | {p95:.2f} | {worst:.1f} |")


if __name__ == "__main__":
    main()
