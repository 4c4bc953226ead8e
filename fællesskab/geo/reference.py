"""Load the reference data: postcodes, places, streets and the municipal boundary.

Geo sits above places: the places own names and points, geo adds the streets and
the boundary and reads the seed files for both.
"""
from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..core.text import slugify
from ..extensions import db
from ..places.models import Place, Postcode
from ..places.services import apply_values, place_kind
from .addresses import name_key
from .models import Boundary, Street


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[what] = bucket.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _read_csv(path: str) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_reference_data(seed_dir: str) -> LoadReport:
    """Upsert postcodes, places, streets and the boundary from `seed_dir`/places.

    Idempotent: a second run changes nothing.
    """
    base = os.path.join(seed_dir, "places")
    report = LoadReport()

    postcodes = {p.code: p for p in db.session.scalars(sa.select(Postcode))}
    for row in _read_csv(os.path.join(base, "kolding-postcodes.csv")):
        values = {"name": row["name"], "lat": float(row["lat"]), "lon": float(row["lon"])}
        pc = postcodes.get(row["postcode"])
        if pc is None:
            db.session.add(Postcode(code=row["postcode"], **values))
            report.count("postcodes", True)
        elif apply_values(pc, values):
            report.count("postcodes", False)
    db.session.flush()

    places = {p.name: p for p in db.session.scalars(sa.select(Place))}
    for row in _read_csv(os.path.join(base, "kolding-localities.csv")):
        population = int(row["population"]) if row["population"].strip() else None
        values = {
            "slug": slugify(row["name"]),
            "kind": place_kind(row["name"], population),
            "postcode": row["postcode"],
            "postal_district": row["postal_district"],
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "population": population,
            "former_municipality": row["former_municipality"] or None,
            "source": row["source"] or None,
        }
        place = places.get(row["name"])
        if place is None:
            db.session.add(Place(name=row["name"], **values))
            report.count("places", True)
        elif apply_values(place, values):
            report.count("places", False)

    streets = {(s.name, s.postcode): s for s in db.session.scalars(sa.select(Street))}
    for row in _read_csv(os.path.join(base, "kolding-streets.csv")):
        values = {
            "name_key": name_key(row["street"]),
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "locality": row["locality"] or None,
        }
        street = streets.get((row["street"], row["postcode"]))
        if street is None:
            db.session.add(Street(name=row["street"], postcode=row["postcode"], **values))
            report.count("streets", True)
        elif apply_values(street, values):
            report.count("streets", False)

    with open(os.path.join(base, "kolding-boundary.geojson"), encoding="utf-8") as fh:
        geojson = json.load(fh)
    feature = geojson["features"][0]
    code = feature["properties"].get("kommunekode", "0621")
    values = {"name": feature["properties"].get("name", "Kolding Kommune"),
              "geojson": json.dumps(feature["geometry"], separators=(",", ":"))}
    boundary = db.session.scalar(sa.select(Boundary).where(Boundary.code == code))
    if boundary is None:
        db.session.add(Boundary(code=code, **values))
        report.count("boundaries", True)
    elif apply_values(boundary, values):
        report.count("boundaries", False)
    db.session.flush()
    return report
