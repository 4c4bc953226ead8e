"""The national-scale data set for `bench/national.py`.

Associations come from `bench/search.py:varied_rows` (Danish names and text
over the real Kolding street list), cases from `bench/inbox.py:build`, and
events are generated here in the same style. Every row sits on a real Danish
street coordinate of Kolding, then most rows are moved, with their street
layout, to one of 30 Danish towns (weighted roughly by population; `TOWNS`),
so the data covers the country as a national directory would, with
Kolding keeping about its share. Moved rows get that town's name and postcode
and no place (our reference places are Kolding's); their names and texts
still mention Kolding's villages.
"""
from __future__ import annotations

import csv
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.datagen import ACTIVITIES, load_streets
from bench.search import DAYS, GROUPS, varied_rows
from fællesskab.directory.models import Association
from fællesskab.events.models import Event
from fællesskab.extensions import db
from fællesskab.geo.reference import load_reference_data
from fællesskab.places.models import Place
from fællesskab.places.services import upsert_forum

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


KOLDING = (55.4904, 9.4722)
# (town, postcode, lat, lon, weight ≈ population in thousands of the municipality)
TOWNS = [
    ("København", "1550", 55.6761, 12.5683, 650), ("Aarhus", "8000", 56.1572, 10.2107, 360),
    ("Odense", "5000", 55.4038, 10.4024, 205), ("Aalborg", "9000", 57.0488, 9.9217, 220),
    ("Esbjerg", "6700", 55.4765, 8.4594, 115), ("Randers", "8900", 56.4607, 10.0364, 98),
    ("Kolding", "6000", 55.4904, 9.4722, 95), ("Horsens", "8700", 55.8607, 9.8503, 92),
    ("Vejle", "7100", 55.7093, 9.5357, 120), ("Roskilde", "4000", 55.6415, 12.0803, 90),
    ("Herning", "7400", 56.1393, 8.9738, 90), ("Silkeborg", "8600", 56.1697, 9.5451, 95),
    ("Næstved", "4700", 55.2299, 11.7609, 84), ("Fredericia", "7000", 55.5657, 9.7527, 52),
    ("Viborg", "8800", 56.4532, 9.4020, 97), ("Køge", "4600", 55.4580, 12.1821, 62),
    ("Holstebro", "7500", 56.3601, 8.6161, 59), ("Slagelse", "4200", 55.4028, 11.3546, 79),
    ("Hillerød", "3400", 55.9267, 12.3109, 52), ("Sønderborg", "6400", 54.9091, 9.7922, 73),
    ("Svendborg", "5700", 55.0598, 10.6068, 59), ("Hjørring", "9800", 57.4640, 9.9823, 64),
    ("Holbæk", "4300", 55.7175, 11.7128, 72), ("Frederikshavn", "9900", 57.4407, 10.5366, 59),
    ("Haderslev", "6100", 55.2494, 9.4875, 55), ("Skive", "7800", 56.5667, 9.0272, 46),
    ("Aabenraa", "6200", 55.0443, 9.4174, 58), ("Thisted", "7700", 56.9570, 8.6944, 43),
    ("Rønne", "3700", 55.1009, 14.7066, 39), ("Nykøbing F", "4800", 54.7691, 11.8743, 43),
]


def spread(rows: list[dict], *, seed: int) -> None:
    """Move rows from Kolding's streets to towns all over Denmark (in place)."""
    rnd = random.Random(seed)
    weights = [t[4] for t in TOWNS]
    for row in rows:
        town, postcode, lat, lon, _w = rnd.choices(TOWNS, weights=weights)[0]
        if town == "Kolding":
            continue
        row.update(lat=row["lat"] + lat - KOLDING[0], lon=row["lon"] + lon - KOLDING[1], town=town,
                   postcode=postcode, place_id=None)


def event_rows(n: int, n_associations: int, places: dict[str, int], *, seed: int = 2026) -> list[dict]:
    rnd = random.Random(seed)
    streets = load_streets()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
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
    now = datetime.now(UTC)
    for row in rows:
        row.update(place_id=places.get(row["town"]), created_at=now, updated_at=now)
    spread(rows, seed=11)
    conn = db.session.connection()
    for start in range(0, len(rows), 5000):  # Core inserts: no ORM events, so no sync writes
        conn.execute(sa.insert(Association.__table__), rows[start:start + 5000])
    out["associations_s"] = time.perf_counter() - started
    _log(f"inserted {associations:,} associations in {out['associations_s']:.0f} s")

    started = time.perf_counter()
    erows = event_rows(events, associations, places)
    spread(erows, seed=12)
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
