"""Benchmark: the coordinator's inbox at 50,000 cases (issue 7: "pagination that holds at 50,000").

Run: `.venv/bin/python bench/inbox.py` (BENCH_CASES=50000 by default). Builds a
fresh SQLite file — and, when BENCH_DATABASE_URL is set, a PostgreSQL database —
with 50,000 consenting newcomers and their cases (plus 10 % without consent,
who have no case), spread over the municipality's places, forum areas,
statuses, languages, coordinators and next-action dates. Then it times whole
GET requests of the inbox through the Flask test client as a logged-in
coordinator (query, counts per status, rendering, the audit row and its
commit), for typical filters and pages. Prints a Markdown table for
docs/performance.md.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402

from bench.timing import percentile  # noqa: E402
from fællesskab import create_app  # noqa: E402
from fællesskab.core.text import name_key  # noqa: E402
from fællesskab.extensions import db  # noqa: E402
from fællesskab.geo.reference import load_reference_data  # noqa: E402
from fællesskab.places.models import Forum, Place  # noqa: E402

CASES = int(os.environ.get("BENCH_CASES", "50000"))
RUNS = int(os.environ.get("BENCH_RUNS", "25"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED_DIR = os.path.join(ROOT, "seed")
PASSWORD = "bench password 123"

FIRST = ["Anna", "Mette", "Sofie", "Ida", "Emma", "Laura", "Maria", "Olena", "Priya", "Karin", "Lars", "Jens",
         "Peter", "Mikkel", "Søren", "Ahmad", "James", "Marek", "Tomás", "Jonas", "Frederik", "Line", "Camilla"]
LAST = ["Hansen", "Jensen", "Nielsen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
        "Kovalenko", "Nowak", "García", "Raman", "Karimi", "Holm", "Lund", "Bach", "Winther", "Schmidt", "Møller"]
LANGS = ["da"] * 6 + ["en"] * 3 + ["uk", "pl", "de", "ar", "ro", "es"]
STATUS_WEIGHTS = {"new": 20, "contacted": 15, "matched": 15, "handed_over": 10, "followed_up": 8, "anchored": 17,
                  "declined": 10, "unreachable": 5}
CLOSED = {"anchored", "declined", "unreachable"}


def build(count: int, coordinator_ids: list[int]) -> None:
    """Insert `count` consenting newcomers with cases and count/10 without, in bulk (executemany)."""
    from fællesskab.outreach.models import Case, Newcomer, NewcomerLanguage

    rng = random.Random(7)
    places = list(db.session.scalars(sa.select(Place)))
    forum_of = {}
    for forum in db.session.scalars(sa.select(Forum)):
        for place in forum.places:
            forum_of.setdefault(place.id, forum.id)
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    today = date.today()
    now = datetime.now(UTC)
    newcomers, cases, languages = [], [], []
    total = count + count // 10
    for i in range(1, total + 1):
        consenting = i <= count
        place = rng.choice(places)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        kids = sorted(rng.randrange(0, 18) for _ in range(rng.choice([0, 0, 1, 2, 3])))
        langs = sorted({rng.choice(LANGS) for _ in range(rng.choice([1, 1, 2]))})
        created = now - timedelta(days=rng.randrange(0, 400), minutes=rng.randrange(0, 1440))
        newcomers.append({
            "id": i, "external_id": f"B-{i}", "source": rng.choice(["import", "import", "journey", "self"]),
            "name": name if consenting else None, "search_name": name_key(name) if consenting else None,
            "email": f"person{i}@example.org" if consenting else None, "phone": None, "address": None,
            "postcode": place.postcode, "town": place.postal_district, "lat": place.lat if consenting else None,
            "lon": place.lon if consenting else None, "location_precision": "locality" if consenting else None,
            "place_id": place.id, "move_in_date": (created - timedelta(days=rng.randrange(0, 60))).date(),
            "adults": rng.choice([1, 2, 2, 2, 3]), "children_ages": kids, "languages": langs, "interests": [],
            "preferred_language": "da" if "da" in langs else "en", "consent_contact": consenting,
            "consent_handover": False, "erased_at": None, "created_at": created, "updated_at": created,
        })
        languages.extend({"newcomer_id": i, "code": code} for code in langs)
        if not consenting:
            continue
        status = rng.choices(statuses, weights)[0]
        closed = status in CLOSED
        cases.append({
            "id": i, "newcomer_id": i, "status": status, "is_closed": closed, "is_contactable": True,
            "assigned_to_id": rng.choice(coordinator_ids + [None, None]), "place_id": place.id,
            "forum_id": forum_of.get(place.id), "handed_to_forum_id": None, "has_children": bool(kids),
            "next_action_on": None if closed else today + timedelta(days=rng.randrange(-30, 60)),
            "status_changed_at": created, "closed_at": created if closed else None, "suggestions": None,
            "suggestions_at": None, "welcome_draft": None, "created_at": created, "updated_at": created,
        })
    for start in range(0, len(newcomers), 5000):
        db.session.execute(sa.insert(Newcomer), newcomers[start:start + 5000])
    for start in range(0, len(languages), 5000):
        db.session.execute(sa.insert(NewcomerLanguage), languages[start:start + 5000])
    for start in range(0, len(cases), 5000):
        db.session.execute(sa.insert(Case), cases[start:start + 5000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences on, and refresh statistics
        for table in ("newcomers", "cases"):
            db.session.execute(sa.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


SCENARIOS = [
    ("open cases, next action first (default), page 1", ""),
    ("open cases, page 400 (offset 19,950)", "?page=400"),
    ("status = matched", "?status=matched"),
    ("place = Christiansfeld", "?sted=christiansfeld"),
    ("forum area + households with children", "?forum=vamdrup-byforum&boern=1"),
    ("language = Ukrainian", "?sprog=uk"),
    ("mine + due", "?mine=1&frist=forfaldne"),
    ("search name 'hansen'", "?q=hansen"),
    ("all statuses, sorted by name, page 100", "?status=alle&sortering=navn&page=100"),
    ("all statuses, latest move-in, last page", "?status=alle&sortering=indflytning&page=1100"),
]


def run(url: str, label: str) -> list[tuple[str, str, float, float, int]]:
    import csv

    from fællesskab.accounts.services import create_user
    from fællesskab.places.services import upsert_forum

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SEARCH_INDEX_DIR": tempfile.mkdtemp(prefix="bench-inbox-idx-"), "TESTING": False})
    out = []
    with app.app_context():
        db.drop_all()
        db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.create_all()
        load_reference_data(SEED_DIR)
        with open(os.path.join(SEED_DIR, "demo", "forums.csv"), encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                upsert_forum({**row, "is_trusted": False, "places": row["places"].split(";")})
        users = [create_user(f"koordinator{i}@example.org", "coordinator", PASSWORD, name=f"Koordinator {i}")
                 for i in range(3)]
        db.session.commit()
        started = time.perf_counter()
        build(CASES, [u.id for u in users])
        built = time.perf_counter() - started
        print(f"{label}: built {CASES:,} cases (+{CASES // 10:,} without consent) in {built:.1f} s", file=sys.stderr)
        email = users[0].email
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    for name, query in SCENARIOS:
        client.get("/koordinator/tilflyttere/" + query)  # warm up
        times = []
        rows = 0
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get("/koordinator/tilflyttere/" + query)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (query, response.status_code)
            rows = response.get_data(as_text=True).count('name="sag"')
        times.sort()
        p95 = percentile(times, 0.95)
        out.append((label, name, statistics.median(times), p95, rows))
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    return out


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results += run(f"sqlite:///{tmp}/bench-inbox.db", "SQLite")
    if os.environ.get("BENCH_DATABASE_URL"):
        from fællesskab.config import normalise_database_url

        results += run(normalise_database_url(os.environ["BENCH_DATABASE_URL"]), "PostgreSQL")
    print(f"| database | inbox request ({CASES:,} cases) | rows | median ms | p95 ms |")
    print("| --- | --- | ---: | ---: | ---: |")
    for label, name, median, p95, rows in results:
        print(f"| {label} | {name} | {rows} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
