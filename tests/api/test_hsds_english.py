"""Issue 22 part 6 in HSDS: a listing's English text travels as service attributes of our own
"translation" taxonomy (HSDS has no per-field translations), validates against the standard's
schemas, and comes back through export → import."""
from __future__ import annotations

import csv
import json

import pytest
import sqlalchemy as sa

from .test_hsds import SCHEMAS, _typed, validate


@pytest.fixture
def listings(make_association):
    english = make_association(
        external_id="SJO-GYM", name="Sjølund Gymnastikforening", category="sport", town="Sjølund",
        summary="Gymnastik for alle.", description="Vi laver gymnastik.\nHver uge.",
        name_en="Sjølund Gymnastics Club", summary_en="Gymnastics for everyone, \"young\" & old.",
        description_en="We do gymnastics.\nEvery week, from September to May.")
    danish = make_association(external_id="ALM-HUS", name="Almind Husflid", category="creative", town="Almind")
    return english, danish


def _translations(service: dict) -> dict[str, str]:
    return {a["taxonomy_term"]["code"]: a["value"] for a in service.get("attributes", [])
            if a["taxonomy_term"]["taxonomy"] == "Fællesskab: engelsk tekst"}


def test_the_service_carries_english_as_attributes_and_validates(client, listings):
    from fællesskab.directory.hsds import object_id

    english, danish = listings
    service = client.get(f"/api/hsds/services/{object_id('service', english.id)}").get_json()
    validate(service, "service.json")
    assert service["name"] == "Sjølund Gymnastikforening"  # the core fields stay Danish
    assert _translations(service) == {"name_en": "Sjølund Gymnastics Club",
                                      "summary_en": "Gymnastics for everyone, \"young\" & old.",
                                      "description_en": "We do gymnastics.\nEvery week, from September to May."}
    plain = client.get(f"/api/hsds/services/{object_id('service', danish.id)}").get_json()
    validate(plain, "service.json")
    assert _translations(plain) == {}
    # the taxonomy term filter finds the listings with English text
    from fællesskab.directory.hsds import term_id

    body = client.get("/api/hsds/services", query_string={"taxonomy_term_id": term_id("translation", "name_en")})
    assert [s["id"] for s in body.get_json()["contents"]] == [object_id("service", english.id)]


FIELDS = ("external_id", "name", "summary", "description", "name_en", "summary_en", "description_en", "category")


def _snapshot():
    from fællesskab.directory.models import Association
    from fællesskab.extensions import db

    db.session.expire_all()
    return {a.external_id: {f: getattr(a, f) for f in FIELDS} for a in db.session.scalars(sa.select(Association))}


def test_round_trip_keeps_the_english_text_and_the_package_validates(runner, db, listings, tmp_path):
    from fællesskab.directory.models import Association

    before = _snapshot()
    assert before["SJO-GYM"]["name_en"] == "Sjølund Gymnastics Club"
    result = runner.invoke(args=["directory", "export-hsds", str(tmp_path)])
    assert result.exit_code == 0, result.output
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    by_path = {s["path"]: s for s in SCHEMAS.values() if "path" in s}
    for resource in package["resources"]:
        if resource["name"] not in ("attributes", "taxonomy_terms", "taxonomies"):
            continue
        schema = by_path[resource["path"]]
        fields = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        with open(tmp_path / resource["path"], encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                validate(_typed(row, fields, schema.get("required", [])), schema)
    db.session.execute(sa.delete(Association))
    db.session.commit()
    result = runner.invoke(args=["import", "hsds", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert _snapshot() == before
    # the listing's English text removed here, then our own package imported again: it is removed there too
    assoc = db.session.scalar(sa.select(Association).where(Association.external_id == "SJO-GYM"))
    assoc.summary_en = None
    db.session.commit()
    assert runner.invoke(args=["directory", "export-hsds", str(tmp_path / "again")]).exit_code == 0
    assoc.summary_en = "Stale text"
    db.session.commit()
    assert runner.invoke(args=["import", "hsds", str(tmp_path / "again")]).exit_code == 0
    assert _snapshot()["SJO-GYM"]["summary_en"] is None
