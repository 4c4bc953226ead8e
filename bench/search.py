"""Benchmark search at 10,000 and 100,000 associations (Search issue; docs/performance.md).

Run: `.venv/bin/python bench/search.py` (options: --sizes 10000,100000 --passes 5).

For each size it generates associations with varied Danish text (building
blocks from bench/datagen.py plus more sentence patterns), inserts them into a
fresh SQLite database (bypassing the sync hooks), then measures:

* index build: `search reindex` (rebuild from the database), index size on disk;
* in a new process (as a web worker after a restart), latency, median and p95
  over every query of a class repeated `--passes` times, for 1-word, 2-word,
  fuzzy, filtered and geo queries:
  - full: `GET /api/v1/search` through the Flask test client (parsing,
    thesaurus, facets, distance, JSON);
  - page: the search page `GET /soeg` with the same parameters (the HTML
    results page with its facets and highlighted snippets);
  - for both, also the process's CPU time (steadier on a shared machine:
    waiting for a core is not counted);
  - raw: the same text match + filters + BM25F ranking of the top 20 on the
    index, without facets or HTTP;
  - FTS5: SQLite FTS5 (unicode61 tokenizer, bm25 with the same column
    weights) over the same texts, ranking the top 20 — the baseline;
* that process's memory (RSS at start, after the queries, and its peak).

Prints Markdown tables.
"""
from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402

from bench.datagen import ACTIVITIES, KINDS, TARGETS, load_streets  # noqa: E402
from bench.timing import dir_size_mb, memory_mb, summarise  # noqa: E402,F401
from fællesskab import create_app  # noqa: E402
from fællesskab.core.text import slugify  # noqa: E402
from fællesskab.directory.models import Association  # noqa: E402
from fællesskab.extensions import db  # noqa: E402
from fællesskab.geo.reference import load_reference_data  # noqa: E402
from fællesskab.places.models import Place  # noqa: E402
from fællesskab.search import get_index, rebuild  # noqa: E402
from fællesskab.search.documents import CATEGORY_WORDS, TARGET_GROUP_WORDS  # noqa: E402
from fællesskab.search.params import parse_params  # noqa: E402
from fællesskab.search.query import match, parse, score  # noqa: E402
from fællesskab.search.services import Location, _facet_filters, _fixed_filters, _near  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED_DIR = os.path.join(REPO, "seed")
FTS_WEIGHTS = (5.0, 3.0, 2.0, 1.0, 2.0, 1.0)  # the same as schema.FIELD_WEIGHTS

# --- varied Danish text --------------------------------------------------------------

SUMMARIES = [
    "{A} for alle i {town}.", "Vi mødes til {a} hver {day} i {town}.", "{A} og {b} for {group}.",
    "Hyggeligt fællesskab om {a} – nye er velkomne.", "{A} for begyndere og øvede i {town} og omegn.",
    "Foreningen for {a} i {town}.", "Kom og prøv {a} – første gang er gratis.",
    "{A}, {b} og godt selskab for {group}.",
]
SENTENCES = [
    "Vi mødes hver {day} kl. {time}, og bagefter drikker vi kaffe sammen.",
    "Foreningen er for alle, uanset erfaring og alder.",
    "Ny i byen? Kom og prøv en gratis gang – vi glæder os til at møde dig.",
    "Vi er en lille, hyggelig flok, der holder af {a} og godt selskab.",
    "Hos os er der plads til både begyndere og øvede, og ingen skal præstere.",
    "Vi træner {a} {day} og torsdag, og om sommeren rykker vi udendørs.",
    "Medlemmerne arrangerer også ture, fællesspisning og en årlig sommerfest i {town}.",
    "Instruktørerne er frivillige og har mange års erfaring med {a} og {b}.",
    "Vi har hold for børn, unge og voksne, og du kan starte når som helst.",
    "Det koster ikke noget at prøve, og udstyr kan lånes.",
    "Mange af vores medlemmer er flyttet til {town} for nylig og kendte ingen, da de startede.",
    "Om vinteren holder vi til i hallen, og om sommeren på banerne ved skolen.",
    "Vi samarbejder med skolen og biblioteket i {town} om aktiviteter for {group}.",
    "Kontingentet er lavt, og der er rabat for familier og studerende.",
    "Vi taler også engelsk, hvis du er ny i Danmark.",
    "Efter sæsonen holder vi afslutning med mad, musik og præmier.",
    "Du behøver ikke kunne noget på forhånd – vi lærer dig det grundlæggende i {a}.",
    "Der er ofte stævner og turneringer i weekenderne, men det er frivilligt at deltage.",
    "Skriv til os, eller mød bare op.", "Se mødetiderne herunder, og kom forbi.",
    "Kontakt formanden, hvis du har spørgsmål om {a}.",
]
DAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
GROUPS = ["børn", "unge", "voksne", "seniorer", "familier", "piger", "drenge", "tilflyttere", "alle aldre"]
NAME_PATTERNS = ["{town} {A}{kind}", "{town} {A} {Kind}", "{A}klubben {town}", "{town}s {A}venner",
                 "{Kind}et for {a} i {town}", "{A} & {B} {town}"]


