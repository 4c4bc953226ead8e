"""Generate a DAWA-format address CSV (`adresser?format=csv` columns) from the real street list.

Benchmarks only: each street of seed/places/kolding-streets.csv gets house
numbers 1, 2, 3, … (some with a letter, some with several floor/door rows, as
the official `adresser` export has) spread along a short line through the
street's point, until the wanted number of rows is reached.
"""
from __future__ import annotations

import csv
import os
import random
import uuid
import zlib
from math import cos, radians

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

COLUMNS = [
    "id", "status", "darstatus", "vejkode", "vejnavn", "adresseringsvejnavn", "husnr", "etage", "dør",
    "supplerendebynavn", "postnr", "postnrnavn", "stormodtagerpostnr", "stormodtagerpostnrnavn", "kommunekode",
    "kommunenavn", "ejerlavkode", "ejerlavnavn", "matrikelnr", "esrejendomsnr", "etrs89koordinat_øst",
    "etrs89koordinat_nord", "wgs84koordinat_bredde", "wgs84koordinat_længde", "nøjagtighed", "kilde",
    "tekniskstandard", "tekstretning", "adressepunktændringsdato", "adgangsadresseid", "sognekode", "sognenavn",
    "regionskode", "regionsnavn", "betegnelse",
]


def streets() -> list[dict[str, str]]:
    with open(os.path.join(REPO_ROOT, "seed", "places", "kolding-streets.csv"), encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_addresses(path: str, rows: int, *, seed: int = 621) -> int:
    """Write `rows` data rows to `path`; return the number of distinct access addresses."""
    rng = random.Random(seed)
    street_rows = streets()
    per_street = rows // len(street_rows) + 1
    access = written = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for number in range(1, per_street + 1):
            for s in street_rows:
                if written >= rows:
                    return access
                lat0, lon0 = float(s["lat"]), float(s["lon"])
                bearing = (zlib.crc32(s["street"].encode()) % 180) / 180 * 3.14159
                step_km = 0.012 * (number - per_street / 2)
                lat = lat0 + step_km / 111.32 * cos(bearing)
                lon = lon0 + step_km / (111.32 * cos(radians(lat0))) * (1 - cos(bearing) ** 2) ** 0.5
                hus = f"{number}{'AB'[number % 2] if number % 17 == 0 else ''}"
                access_id = str(uuid.UUID(int=rng.getrandbits(128)))
                units = [("", "")] if rng.random() < 0.85 else [("st", "th"), ("st", "tv"), ("1", "th")]
                access += 1
                for floor, door in units:
                    if written >= rows:
                        return access
                    town = s["locality"] if s["locality"] and s["locality"] != s["postal_district"] else ""
                    writer.writerow([
                        str(uuid.UUID(int=rng.getrandbits(128))), "1", "3", f"{rng.randrange(1, 9999):04d}",
                        s["street"], s["street"][:20], hus, floor, door, town, s["postcode"], s["postal_district"],
                        "", "", "0621", "Kolding", "1234", "Kolding Bygrunde", f"{rng.randrange(1, 999)}a",
                        str(rng.randrange(10**6, 10**7)), "", "", f"{lat:.8f}", f"{lon:.8f}", "A", "5", "TD", "200.00",
                        "2019-04-01T12:00:00.000", access_id, "7446", "Sankt Nicolai", "1083", "Region Syddanmark",
                        f"{s['street']} {hus}, {s['postcode']} {s['postal_district']}",
                    ])
                    written += 1
    return access
