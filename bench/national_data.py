"""The national-scale data set for `bench/national.py`.

Associations come from `bench/search.py:varied_rows` (Danish names and text
over the real Kolding street list), cases from `bench/inbox.py:build`, and
events are generated here in the same style. Every row sits on a real Danish
street coordinate; all of Denmark's associations packed into one
municipality's streets is denser than reality, so geo queries and matching
see more candidates per kilometre than they would nationally (a harder test).
"""
from __future__ import annotations

import csv
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from bench.datagen import ACTIVITIES, load_streets
from bench.search import DAYS, GROUPS, varied_rows
from fællesskab.directory.models import Association
from fællesskab.events.models import Event
from fællesskab.extensions import db
from fællesskab.places.models import Place
from fællesskab.places.services import load_reference_data, upsert_forum

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED_DIR = os.path.join(REPO, "seed")
PASSWORD = "bench password 123"
COORDINATOR = "koordinator0@example.org"

EVENT_KINDS = ["welcome-meeting", "open-house", "social", "activity", "fair", "activity", "social"]
EVENT_TITLES = [
    "Velkomstmøde for nye borgere i {town}", "Åbent hus: prøv {a} i {town}", "Prøvetræning i {a} for {group}",
    "Fællesspisning i {town}", "{A} for begyndere – første gang gratis", "Foreningsdag i {town}",
    "Kaffe og kage for tilflyttere i {town}", "Sommerfest med {a} og musik", "{A}: turnering for {group}",
    "Byvandring i {town} for nye borgere",
]
EVENT_TEXT = [
    "Kom og vær med – nye borgere er særligt velkomne.", "Vi byder på kaffe, og der er plads til børn.",
    "Tilmelding er ikke nødvendig; mød bare op.", "Arrangementet foregår på dansk og engelsk.",
    "Tag gerne naboen med.", "Vi mødes {day} kl. {time} ved indgangen.",
    "Udstyr kan lånes, og det koster ikke noget at prøve.", "Der er gratis parkering ved hallen.",
]


def event_rows(n: int, n_associations: int, places: dict[str, int], *, seed: int = 2026) -> list[dict]:
    rnd = random.Random(seed)
    streets = load_streets()
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    acts = [a for values in ACTIVITIES.values() for a in values]
    rows = []
    for i in range(1, n + 1):
        street = rnd.choice(streets)
        town = street["locality"] or street["postal_district"]
        a = rnd.choice(acts)
        slots = dict(a=a, A=a.capitalize(), town=town, group=rnd.choice(GROUPS), day=rnd.choice(DAYS),
                     time=f"{rnd.randint(9, 20)}.{rnd.choice(['00', '30'])}")
        starts = now + timedelta(days=rnd.randint(-30, 240), hours=rnd.randint(8, 20))
        weekly = rnd.random() < 0.05
        rows.append(dict(
            external_id=f"NE-{i:06d}", title=f"{rnd.choice(EVENT_TITLES).format(**slots)} {i}"[:200],
            description=" ".join(rnd.sample(EVENT_TEXT, k=3)).format(**slots), kind=rnd.choice(EVENT_KINDS),
            starts_at=starts, ends_at=starts + timedelta(hours=2), recurrence="weekly" if weekly else None,
            repeat_until=(starts + timedelta(days=90)).date() if weekly else None,
            address=f"{street['street']} {rnd.randint(1, 120)}", town=town, postcode=street["postcode"],
            lat=float(street["lat"]), lon=float(street["lon"]), place_id=places.get(town),
            status="approved" if rnd.random() < 0.97 else "pending", registration_required=rnd.random() < 0.2,
            sequence=0, published_at=now, association_id=rnd.randint(1, n_associations),
            created_at=now, updated_at=now,
        ))
    return rows


def build(associations: int, events: int, cases: int) -> dict:
    """Fill the app's (empty) database; return the seconds each part took. Needs an app context."""
    from bench.inbox import build as build_cases
    from fællesskab.accounts.services import create_user

    out = {}
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
    places = {p.name: p.id for p in db.session.scalars(sa.select(Place))}

    started = time.perf_counter()
    rows = varied_rows(associations)
    now = datetime.now(timezone.utc)
    for row in rows:
        row.update(place_id=places.get(row["town"]), created_at=now, updated_at=now)
    conn = db.session.connection()
    for start in range(0, len(rows), 5000):  # Core inserts: no ORM events, so no sync writes
        conn.execute(sa.insert(Association.__table__), rows[start:start + 5000])
    out["associations_s"] = time.perf_counter() - started
    _log(f"inserted {associations:,} associations in {out['associations_s']:.0f} s")

    started = time.perf_counter()
    erows = event_rows(events, associations, places)
    for start in range(0, len(erows), 5000):
        conn.execute(sa.insert(Event.__table__), erows[start:start + 5000])
    db.session.commit()
    out["events_s"] = time.perf_counter() - started
    _log(f"inserted {events:,} events in {out['events_s']:.0f} s")

    started = time.perf_counter()
    build_cases(cases, [u.id for u in users])  # commits and ANALYZEs
    out["cases_s"] = time.perf_counter() - started
    _log(f"inserted {cases:,} cases in {out['cases_s']:.0f} s")
    return out


def sample_slugs(k: int, *, seed: int = 5) -> list[str]:
    """`k` published associations' slugs, spread over the table."""
    n = db.session.scalar(sa.select(sa.func.max(Association.id)))
    ids = random.Random(seed).sample(range(1, n + 1), k=min(k, n))
    return list(db.session.scalars(sa.select(Association.slug).where(Association.id.in_(ids))))


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