def varied_rows(n: int, *, seed: int = 621) -> list[dict]:
    """Association column values for `n` rows (ready for a bulk insert)."""
    rnd = random.Random(seed)
    streets = load_streets()
    rows = []
    for i in range(1, n + 1):
        category = rnd.choice(list(ACTIVITIES))
        acts = rnd.sample(ACTIVITIES[category], k=min(len(ACTIVITIES[category]), rnd.randint(1, 3)))
        a, b = acts[0], acts[-1] if len(acts) > 1 else rnd.choice(ACTIVITIES[rnd.choice(list(ACTIVITIES))])
        street = rnd.choice(streets)
        town = street["locality"] or street["postal_district"]
        kind = rnd.choice(KINDS)
        slots = dict(a=a, b=b, A=a.capitalize(), B=b.capitalize(), town=town, kind=kind.lower(), Kind=kind,
                     day=rnd.choice(DAYS), time=f"{rnd.randint(9, 20)}.{rnd.choice(['00', '30'])}",
                     group=rnd.choice(GROUPS))
        name = f"{rnd.choice(NAME_PATTERNS).format(**slots)} {i}"
        text = " ".join(rnd.sample(SENTENCES, k=rnd.randint(3, 6))).format(**slots)
        age_min = rnd.choice([None, None, 6, 13, 18, 60])
        age_max = None if age_min in (None, 60) else age_min + rnd.choice([4, 6, 40])
        rows.append(dict(
            external_id=f"S-{i:06d}", slug=f"{slugify(name)}-{i}"[:100], name=name,
            summary=rnd.choice(SUMMARIES).format(**slots), description=text, category=category,
            tags=acts + rnd.sample(["motion", "fællesskab", "hygge", "begyndere", "konkurrence"], k=1),
            target_groups=rnd.sample(TARGETS, k=rnd.randint(1, 3)), age_min=age_min, age_max=age_max,
            languages=rnd.choice([["da"], ["da"], ["da"], ["da", "en"], ["en"]]),
            address=f"{street['street']} {rnd.randint(1, 120)}", postcode=street["postcode"], town=town,
            lat=float(street["lat"]), lon=float(street["lon"]), welcomes_newcomers=rnd.random() < .6,
            status="published",
        ))
    return rows


# --- queries -------------------------------------------------------------------------

ONE_WORD = ["fodbold", "kor", "yoga", "svømning", "spejder", "badminton", "strik", "teater", "skak",
            "petanque", "keramik", "løb", "foredrag", "bridge"]
TWO_WORD = ["fodbold vamdrup", "kor kolding", "yoga christiansfeld", "svømning børn", "spejder lunderskov",
            "strik hækling", "teater unge", "løb begyndere", "badminton almind", "skak seniorer"]
FUZZY = ["badmintin", "fodbld", "svømnig", "gymnastk", "keramk", "spejdr", "petanqe", "hækkling",
         "volleybal", "litteratr"]
FILTERED = [("fodbold", {"category": "sport", "age": "9"}), ("kor", {"target_group": "adults"}),
            ("svømning", {"category": "sport", "newcomers": "1"}), ("spejder", {"age": "10"}),
            ("yoga", {"language": "en"}), ("strik", {"target_group": "seniors"}),
            ("teater", {"category": "culture"}), ("løb", {"type": "association", "age": "30"})]
PLACES = {"Kolding": (55.4904, 9.4722), "Vamdrup": (55.4276, 9.2843), "Christiansfeld": (55.3570, 9.4830),
          "Lunderskov": (55.4833, 9.3000), "Almind": (55.5640, 9.4430)}
GEO = [(q, {"lat": f"{lat:.4f}", "lon": f"{lon:.4f}", "radius_km": r})
       for (q, r), (lat, lon) in zip(
           [("fodbold", "10"), ("kor", "15"), ("svømning", "5"), ("spejder", "10"), ("badminton", "20")],
           PLACES.values(), strict=True)]

