"""Generate realistic association rows in the CONTRACT CSV format (benchmarks only).

Names, texts and places are combined from Danish building blocks and the
reference streets in seed/places, so rows look like the real directory.
"""
from __future__ import annotations

import csv
import io
import os
import random

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ACTIVITIES = {
    "sport": ["fodbold", "håndbold", "badminton", "gymnastik", "svømning", "tennis", "padel", "løb",
              "cykling", "volleyball", "bordtennis", "atletik", "kajak", "ridning", "golf"],
    "culture": ["teater", "litteratur", "lokalhistorie", "film", "foredrag", "museum"],
    "music": ["kor", "sang", "brassband", "guitar", "folkemusik", "bigband"],
    "creative": ["strik", "hækling", "maling", "keramik", "syning", "træarbejde", "fotografi"],
    "nature": ["spejder", "friluftsliv", "fuglekig", "naturpleje", "vandring", "havebrug"],
    "volunteering": ["besøgsven", "lektiehjælp", "genbrug", "frivillig", "madhjælp"],
    "family": ["legestue", "familiesport", "babysalmesang", "forældrenetværk"],
    "seniors": ["petanque", "seniordans", "stavgang", "seniorfitness", "kortspil"],
    "local-community": ["borgerforening", "fællesspisning", "byfest", "forsamlingshus"],
    "international": ["sprogcafé", "expat", "international", "language"],
    "students": ["studenterforening", "fredagsbar", "studieliv"],
    "faith": ["menighed", "kirkekor", "bibelkreds", "meditation"],
    "health": ["yoga", "mindfulness", "rygtræning", "motion", "pilates"],
    "hobby": ["skak", "bridge", "rollespil", "modeltog", "brætspil", "lystfiskeri"],
    "networking": ["iværksætter", "erhvervsnetværk", "kvindenetværk", "mentorordning"],
}
KINDS = ["Klub", "Forening", "Idrætsforening", "Fællesskab", "Laug", "Netværk", "Gruppe", "Venner"]
OPENERS = [
    "Vi mødes hver uge og byder altid nye medlemmer velkommen.",
    "Foreningen er for alle, uanset erfaring og alder.",
    "Ny i byen? Kom og prøv en gratis gang – vi glæder os til at møde dig.",
    "Vi er en lille, hyggelig flok, der holder af {a} og godt selskab.",
    "Hos os er der plads til både begyndere og øvede.",
]
MIDDLES = [
    "Vi træner {a} tirsdag og torsdag, og bagefter drikker vi kaffe sammen.",
    "Medlemmerne arrangerer også ture, fællesspisning og en årlig sommerfest.",
    "Instruktørerne er frivillige og har mange års erfaring med {a}.",
    "Vi har hold for børn, unge og voksne, og du kan starte når som helst.",
    "Det koster ikke noget at prøve, og udstyr kan lånes.",
]
CLOSERS = [
    "Skriv til os, eller mød bare op.",
    "Se mødetiderne herunder, og kom forbi.",
    "Kontakt formanden, hvis du har spørgsmål.",
    "Vi taler også engelsk, hvis du er ny i Danmark.",
]
TARGETS = ["children", "teens", "young-adults", "adults", "seniors", "families", "students",
           "internationals", "newcomers"]
HEADER = ["external_id", "name", "summary", "description", "category", "tags", "target_groups",
          "age_min", "age_max", "languages", "address", "postcode", "town", "lat", "lon", "email",
          "phone", "website", "meeting_times", "price_dkk_per_year", "welcomes_newcomers"]


def load_streets() -> list[dict[str, str]]:
    path = os.path.join(REPO_ROOT, "seed", "places", "kolding-streets.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["postcode"] not in ("6600",)]


def association_rows(n: int, *, seed: int = 621, prefix: str = "B") -> list[list[str]]:
    rnd = random.Random(seed)
    streets = load_streets()
    rows = []
    for i in range(1, n + 1):
        category = rnd.choice(list(ACTIVITIES))
        acts = rnd.sample(ACTIVITIES[category], k=min(len(ACTIVITIES[category]), rnd.randint(1, 3)))
        street = rnd.choice(streets)
        town = street["locality"] or street["postal_district"]
        kind = rnd.choice(KINDS).lower() if rnd.random() < .4 else " " + rnd.choice(KINDS)
        name = f"{town} {acts[0].capitalize()}{kind} {i}"
        text = " ".join([rnd.choice(OPENERS), rnd.choice(MIDDLES), rnd.choice(CLOSERS)]).format(a=acts[0])
        age_min = rnd.choice(["", "", "6", "13", "18", "60"])
        age_max = "" if age_min in ("", "60") else str(int(age_min) + rnd.choice([4, 6, 40]))
        use_coords = rnd.random() < 0.85
        rows.append([
            f"{prefix}-{i:06d}", name, f"{acts[0].capitalize()} for alle i {town}.", text, category,
            ";".join(acts), ";".join(rnd.sample(TARGETS, k=rnd.randint(1, 3))), age_min, age_max,
            rnd.choice(["da", "da", "da", "da;en", "en"]),
            f"{street['street']} {rnd.randint(1, 120)}", street["postcode"], street["postal_district"],
            street["lat"] if use_coords else "", street["lon"] if use_coords else "",
            f"kontakt{i}@example.org", f"+45 20 00 {i % 100:02d} {(i // 100) % 100:02d}",
            f"https://forening{i}.example.org", "Tirsdag kl. 19–21", str(rnd.choice([0, 150, 300, 600, 1200])),
            rnd.choice(["true", "true", "false", ""]),
        ])
    return rows


def association_csv(n: int, **kw) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(association_rows(n, **kw))
    return out.getvalue().encode("utf-8")
