"""Benchmark newcomer matching at 1,000, 10,000 and 100,000 associations (Matching issue;
docs/performance.md, target: p95 ≤ 50 ms at 100,000).

Run: `.venv/bin/python bench/match.py` (options: --sizes 1000,10000,100000 --passes 5).

For each size it generates associations with the search benchmark's generator
(`bench/search.py:varied_rows`, built on the blocks of `bench/datagen.py`),
plus 300 approved events (a third of them welcome meetings, some weekly) in
the next 90 days, inserts them into a fresh SQLite database, builds the
search index as `flask search reindex` does, and then — in a new process, as
a web worker after a restart — times 24 different households (towns and
villages all over the municipality; with and without children, interests,
English; free words, category slugs, a misspelt word, 5–25 km), each
`--passes` times:

* full: `POST /api/v1/match` through the Flask test client (JSON in, geocoding,
  events from the database, ranking, reasons, JSON out);
* service: `matching.services.match` with lat/lon (no geocoding, no HTTP); wall time, and
  the process's CPU time (steadier on a shared machine: waiting for a core is not counted);
* scored: how many associations the ranking scored (the rest were pruned by the bound).

Prints Markdown tables.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402

from bench.datagen import load_streets  # noqa: E402
from bench.search import varied_rows  # noqa: E402
from bench.timing import machine_gauge, memory_mb, summarise  # noqa: E402
from fællesskab import create_app  # noqa: E402
from fællesskab.directory.models import Association  # noqa: E402
from fællesskab.events.models import Event  # noqa: E402
from fællesskab.extensions import db  # noqa: E402
from fællesskab.geo.reference import load_reference_data  # noqa: E402
from fællesskab.places.models import Place  # noqa: E402
from fællesskab.search import rebuild  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED_DIR = os.path.join(REPO, "seed")
EVENTS = 300

# (address, lat, lon, body extras) — lat/lon for the service timing, the address for the full request.
HOUSEHOLDS = [
    ("Skolegade 3, 6070 Christiansfeld", 55.3570, 9.4830,
     {"interests": ["fodbold", "kor"], "children_ages": [4, 9], "adults": 2, "languages": ["en"]}),
    ("Kolding", 55.4904, 9.4722, {"interests": ["yoga"], "adults": 2, "languages": ["en"]}),
    ("Vamdrup", 55.4276, 9.2843, {"interests": ["seniors", "petanque"], "adults": 2}),
    ("6000 Kolding", 55.4968, 9.4778, {"interests": ["students", "fredagsbar"], "adults": 1}),
    ("Ødis", 55.4087, 9.3814, {"children_ages": [2, 5], "adults": 2}),
    ("Lunderskov", 55.4833, 9.3000, {"interests": ["badminton", "svømning"], "children_ages": [11]}),
    ("Almind", 55.5640, 9.4430, {}),
    ("Sønder Bjert", 55.4560, 9.5600, {"interests": ["music"], "children_ages": [7, 13]}),
    ("Seest", 55.4780, 9.4200, {"interests": ["spejder"], "children_ages": [8, 10, 12], "adults": 2}),
    ("Hejls", 55.3890, 9.5780, {"interests": ["sejlads", "natur"], "adults": 2, "languages": ["de", "da"]}),
    ("Bramdrupdam", 55.5080, 9.3900, {"interests": ["volunteering"], "languages": ["uk"]}),
    ("Vonsild", 55.4530, 9.4720, {"interests": ["badmintin"], "adults": 1}),
    ("Kolding", 55.4904, 9.4722, {"interests": ["choir", "knitting", "chess"], "languages": ["en"]}),
    ("Kolding", 55.4904, 9.4722, {"children_ages": [1], "adults": 2, "max_km": 5}),
    ("Christiansfeld", 55.3560, 9.4805, {"interests": ["culture"], "adults": 2, "max_km": 25}),
    ("Jordrup", 55.5670, 9.2720, {"interests": ["fodboldklub"], "children_ages": [6]}),
    ("Sjølund", 55.4020, 9.5300, {"interests": ["vinterbadning", "kajak"]}),
    ("Viuf", 55.5520, 9.5050, {"interests": ["local-community"], "children_ages": [3, 6], "adults": 2}),
    ("Egtved", 55.5620, 9.3950, {"interests": ["hobby", "family"], "children_ages": [9]}),
    ("Strandhuse", 55.4760, 9.5400, {"interests": ["rowing", "running"], "languages": ["en", "da"]}),
    ("Dalby", 55.5130, 9.5330, {"interests": ["strik", "hækling", "keramik"], "adults": 1}),
    ("Tved", 55.5050, 9.5020, {"interests": ["networking"], "languages": ["pl"]}),
    ("Kolding", 55.4904, 9.4722, {"interests": ["fodbold", "håndbold", "gymnastik", "svømning"],
                                  "children_ages": [5, 8, 14], "adults": 2, "limit": 20}),
    ("Vamdrup", 55.4276, 9.2843, {"interests": ["sport"], "children_ages": [10], "max_km": 10}),
]


def _events(n: int, places: dict[str, int]) -> list[dict]:
    rnd = random.Random(6210)
    streets = load_streets()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    rows = []
    for i in range(1, n + 1):
        street = rnd.choice(streets)
        town = street["locality"] or street["postal_district"]
        starts = now + timedelta(days=rnd.randint(1, 90), hours=rnd.randint(0, 12))
        kind = rnd.choice(["welcome-meeting", "welcome-meeting", "open-house", "social", "activity", "fair"])
        weekly = rnd.random() < 0.1
        rows.append(dict(
            external_id=f"BE-{i:05d}", title=f"{kind.replace('-', ' ').capitalize()} i {town} {i}",
            description="Kom og vær med – nye borgere er særligt velkomne. Vi byder på kaffe.",
            kind=kind, starts_at=starts, ends_at=starts + timedelta(hours=2),
            recurrence="weekly" if weekly else None,
            repeat_until=(starts + timedelta(days=120)).date() if weekly else None,
            town=town, postcode=street["postcode"], lat=float(street["lat"]), lon=float(street["lon"]),
            place_id=places.get(town), status="approved", registration_required=False, sequence=0,
            published_at=now, association_id=rnd.randint(1, 1000),
        ))
    return rows


def _config(n: int, tmp: str) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/match-{n}.db", "SECRET_KEY": "bench",
            "SEARCH_INDEX_DIR": f"{tmp}/index-{n}", "SEED_DIR": SEED_DIR, "RATELIMITS_ON": False}


def build(n: int, tmp: str) -> dict:
    """Generate and insert `n` associations and the events, then build the index."""
    print(f"\n## {n:,} associations", file=sys.stderr)
    app = create_app(_config(n, tmp))
    out: dict = {"n": n}
    rows = varied_rows(n)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_reference_data(SEED_DIR)
        db.session.commit()
        places = {p.name: p.id for p in db.session.scalars(sa.select(Place))}
        for row in rows:
            row["place_id"] = places.get(row["town"])
        conn = db.session.connection()
        for start in range(0, n, 5000):  # Core inserts: no ORM events, so no sync writes
            conn.execute(sa.insert(Association.__table__), rows[start:start + 5000])
        events = _events(EVENTS, places)
        for row in events:
            row["association_id"] = min(row["association_id"], n)
        conn.execute(sa.insert(Event.__table__), events)
        db.session.commit()
        started = time.perf_counter()
        written = rebuild(app)
        out["build_s"] = time.perf_counter() - started
        print(f"index built: {written:,} docs in {out['build_s']:.1f} s", file=sys.stderr)
        db.session.remove()
        db.engine.dispose()
    return out


def measure(n: int, tmp: str, passes: int) -> dict:
    """In a fresh process: time the households through HTTP and through the service."""
    from fællesskab.matching.services import MatchRequest, last_scored, match

    scored = []
    out: dict = {}
    app = create_app(_config(n, tmp))
    client = app.test_client()
    with app.app_context():
        out["start_rss_mb"] = memory_mb()[0]
        started = time.perf_counter()
        match(MatchRequest(lat=55.49, lon=9.47))  # the first match after start: loads the index data
        out["first_s"] = time.perf_counter() - started
        client.post("/api/v1/match", json={"address": "Kolding"})  # Flask's first request
        out["gauge_ms"] = machine_gauge()
        full, service, cpu = [], [], []
        for _ in range(passes):
            for address, lat, lon, extra in HOUSEHOLDS:
                t0 = time.perf_counter()
                response = client.post("/api/v1/match", json={"address": address, **extra})
                full.append(time.perf_counter() - t0)
                assert response.status_code == 200, response.get_data(as_text=True)[:300]
                req = MatchRequest(lat=lat, lon=lon, **extra)
                t0, c0 = time.perf_counter(), time.process_time()
                result = match(req)
                service.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
                assert result.results
        for _address, lat, lon, extra in HOUSEHOLDS:
            match(MatchRequest(lat=lat, lon=lon, **extra))
            scored.append(last_scored.get())
        out["full"], out["service"], out["cpu"] = summarise(full), summarise(service), summarise(cpu)
        out["max_ms"] = max(full) * 1000
        out["scored_median"] = statistics.median(scored)
        out["scored_max"] = max(scored)
        out["rss_mb"], out["peak_mb"] = memory_mb()
    print(f"{n}: {out}", file=sys.stderr)
    return out


def run_size(n: int, passes: int, tmp: str) -> dict:
    out = build(n, tmp)
    child = subprocess.run([sys.executable, os.path.abspath(__file__), "--measure", str(n), "--tmp", tmp,
                            "--passes", str(passes)], check=True, capture_output=True, text=True)
    sys.stderr.write(child.stderr)
    out.update(json.loads(child.stdout))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.tmp, args.passes)))
        return
    results = []
    tmp = tempfile.mkdtemp(prefix="bench-match-")
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            results.append(run_size(n, args.passes, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("| associations | requests | full request `POST /api/v1/match`: median / p95 (max) ms "
          "| service `match()`: median / p95 ms | its CPU: median / p95 ms | associations scored: median (max) "
          "| first match after start | process RSS: start / end (peak) | machine gauge |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['n']:,} | {len(HOUSEHOLDS) * args.passes} | {r['full'][0]:.1f} / {r['full'][1]:.1f} "
              f"({r['max_ms']:.0f}) | {r['service'][0]:.1f} / {r['service'][1]:.1f} "
              f"| {r['cpu'][0]:.1f} / {r['cpu'][1]:.1f} "
              f"| {r['scored_median']:.0f} ({r['scored_max']}) | {r['first_s'] * 1000:.0f} ms "
              f"| {r['start_rss_mb']:.0f} / {r['rss_mb']:.0f} ({r['peak_mb']:.0f}) MiB | {r['gauge_ms']:.1f} ms |")


if __name__ == "__main__":
    main()