CLASSES = {
    "1-word": [(q, {}) for q in ONE_WORD],
    "2-word": [(q, {}) for q in TWO_WORD],
    "fuzzy": [(q, {}) for q in FUZZY],
    "filtered": FILTERED,
    "geo": GEO,
}
FTS_FILTERS = {"category": "category = ?", "target_group": "target_groups LIKE '%' || ? || '%'",
               "language": "languages LIKE '%' || ? || '%'"}


def fts_query(q: str, params: dict) -> tuple[str, list]:
    """The closest FTS5 equivalent: all words (no stemming, no compounds), prefix for fuzzy."""
    words = q.split()
    if q in FUZZY:
        words = [q[:4] + "*"]
    match_expr = " AND ".join(w if w.endswith("*") else f'"{w}"' for w in words)
    where, args = ["fts MATCH ?"], [match_expr]
    for key, value in params.items():
        if key in FTS_FILTERS:
            where.append(FTS_FILTERS[key])
            args.append(value)
        elif key == "age":
            where.append("(age_min IS NULL OR age_min <= ?) AND (age_max IS NULL OR age_max >= ?)")
            args += [int(value), int(value)]
        elif key == "newcomers":
            where.append("newcomers = 1")
    if "lat" in params:
        lat, lon, r = float(params["lat"]), float(params["lon"]), float(params["radius_km"])
        dlat, dlon = r / 111.32, r / (111.32 * 0.566)
        where.append("lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?")
        args += [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    sql = f"SELECT rowid FROM fts WHERE {' AND '.join(where)} ORDER BY bm25(fts, {weights}) LIMIT 20"
    return sql, args


# --- measuring -----------------------------------------------------------------------


def raw_search(app, q: str, params: dict, *, cold: bool = False) -> list[int]:
    """Text match + filters + top-20 BM25F on the index (no facets, no HTTP).

    cold: forget the decoded postings first (as after a commit).
    """
    p = parse_params(_Args({"q": q, **params}))
    index = get_index(app)
    with index.reading() as (searcher, snap):
        if cold:  # as in a new process: nothing decoded yet
            snap.forget_postings()
        reader = searcher.reader()
        parsed = parse(p.q, reader, snap)
        mask = match(parsed, reader, snap) & _fixed_filters(snap, p)
        if p.lat is not None:
            mask, _d = _near(snap, mask, Location(p.lat, p.lon, "", ""), p.radius_km)
        for fmask in _facet_filters(snap, p).values():
            mask &= fmask
        scores = score(parsed, reader, snap, mask)
        return heapq.nlargest(20, scores, key=scores.__getitem__)


class _Args(dict):
    def getlist(self, key):
        return [self[key]] if key in self else []


def build(n: int, tmp: str) -> tuple[dict, list[dict]]:
    """Generate and insert `n` associations, then build the index; return figures and rows."""
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
        db.session.commit()
        print(f"inserted {n:,} rows", file=sys.stderr)
        started = time.perf_counter()
        written = rebuild(app)
        out["build_s"] = time.perf_counter() - started
        out["size_mb"] = dir_size_mb(f"{tmp}/index-{n}")
        print(f"index built: {written:,} docs in {out['build_s']:.1f} s", file=sys.stderr)
        db.session.remove()
        db.engine.dispose()
    return out, rows


def _config(n: int, tmp: str) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench-{n}.db", "SECRET_KEY": "bench",
            "SEARCH_INDEX_DIR": f"{tmp}/index-{n}", "SEED_DIR": SEED_DIR,
            "RATELIMITS_ON": False}  # one client sends every request: the page's per-address limit would answer 429


def measure(n: int, tmp: str, passes: int) -> dict:
    """In a fresh process, as a web worker after a restart: time every query class."""
    out: dict = {}
    app = create_app(_config(n, tmp))
    with app.app_context():
        out["start_rss_mb"] = memory_mb()[0]
        started = time.perf_counter()
        raw_search(app, "fodbold", {})  # first search after start: loads the segments' data
        out["first_s"] = time.perf_counter() - started
        client = app.test_client()
        client.get("/api/v1/search?q=kor")  # Flask's first request
        for label, queries in CLASSES.items():
            full, full_cpu, page, page_cpu, raw, cold = [], [], [], [], [], []
            for _ in range(passes):
                for q, params in queries:
                    query = urlencode({"q": q, **params})
                    t0, c0 = time.perf_counter(), time.process_time()
                    response = client.get("/api/v1/search?" + query)
                    full.append(time.perf_counter() - t0)
                    full_cpu.append(time.process_time() - c0)
                    assert response.status_code == 200, response.get_data(as_text=True)[:300]
                    t0, c0 = time.perf_counter(), time.process_time()
                    response = client.get("/soeg?" + query)
                    page.append(time.perf_counter() - t0)
                    page_cpu.append(time.process_time() - c0)
                    assert response.status_code == 200, response.get_data(as_text=True)[:300]
                    t0 = time.perf_counter()
                    raw_search(app, q, params)
                    raw.append(time.perf_counter() - t0)
            for _ in range(passes):  # last: it empties the caches the others would use
                for q, params in queries:
                    t0 = time.perf_counter()
                    raw_search(app, q, params, cold=True)
                    cold.append(time.perf_counter() - t0)
            out[label] = {"full": summarise(full), "full_cpu": summarise(full_cpu), "page": summarise(page),
                          "page_cpu": summarise(page_cpu), "raw": summarise(raw), "cold": summarise(cold)}
            print(f"{label}: {out[label]}", file=sys.stderr)
        out["rss_mb"], out["peak_mb"] = memory_mb()
    return out


