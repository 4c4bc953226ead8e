"""Load and query places, postcodes, streets, boundary and forums."""
from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..core.errors import NotFound, ValidationError
from ..core.text import slugify
from ..extensions import db
from ..geo.addresses import name_key
from ..geo.models import Boundary, Street
from .models import Forum, Place, Postcode

# Counted by Statistics Denmark as part of the Kolding urban area (seed/places/SOURCES.md).
KOLDING_SUBURBS = {"Bramdrupdam", "Seest", "Vonsild", "Strandhuse", "Tved", "Dalby"}
TOWN_POPULATION = 2000


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


def _apply(obj, values: dict) -> bool:
    """Set the attributes that differ; return True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def place_kind(name: str, population: int | None) -> str:
    if name in KOLDING_SUBURBS:
        return "suburb"
    if population is not None and population >= TOWN_POPULATION:
        return "town"
    return "village"


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
        elif _apply(pc, values):
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
        elif _apply(place, values):
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
        elif _apply(street, values):
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
    elif _apply(boundary, values):
        report.count("boundaries", False)
    db.session.flush()
    return report


def get_place_by_slug(slug: str) -> Place:
    """:raises NotFound: no place has that slug."""
    place = db.session.scalar(sa.select(Place).where(Place.slug == slug))
    if place is None:
        raise NotFound("Stedet findes ikke.")
    return place


def list_places() -> list[Place]:
    return list(db.session.scalars(sa.select(Place).order_by(Place.name)))


def upsert_forum(data: dict, *, actor=None) -> tuple[Forum, bool]:
    """Create or update a forum by slug; `data['places']` holds place names.

    :raises ValidationError: an unknown place name or a missing name.
    """
    slug = (data.get("slug") or slugify(data.get("name", ""))).strip()
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError("Navn mangler.", field="name")
    wanted = [p.strip() for p in data.get("places", []) if p.strip()]
    found = {p.name: p for p in db.session.scalars(sa.select(Place).where(Place.name.in_(wanted)))}
    missing = [p for p in wanted if p not in found]
    if missing:
        raise ValidationError(f"Ukendt sted: {', '.join(missing)}", field="places")
    forum = db.session.scalar(sa.select(Forum).where(Forum.slug == slug))
    created = forum is None
    if created:
        forum = Forum(slug=slug, name=name)
        db.session.add(forum)
    values = {
        "name": name,
        "description": (data.get("description") or "").strip(),
        "email": data.get("email") or None,
        "phone": data.get("phone") or None,
        "website": data.get("website") or None,
        "is_trusted": bool(data.get("is_trusted", False)),
    }
    changed = _apply(forum, values)
    places = [found[n] for n in wanted]
    if sorted(p.name for p in forum.places) != sorted(p.name for p in places):
        forum.places = places
        changed = True
    db.session.flush()
    return forum, created or changed
