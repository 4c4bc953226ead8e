"""Benchmark the *quality* of newcomer matching (issue 20): nDCG@10 and recall@10.

Run: `.venv/bin/python bench/match_quality.py` (options: `--verbose` prints each household).

A directory of about 330 associations and 40 events is generated around the real
places of Kolding Kommune (`seed/places`): clubs named after one activity
("Lunderskov Rideklub"), multi-sport clubs, residents' associations, language
communities (English, Ukrainian, Arabic), children's, adults' and seniors' listings,
and welcome meetings in the villages. 64 households of our own making (families,
babies, couples, seniors; Danish-, English-, Ukrainian- and Arabic-speaking; in
Kolding and in villages; one to three interests, in Danish or English, typed or a
ticked category) are matched through `matching.services.match`.

Each result is graded by the ranking contract of docs/matching.md — from what the
generator *knows* each listing is about, never from the code's own score:

* 0: beyond `max_km`; a children's listing no child fits; a listing that shares no
  language with a household without Danish and does not say newcomers are welcome;
  with interests named, a listing that matches none of them (it belongs in "others").
* With interests named: 3 for a listing that matches a typed word, +1 for each further
  named interest it matches; 1 for one that only falls in a ticked category. Then × 1
  within 5 km, × 0.75 within 10 km, × 0.5 further; × 0.8 for an adults' listing for a
  family with children.
* A welcome meeting in the household's own town: 3, whether or not interests are
  named (rule 6).
* No interests named: 0.5 × the distance factor for a welcome meeting elsewhere; else 1
  (2 when the listing is explicitly for the children's ages or welcomes newcomers),
  × the same distance factor.

nDCG@10 uses the linear gain over the ideal order of every graded listing; recall@10
counts the listings of the best grade class (a typed match, or without interests a
grade ≥ 1) found in the top 10, out of min(10, how many there are). "covered" is the
share of households with several interests whose top 10 holds a match for every
interest that has one within reach (rule 2).
"""
from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import sqlalchemy as sa  # noqa: E402

from fællesskab import create_app  # noqa: E402
from fællesskab.directory.models import Association  # noqa: E402
from fællesskab.events.models import Event  # noqa: E402
from fællesskab.extensions import db  # noqa: E402
from fællesskab.geo.distance import haversine_km  # noqa: E402
from fællesskab.geo.reference import load_reference_data  # noqa: E402
from fællesskab.places.models import Place  # noqa: E402
from fællesskab.search import rebuild  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED_DIR = os.path.join(REPO, "seed")

# concept: (category, Danish word, English word, club name, extra tags)
CONCEPTS = {
    "swim": ("sport", "svømning", "swimming", "Svømmeklub", ["motion"]),
    "football": ("sport", "fodbold", "football", "Fodboldklub", []),
    "handball": ("sport", "håndbold", "handball", "Håndboldklub", []),
    "badminton": ("sport", "badminton", "badminton", "Badmintonklub", []),
    "riding": ("sport", "ridning", "riding", "Rideklub", ["heste"]),
    "cycling": ("sport", "cykling", "cycling", "Cykelklub", ["landevej"]),
    "running": ("sport", "løb", "running", "Løbeklub", ["motion"]),
    "choir": ("music", "kor", "choir", "Kor", ["sang"]),
    "scouts": ("nature", "spejder", "scouts", "Spejdergruppe", ["friluftsliv"]),
    "knitting": ("creative", "strik", "knitting", "Strikkeklub", ["håndarbejde"]),
    "chess": ("hobby", "skak", "chess", "Skakklub", ["brætspil"]),
    "yoga": ("health", "yoga", "yoga", "Yogaforening", ["motion"]),
    "theatre": ("culture", "teater", "teater", "Teaterforening", ["amatørteater"]),
    "petanque": ("seniors", "petanque", "petanque", "Petanqueklub", ["seniorer"]),
    "playgroup": ("family", "legestue", "legestue", "Legestue", ["babysalmesang"]),
    "residents": ("local-community", "borgerforening", "borgerforening", "Borgerforening", ["fællesspisning"]),
    "visiting": ("volunteering", "besøgsven", "besøgsven", "Besøgsvenner", ["frivillig"]),
}
AGE_PROFILES = {  # (age_min, age_max, target groups)
    "children": (6, 12, ["children"]), "kids-teens": (4, 17, ["children", "teens"]), "from5": (5, None, ["children"]),
    "upto12": (None, 12, ["children"]), "all": (None, None, ["children", "adults"]), "adults": (18, None, ["adults"]),
    "seniors": (60, None, ["seniors"]), "family": (None, None, ["families"]), "teens": (13, 17, ["teens"]),
}
PROFILE_BY_CONCEPT = {
    "swim": ["kids-teens", "all", "children", "adults"], "football": ["children", "from5", "adults", "all"],
    "handball": ["children", "teens", "adults"], "badminton": ["all", "adults", "kids-teens"],
    "riding": ["children", "all", "kids-teens"], "cycling": ["adults", "all"], "running": ["adults", "all"],
    "choir": ["adults", "children", "all"], "scouts": ["children", "kids-teens", "upto12"],
    "knitting": ["adults", "all"], "chess": ["all", "children", "adults"], "yoga": ["adults", "all"],
    "theatre": ["teens", "adults", "all"], "petanque": ["seniors"], "playgroup": ["family", "upto12"],
    "residents": ["all", "family"], "visiting": ["adults", "seniors"],
}
VILLAGES = ["Vamdrup", "Christiansfeld", "Lunderskov", "Sønder Bjert", "Seest", "Almind", "Viuf", "Vester Nebel",
            "Sjølund", "Hejls", "Ødis", "Jordrup", "Eltang", "Taps", "Harte", "Dalby", "Bramdrupdam", "Vonsild"]