def run_size(n: int, passes: int, tmp: str) -> dict:
    out, rows = build(n, tmp)
    child = subprocess.run([sys.executable, os.path.abspath(__file__), "--measure", str(n), "--tmp", tmp,
                            "--passes", str(passes)], check=True, capture_output=True, text=True)
    sys.stderr.write(child.stderr)
    measured = json.loads(child.stdout)
    out.update({k: v for k, v in measured.items() if k not in CLASSES})
    for label in CLASSES:
        for kind, value in measured[label].items():
            out[(label, kind)] = tuple(value)

    # The baseline: SQLite FTS5 over the same texts.
    fts = sqlite3.connect(":memory:")
    fts.execute("CREATE VIRTUAL TABLE fts USING fts5(name, tags, summary, description, place, meta, "
                "category UNINDEXED, target_groups UNINDEXED, languages UNINDEXED, age_min UNINDEXED, "
                "age_max UNINDEXED, newcomers UNINDEXED, lat UNINDEXED, lon UNINDEXED, "
                "tokenize = 'unicode61 remove_diacritics 0')")
    started = time.perf_counter()
    fts.executemany("INSERT INTO fts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        (r["name"], " ".join(r["tags"]), r["summary"], r["description"], f"{r['town']} {r['postcode']}",
         " ".join([CATEGORY_WORDS[r["category"]]] + [TARGET_GROUP_WORDS[g] for g in r["target_groups"]]),
         r["category"], ",".join(r["target_groups"]), ",".join(r["languages"]), r["age_min"], r["age_max"],
         int(r["welcomes_newcomers"]), r["lat"], r["lon"]) for r in rows])
    fts.commit()
    out["fts_build_s"] = time.perf_counter() - started
    for label, queries in CLASSES.items():
        times = []
        for _ in range(passes):
            for q, params in queries:
                sql, args = fts_query(q, params)
                t0 = time.perf_counter()
                fts.execute(sql, args).fetchall()
                times.append(time.perf_counter() - t0)
        out[(label, "fts")] = summarise(times)
    fts.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.tmp, args.passes)))
        return
    results = []
    tmp = tempfile.mkdtemp(prefix="bench-search-")
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            results.append(run_size(n, args.passes, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("| associations | index build | index size | FTS5 build | first search after start "
          "| process RSS: at start / after queries (peak) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r['n']:,} | {r['build_s']:.1f} s | {r['size_mb']:.0f} MB | {r['fts_build_s']:.1f} s "
              f"| {r['first_s'] * 1000:.0f} ms "
              f"| {r['start_rss_mb']:.0f} / {r['rss_mb']:.0f} ({r['peak_mb']:.0f}) MiB |")
    print()
    print("| associations | measured | " + " | ".join(CLASSES) + " |")
    print("| ---: | --- | " + " | ".join("---:" for _ in CLASSES) + " |")
    names = {"full": "full request (`/api/v1/search`)", "full_cpu": "its CPU time",
             "page": "search page (`/soeg`)", "page_cpu": "its CPU time",
             "raw": "raw index query (Whoosh)",
             "cold": "raw index query, postings not cached", "fts": "SQLite FTS5 baseline"}
    for r in results:
        for kind in ("full", "full_cpu", "page", "page_cpu", "raw", "cold", "fts"):
            cells = [f"{r[(c, kind)][0]:.1f} / {r[(c, kind)][1]:.1f}" for c in CLASSES]
            print(f"| {r['n']:,} | {names[kind]} | " + " | ".join(cells) + " |")
    print("\nCells: median / p95 in milliseconds.")


if __name__ == "__main__":
    main()
