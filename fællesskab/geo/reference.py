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


def _upsert(report: LoadReport, what: str, existing, model, keys: dict, values: dict) -> None:
    """Add a `model` row with `keys` and `values`, or bring `existing` up to `values`; count what changed."""
    if existing is None:
        db.session.add(model(**keys, **values))
        report.count(what, True)
    elif apply_values(existing, values):
        report.count(what, False)


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
        _upsert(report, "postcodes", postcodes.get(row["postcode"]), Postcode, {"code": row["postcode"]}, values)
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
        _upsert(report, "places", places.get(row["name"]), Place, {"name": row["name"]}, values)

    streets = {(s.name, s.postcode): s for s in db.session.scalars(sa.select(Street))}
    for row in _read_csv(os.path.join(base, "kolding-streets.csv")):
        values = {
            "name_key": name_key(row["street"]),
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "locality": row["locality"] or None,
        }
        _upsert(report, "streets", streets.get((row["street"], row["postcode"])), Street,
                {"name": row["street"], "postcode": row["postcode"]}, values)

    with open(os.path.join(base, "kolding-boundary.geojson"), encoding="utf-8") as fh:
        geojson = json.load(fh)
    feature = geojson["features"][0]
    code = feature["properties"].get("kommunekode", "0621")
    values = {"name": feature["properties"].get("name", "Kolding Kommune"),
              "geojson": json.dumps(feature["geometry"], separators=(",", ":"))}
    _upsert(report, "boundaries", db.session.scalar(sa.select(Boundary).where(Boundary.code == code)), Boundary,
            {"code": code}, values)
    db.session.flush()
    return report