@dataclass
class Item:
    key: str  # "association:<external_id>" / "event:<external_id>"
    concepts: set[str]
    category: str
    lat: float
    lon: float
    town: str
    age_min: int | None = None
    age_max: int | None = None
    groups: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["da"])
    welcomes: bool | None = None
    kind: str | None = None  # events


def _places() -> dict[str, tuple[float, float]]:
    import csv
    with open(os.path.join(SEED_DIR, "places", "kolding-localities.csv"), encoding="utf-8") as fh:
        return {r["name"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(fh)}


def _jitter(rnd: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    return lat + rnd.uniform(-km, km) / 111.0, lon + rnd.uniform(-km, km) / 63.0


def directory(places: dict) -> list[Item]:
    """The generated listings (deterministic)."""
    rnd = random.Random(2020)
    items: list[Item] = []
    towns = ["Kolding"] * 6 + VILLAGES + rnd.sample([p for p in places if p not in VILLAGES and p != "Kolding"], 12)
    n = 0
    for town in towns:
        lat0, lon0 = places[town]
        spread = 2.5 if town == "Kolding" else 0.8
        for concept in rnd.sample(list(CONCEPTS), k=rnd.randint(5, 9) if town != "Kolding" else 8):
            n += 1
            category = CONCEPTS[concept][0]
            lo, hi, groups = AGE_PROFILES[rnd.choice(PROFILE_BY_CONCEPT[concept])]
            lat, lon = _jitter(rnd, lat0, lon0, spread)
            items.append(Item(f"association:Q-{n:04d}", {concept}, category, lat, lon, town, lo, hi, list(groups),
                              rnd.choice([["da"], ["da"], ["da"], ["da", "en"]]),
                              rnd.choice([True, True, None, False])))
        if town != "Kolding" or n % 2:  # a multi-sport club in most towns
            n += 1
            lat, lon = _jitter(rnd, lat0, lon0, spread)
            items.append(Item(f"association:Q-{n:04d}", {"football", "handball", "badminton"}, "sport", lat, lon, town,
                              5, None, ["children", "adults"], ["da"], True))
    for lang, town in (("en", "Kolding"), ("en", "Kolding"), ("uk", "Kolding"), ("uk", "Vamdrup"), ("ar", "Kolding"),
                       ("ar", "Christiansfeld"), ("en", "Christiansfeld")):
        n += 1
        lat, lon = _jitter(rnd, *places[town], 1.0)
        items.append(Item(f"association:Q-{n:04d}", {"community"}, "international", lat, lon, town, None, None,
                          ["internationals", "families"], [lang, "da"], True))
    for concept, town in (("choir", "Kolding"), ("yoga", "Kolding"), ("football", "Kolding"), ("chess", "Seest")):
        n += 1
        lat, lon = _jitter(rnd, *places[town], 2.0)
        items.append(Item(f"association:Q-{n:04d}", {concept}, CONCEPTS[concept][0], lat, lon, town, 18, None,
                          ["adults", "internationals"], ["en"], True))
    m = 0
    for town in VILLAGES:  # a welcome meeting in each village
        m += 1
        lat, lon = _jitter(rnd, *places[town], 0.3)
        items.append(Item(f"event:QE-{m:03d}", set(), "local-community", lat, lon, town, kind="welcome-meeting"))
    hosts = [i for i in items if i.key.startswith("association:") and i.category == "sport"][:20:2]
    for host in hosts:  # trial sessions of sports clubs
        m += 1
        items.append(Item(f"event:QE-{m:03d}", set(host.concepts), host.category, host.lat, host.lon, host.town,
                          host.age_min, host.age_max, host.groups, host.languages, host.welcomes, "open-house"))
        items[-1].host = host.key  # type: ignore[attr-defined]
    return items


def _name(item: Item, i: int) -> tuple[str, str, list[str]]:
    if item.concepts == {"community"}:
        word = {"en": "International Community", "uk": "Українська громада",
                "ar": "Arabisk Forening"}[item.languages[0]]
        return f"{item.town} {word}", "Fællesskab for nye i Danmark og deres familier.", ["netværk", "fællesskab"]
    if len(item.concepts) > 1:
        return f"{item.town} Idrætsforening", "Fodbold, håndbold og badminton for børn og voksne.", \
            ["fodbold", "håndbold", "badminton"]
    concept = next(iter(item.concepts))
    _cat, da, en, club, extra = CONCEPTS[concept]
    name = f"{item.town} {club}" if item.languages != ["en"] else f"Kolding {en.capitalize()} Club"
    return name, f"{da.capitalize()} i {item.town} – kom og vær med.", [da] + extra


def insert(app, items: list[Item]) -> None:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_reference_data(SEED_DIR)
        db.session.commit()
        place_ids = {p.name: p.id for p in db.session.scalars(sa.select(Place))}
        rows, ids = [], {}
        for i, item in enumerate(x for x in items if x.kind is None):
            name, summary, tags = _name(item, i)
            ext = item.key.split(":", 1)[1]
            rows.append(dict(
                external_id=ext, slug=f"{ext.lower()}", name=name, summary=summary,
                description=f"{summary} Vi mødes hver uge.", category=item.category, tags=tags,
                target_groups=item.groups, age_min=item.age_min, age_max=item.age_max, languages=item.languages,
                address="", postcode="", town=item.town, lat=item.lat, lon=item.lon, place_id=place_ids.get(item.town),
                welcomes_newcomers=item.welcomes, status="published"))
        conn = db.session.connection()
        conn.execute(sa.insert(Association.__table__), rows)
        ids = dict(db.session.execute(sa.select(Association.external_id, Association.id)).all())
        events = []
        for j, item in enumerate(x for x in items if x.kind is not None):
            ext = item.key.split(":", 1)[1]
            host = getattr(item, "host", None)
            starts = now + timedelta(days=5 + j % 40, hours=18)
            title = f"Velkomstmøde for nye i {item.town}" if host is None else \
                f"Prøvetræning i {item.town}: {', '.join(sorted(CONCEPTS[c][1] for c in item.concepts))}"
            events.append(dict(
                external_id=ext, title=title, description="Kom og mød byen og foreningerne. Kaffe og kage.",
                kind=item.kind, starts_at=starts, ends_at=starts + timedelta(hours=2), next_starts_at=starts,
                town=item.town, postcode="", lat=item.lat, lon=item.lon, place_id=place_ids.get(item.town),
                status="approved", registration_required=False, sequence=0, published_at=now,
                association_id=ids[host.split(":", 1)[1]] if host else None))
        conn.execute(sa.insert(Event.__table__), events)
        db.session.commit()
        rebuild(app)


# --- households ---------------------------------------------------------------------------------

def households() -> list[dict]:
    """64 households: (address, adults, children, languages, interests, max_km)."""
    raw = [
        ("Lunderskov", 2, [7], [], ["ridning", "spejder"], 15),
        ("Christiansfeld", 2, [], [], ["cykling"], 15),
        ("Kolding", 2, [4, 9], [], ["sport", "svømning"], 15),
        ("Vamdrup", 2, [8], [], ["fodbold"], 15),
        ("Vamdrup", 2, [], [], ["kor"], 15),
        ("Almind", 2, [6, 11], [], ["spejder", "svømning"], 15),
        ("Seest", 1, [], ["en"], ["chess"], 15),
        ("Kolding", 2, [], ["en"], ["choir"], 10),
        ("Kolding", 1, [], ["en"], ["yoga", "running"], 15),
        ("Kolding", 2, [0], [], ["family"], 10),
        ("Kolding", 2, [1], ["uk"], ["swimming"], 15),
        ("Vamdrup", 2, [5, 10], ["uk"], ["football"], 15),
        ("Kolding", 2, [3], ["ar"], ["svømning"], 15),
        ("Christiansfeld", 2, [7], ["ar"], ["fodbold", "svømning"], 15),
        ("Ødis", 2, [], [], ["seniors", "kor"], 15),
        ("Sønder Bjert", 2, [], [], ["petanque"], 15),
        ("Sjølund", 2, [], [], ["strik", "kor"], 15),
        ("Hejls", 2, [9], [], ["håndbold"], 20),
        ("Viuf", 2, [3, 6], [], ["legestue", "svømning"], 15),
        ("Vester Nebel", 1, [], [], ["løb"], 15),
        ("Jordrup", 2, [10], [], ["badminton", "ridning"], 15),
        ("Eltang", 2, [], [], ["teater"], 15),
        ("Taps", 2, [12], [], ["riding"], 15),
        ("Harte", 2, [8, 13], [], ["football", "scouts"], 10),
        ("Dalby", 1, [], [], ["knitting"], 15),
        ("Bramdrupdam", 2, [6], [], ["svømning", "fodbold", "spejder"], 15),
        ("Vonsild", 2, [], [], ["yoga"], 10),
        ("Kolding", 1, [], [], ["skak", "teater"], 10),
        ("Lunderskov", 2, [4], [], ["svømning"], 15),
        ("Christiansfeld", 2, [], [], ["kor", "yoga"], 15),
        ("Vamdrup", 1, [], ["en"], ["running"], 15),
        ("Almind", 2, [], [], ["cycling"], 20),
        ("Seest", 2, [5, 7], [], ["sport"], 10),
        ("Ødis", 2, [2], [], ["legestue"], 15),
        ("Sønder Bjert", 1, [], ["uk", "en"], ["yoga"], 15),
        ("Kolding", 2, [14], [], ["teater", "håndbold"], 15),
        ("Viuf", 2, [], [], ["besøgsven"], 20),
        ("Jordrup", 2, [9], [], ["fodboldklub"], 15),
        ("Hejls", 2, [], [], ["strik"], 25),
        ("Eltang", 2, [6], ["ar"], ["football", "chess"], 15),
        ("Kolding", 2, [8], [], ["ridning"], 15),
        ("Christiansfeld", 2, [11], [], ["badminton"], 15),
        ("Vamdrup", 2, [2, 6], [], ["music", "svømning"], 15),
        ("Bramdrupdam", 1, [], [], ["cykling", "løb"], 15),
        # no interests named
        ("Lunderskov", 2, [7], [], [], 15),
        ("Christiansfeld", 2, [2, 5], [], [], 15),
        ("Kolding", 2, [], ["en"], [], 10),
        ("Vamdrup", 2, [], [], [], 15),
        ("Almind", 2, [4], [], [], 15),
        ("Ødis", 2, [3, 7], [], [], 15),
        ("Sjølund", 1, [], [], [], 15),
        ("Hejls", 2, [8], [], [], 15),
        ("Viuf", 2, [], ["uk"], [], 15),
        ("Kolding", 2, [0], ["ar"], [], 10),
        ("Jordrup", 1, [], [], [], 15),
        ("Vester Nebel", 2, [10], [], [], 15),
        ("Sønder Bjert", 2, [], [], [], 15),
        ("Seest", 2, [6, 9], ["en", "da"], [], 10),
        ("Taps", 2, [], [], [], 20),
        ("Harte", 2, [1], [], [], 10),
        ("Dalby", 2, [5], [], [], 15),
        ("Eltang", 1, [], ["ar"], [], 15),
        ("Vonsild", 2, [12], [], [], 10),
        ("Bramdrupdam", 2, [], [], [], 10),
    ]
    return [dict(address=a, adults=ad, children_ages=c, languages=lang, interests=i, max_km=km)
            for a, ad, c, lang, i, km in raw]


WORDS = {}
for _concept, (_cat, _da, _en, _club, _extra) in CONCEPTS.items():
    WORDS[_da] = _concept
    WORDS[_en] = _concept
WORDS["fodboldklub"] = "football"
CATEGORY_SLUGS = {"sport", "music", "family", "seniors", "culture", "nature", "creative", "hobby", "health"}


def _dist_factor(km: float) -> float:
    return 1.0 if km <= 5 else (0.75 if km <= 10 else 0.5)


def grade(h: dict, item: Item, lat: float, lon: float, home_town: str) -> tuple[float, bool]:
    """(gain, in the best grade class) of one listing for one household, by the contract."""
    km = haversine_km(lat, lon, item.lat, item.lon)
    if km > h["max_km"]:
        return 0.0, False
    children = h["children_ages"]
    if item.kind != "welcome-meeting" and item.age_max is not None and item.age_max < 18 and \
            not any((item.age_min or 0) <= a <= item.age_max for a in children):
        return 0.0, False
    langs = h["languages"] or ["da"]
    if "da" not in langs and not set(langs) & set(item.languages) and not item.welcomes and item.kind is None:
        return 0.0, False
    adults_only = item.age_min is not None and item.age_min >= 18
    fit = 0.8 if adults_only and children else 1.0
    named = h["interests"]
    if item.kind == "welcome-meeting" and item.town == home_town and km <= 3:
        return 3.0, True  # rule 6: the welcome meeting where they live leads, whatever they named
    if named:
        typed = [WORDS.get(w) for w in named if w not in CATEGORY_SLUGS]
        ticked = [w for w in named if w in CATEGORY_SLUGS]
        m_typed = sum(1 for c in typed if c in item.concepts)
        m_cat = sum(1 for c in ticked if c == item.category)
        if not m_typed and not m_cat:
            return 0.0, False
        base = (3 + (m_typed + m_cat - 1)) if m_typed else 1
        return base * _dist_factor(km) * fit, bool(m_typed)
    if item.kind == "welcome-meeting":
        return 0.5 * _dist_factor(km), False
    explicit = item.age_min is not None or item.age_max is not None
    good = (children and explicit and not adults_only) or item.welcomes or "families" in item.groups
    g = (2.0 if good else 1.0) * _dist_factor(km) * fit
    return g, g >= 1.0


def _dcg(gains: list[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def evaluate(app, items: list[Item], places: dict, verbose: bool) -> dict:
    from fællesskab.matching.services import MatchRequest, match

    by_key = {i.key: i for i in items}
    ndcgs, recalls, covered = [], [], []
    with app.app_context():
        ext_to_key = {}
        for ext in db.session.scalars(sa.select(Association.external_id)):
            ext_to_key[ext] = f"association:{ext}"
        for ext in db.session.scalars(sa.select(Event.external_id)):
            ext_to_key[ext] = f"event:{ext}"
        for h in households():
            result = match(MatchRequest(**h, limit=10))
            lat, lon = result.location.lat, result.location.lon
            home = min(places, key=lambda p: haversine_km(lat, lon, *places[p]))
            graded = {k: grade(h, it, lat, lon, home) for k, it in by_key.items()}
            top = [ext_to_key[r.external_id] for r in result.results[:10]]
            gains = [graded[k][0] for k in top]
            ideal = sorted((g for g, _b in graded.values()), reverse=True)[:10]
            idcg = _dcg(ideal)
            ndcg = _dcg(gains) / idcg if idcg else 1.0
            best = {k for k, (g, b) in graded.items() if b and g > 0}
            recall = len(best & set(top)) / min(10, len(best)) if best else 1.0
            ndcgs.append(ndcg)
            recalls.append(recall)
            typed = [WORDS[w] for w in h["interests"] if w not in CATEGORY_SLUGS]
            if len(typed) > 1:
                reachable = [c for c in typed
                             if any(c in by_key[k].concepts and g > 0 for k, (g, _b) in graded.items())]
                covered.append(all(any(c in by_key[k].concepts for k in top) for c in reachable))
            if verbose:
                print(f"{ndcg:.2f} {recall:.2f} {h['address']:<14} {h['interests']} {h['children_ages']} "
                      f"{h['languages']}: {[round(g, 1) for g in gains]}", file=sys.stderr)
    return {"households": len(ndcgs), "ndcg@10": statistics.mean(ndcgs), "recall@10": statistics.mean(recalls),
            "covered": sum(covered) / len(covered) if covered else 1.0, "multi": len(covered),
            "listings": len(items)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-match-quality-")
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/q.db", "SECRET_KEY": "bench",
                          "SEARCH_INDEX_DIR": f"{tmp}/index", "SEED_DIR": SEED_DIR, "RATELIMITS_ON": False})
        places = _places()
        items = directory(places)
        insert(app, items)
        out = evaluate(app, items, places, args.verbose)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("| households | listings | nDCG@10 | recall@10 | every interest in the top 10 (of households with several) |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    print(f"| {out['households']} | {out['listings']} | {out['ndcg@10']:.3f} | {out['recall@10']:.3f} "
          f"| {out['covered']:.2f} (of {out['multi']}) |")


if __name__ == "__main__":
    main()
