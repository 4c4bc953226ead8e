"""The directory as Open Referral HSDS 3: the API's and the data package's output validates
against the standard's own JSON Schemas (tests/data/hsds), paging and filters work, errors
are /api/v1-style JSON, and export → import into an empty database gives the directory back."""
from __future__ import annotations

import csv
import json
import pathlib

import pytest
import sqlalchemy as sa
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = pathlib.Path(__file__).parent.parent / "data" / "hsds" / "schema"
SCHEMAS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMA_DIR.glob("*.json")}
REGISTRY = Registry().with_resources(
    (s["$id"], Resource.from_contents(s, default_specification=DRAFT202012))
    for name, s in SCHEMAS.items() if "$id" in s)
API = SCHEMAS["api.json"]


def validate(instance, schema_name: str | dict) -> None:
    """Raise on the first error; a $ref to a schema we did not vendor fails too (Unresolvable)."""
    schema = SCHEMAS[schema_name] if isinstance(schema_name, str) else schema_name
    Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker()).validate(instance)


def validate_page(body: dict, item_schema: str) -> None:
    validate(body, API["Page"])
    assert set(API["Page"]["properties"]) <= set(body)
    for item in body["contents"]:
        validate(item, item_schema)


@pytest.fixture
def directory(make_association):
    swim = make_association(
        external_id="VAM-SVOEM", name="Vamdrup Svømmeklub", category="sport", summary="Svømning for alle.",
        description="Vi svømmer i hallen.\nAlle er velkomne.", target_groups="children;families",
        tags="svømning;vand", age_min="6", age_max="14", languages="da;en", address="Skolegade 2",
        postcode="6580", town="Vamdrup", lat="55.428", lon="9.284", email="svoem@example.org",
        phone="+45 12 34 56 78", website="https://example.org/svoem", meeting_times="Tirsdag 17–18",
        price_dkk_per_year="450", welcomes_newcomers="true")
    knit = make_association(external_id="ALM-STRIK", name="Almind Strikkeklub", category="creative",
                            town="Almind", summary="", welcomes_newcomers="")
    draft = make_association(name="Kladdeforeningen", status="draft")
    return {"swim": swim, "knit": knit, "draft": draft}


def sid(assoc) -> str:
    from fællesskab.directory.hsds import object_id

    return object_id("service", assoc.id)


def oid(assoc) -> str:
    from fællesskab.directory.hsds import object_id

    return object_id("organization", assoc.id)


def test_info_validates(client):
    response = client.get("/api/hsds/")
    assert response.status_code == 200
    body = response.get_json()
    validate(body, API["info"])
    assert body["version"].startswith("3.")


@pytest.mark.parametrize("full", ["", "true"])
def test_service_list_validates_and_holds_the_published_only(client, directory, full):
    body = client.get(f"/api/hsds/services?full={full}").get_json()
    validate_page(body, "service.json")
    assert {s["id"] for s in body["contents"]} == {sid(directory["swim"]), sid(directory["knit"])}
    assert body["total_items"] == 2 and body["empty"] is False


def test_service_detail_validates_and_maps_the_listing(client, directory):
    response = client.get(f"/api/hsds/services/{sid(directory['swim'])}")
    assert response.status_code == 200
    service = response.get_json()
    validate(service, "service.json")
    assert (service["name"], service["status"], service["minimum_age"], service["maximum_age"]) == (
        "Vamdrup Svømmeklub", "active", 6, 14)
    assert [lang["code"] for lang in service["languages"]] == ["da", "en"]
    location = service["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (55.428, 9.284)
    address = location["addresses"][0]
    assert (address["address_1"], address["postal_code"], address["city"], address["country"]) == (
        "Skolegade 2", "6580", "Vamdrup", "DK")
    terms = {(a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]) for a in service["attributes"]}
    assert ("Fællesskab: kategorier", "sport") in terms and ("Fællesskab: målgrupper", "children") in terms
    assert service["cost_options"][0]["amount"] == 450
    organization = service["organization"]
    assert (organization["email"], organization["website"], organization["phones"][0]["number"]) == (
        "svoem@example.org", "https://example.org/svoem", "+45 12 34 56 78")
    # no contact persons: the directory holds none
    assert "contacts" not in service and "contacts" not in organization


def test_organizations_validate(client, directory):
    body = client.get("/api/hsds/organizations").get_json()
    validate_page(body, "organization.json")
    detail = client.get(f"/api/hsds/organizations/{oid(directory['knit'])}").get_json()
    validate(detail, "organization.json")
    for service in detail["services"]:
        validate(service, "service.json")
    assert detail["services"][0]["id"] == sid(directory["knit"])


def test_paging(client, directory, make_association):
    for n in range(3):
        make_association(name=f"Sideforening {n}")
    first = client.get("/api/hsds/services?per_page=2").get_json()
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (5, 3, 1, 2)
    assert first["first_page"] and not first["last_page"]
    last = client.get("/api/hsds/services?per_page=2&page=3").get_json()
    assert last["size"] == 1 and last["last_page"] and not last["first_page"]
    beyond = client.get("/api/hsds/services?per_page=2&page=9").get_json()
    validate_page(beyond, "service.json")
    assert beyond["empty"] is True and beyond["contents"] == []
    seen = [s["id"] for p in (1, 2, 3)
            for s in client.get(f"/api/hsds/services?per_page=2&page={p}").get_json()["contents"]]
    assert len(seen) == len(set(seen)) == 5


def test_search_parameters(client, directory):
    from fællesskab.directory.hsds import taxonomy_id, term_id

    def ids(query):
        response = client.get(f"/api/hsds/services?{query}")
        assert response.status_code == 200, response.get_json()
        return {s["id"] for s in response.get_json()["contents"]}

    swim, knit = sid(directory["swim"]), sid(directory["knit"])
    assert ids(f"taxonomy_term_id={term_id('category', 'sport')}") == {swim}
    assert ids(f"taxonomy_term_id={term_id('target_group', 'families')}") == {swim}
    assert ids(f"taxonomy_term_id={term_id('keyword', 'vand')}") == {swim}
    assert ids(f"taxonomy_id={taxonomy_id('target_group')}") == {swim}
    assert ids(f"organization_id={oid(directory['knit'])}") == {knit}
    assert ids("search=strikke") == {knit}
    assert ids("postcode=6580") == {swim}
    assert ids("postcode=6580&proximity=5000") == {swim}  # the postcode's centre is ~3 km away
    assert ids("postcode=6580&proximity=1000") == set()
    assert ids("modified_after=2000-01-01T00:00:00Z") == {swim, knit}
    assert ids("modified_after=2999-01-01") == set()
    assert ids("taxonomy_term_id=00000000-0000-4000-8000-000000000000") == set()


@pytest.mark.parametrize("query, field", [
    ("per_page=1000", "per_page"), ("page=0", "page"), ("taxonomy_term_id=sport", "taxonomy_term_id"),
    ("organization_id=1", "organization_id"), ("modified_after=igår", "modified_after"),
    ("postcode=65", "postcode"), ("postcode=6580&proximity=langt", "proximity"), ("proximity=500", "postcode"),
    ("full=måske", "full"), ("minimal=true", "minimal"), ("format=ndjson", "format"), ("search=" + "x" * 201, "search"),
])
def test_bad_parameters_are_a_400_naming_the_field(client, directory, query, field):
    for path in ("/api/hsds/services", "/api/hsds/organizations"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        error = response.get_json()["error"]
        assert error["code"] == "validation_error" and error["field"] == field and error["message"]


def test_unknown_ids_are_a_json_404(client, directory):
    for path in (f"/api/hsds/services/{sid(directory['draft'])}", "/api/hsds/services/ikke-et-id",
                 "/api/hsds/services/fae11e55-0000-8000-8002-ffffffffffff",
                 f"/api/hsds/services/{oid(directory['swim'])}",  # an organization's id is no service's
                 f"/api/hsds/organizations/{sid(directory['swim'])}", "/api/hsds/intet"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.is_json and response.get_json()["error"]["code"] == "not_found"
        assert response.get_json()["error"]["message"]


# ---------- the data package ----------

def _typed(row: dict, fields: dict[str, str], required: list[str]) -> dict:
    """A CSV row as JSON: numbers as numbers; an empty cell is no value, unless a required text."""
    out = {}
    for name, value in row.items():
        if value == "" and not (name in required and fields[name] == "string"):
            continue
        out[name] = float(value) if fields[name] == "number" else value
    return out


def test_export_package_validates(runner, directory, tmp_path):
    result = runner.invoke(args=["directory", "export-hsds", str(tmp_path)])
    assert result.exit_code == 0, result.output
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    by_path = {s["path"]: s for s in SCHEMAS.values() if "path" in s}
    checked = set()
    for resource in package["resources"]:
        schema = by_path[resource["path"]]  # every table is one of the standard's
        fields = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        assert set(fields) <= set(schema["properties"]), resource["path"]
        with open(tmp_path / resource["path"], encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            typed = _typed(row, fields, schema.get("required", []))
            validate(typed, schema)
            assert all(typed.get(k) for k in schema.get("tabular_required", [])), (resource["path"], row)
        checked.add(resource["name"])
        if resource["name"] == "services":
            assert len(rows) == 2  # the draft is not published
    assert {"organizations", "services", "locations", "addresses", "attributes", "taxonomy_terms"} <= checked


FIELDS = ("external_id", "slug", "name", "summary", "description", "category", "tags", "target_groups",
          "age_min", "age_max", "languages", "address", "postcode", "town", "lat", "lon", "place_id", "email",
          "phone", "website", "meeting_times", "price_dkk_per_year", "welcomes_newcomers", "status")


def _snapshot():
    from fællesskab.directory.models import Association
    from fællesskab.extensions import db

    return {a.external_id: {**{f: getattr(a, f) for f in FIELDS},
                            "verified": a.last_verified_at.date() if a.last_verified_at else None}
            for a in db.session.scalars(sa.select(Association).where(Association.status == "published"))}


def test_round_trip_into_an_empty_database(runner, directory, tmp_path, make_association):
    from fællesskab.directory.models import Association
    from fællesskab.extensions import db

    make_association(name="Foreningen \"Citat\" & Co", category="faith", tags="tro; fællesskab",
                     languages="ar", town="Kolding", age_min="60", website="http://example.org/?a=1&b=2")
    before = _snapshot()
    assert runner.invoke(args=["directory", "export-hsds", str(tmp_path)]).exit_code == 0
    db.session.execute(sa.delete(Association))
    db.session.commit()
    result = runner.invoke(args=["import", "hsds", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "3 oprettet" in result.output
    db.session.expire_all()
    assert _snapshot() == before
    # and again: nothing changes, nothing doubles
    result = runner.invoke(args=["import", "hsds", str(tmp_path)])
    assert result.exit_code == 0 and "3 uændret" in result.output, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Association)) == 3


def _write_package(folder: pathlib.Path, tables: dict[str, list[dict]]) -> None:
    resources = []
    for filename, rows in tables.items():
        columns = list(rows[0])
        with open(folder / filename, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, columns)
            writer.writeheader()
            writer.writerows(rows)
        resources.append({"name": filename[:-4], "path": filename})
    (folder / "datapackage.json").write_text(json.dumps({"resources": resources}), encoding="utf-8")


ORG = "11111111-1111-4111-8111-111111111111"


def _foreign(service_rows: list[dict]) -> dict:
    return {
        "organizations.csv": [{"id": ORG, "name": "Nabokommunen", "description": "Kommunens foreninger",
                               "email": "", "website": "https://nabo.example.org"}],
        "services.csv": service_rows,
        "languages.csv": [{"id": "33333333-3333-4333-8333-333333333333", "service_id": service_rows[0]["id"],
                           "code": "eng", "name": "English"}],
    }


def _service(n: int, **kw) -> dict:
    row = {"id": f"22222222-2222-4222-8222-22222222222{n}", "organization_id": ORG, "name": f"Nabolauget {n}",
           "description": "Et laug.", "status": "active", "email": "", "minimum_age": "18.0"}
    row.update(kw)
    return row


def test_import_of_another_publishers_package(runner, tmp_path):
    from fællesskab.directory.models import Association
    from fællesskab.extensions import db

    _write_package(tmp_path, _foreign([_service(1), _service(2, status="defunct")]))
    # no category of ours on the services: refused, unless a default category is given
    result = runner.invoke(args=["import", "hsds", str(tmp_path)])
    assert result.exit_code == 1 and "services.csv, category" in result.output
    # without a place the row cannot be put on the map either
    assert "services.csv, address" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Association)) == 0

    tables = _foreign([_service(1), _service(2, status="defunct")])
    loc = "44444444-4444-4444-8444-444444444444"
    tables["locations.csv"] = [{"id": loc, "location_type": "physical", "latitude": "", "longitude": ""}]
    tables["addresses.csv"] = [{"id": "55555555-5555-4555-8555-555555555555", "location_id": loc,
                                "address_1": "", "city": "Lunderskov", "postal_code": "6640"}]
    tables["service_at_location.csv"] = [
        {"id": f"6666666{n}-6666-4666-8666-666666666666", "service_id": _service(n)["id"], "location_id": loc}
        for n in (1, 2)]
    _write_package(tmp_path, tables)
    result = runner.invoke(args=["import", "hsds", str(tmp_path), "--default-category", "culture"])
    assert result.exit_code == 0, result.output
    assert "2 oprettet" in result.output
    first, second = db.session.scalars(sa.select(Association).order_by(Association.name)).all()
    assert (first.name, first.category, first.languages, first.age_min, first.town, first.status,
            first.website, first.summary) == ("Nabolauget 1", "culture", ["en"], 18, "Lunderskov", "published",
                                              "https://nabo.example.org", "")  # the org has two services
    assert first.place is not None and first.external_id == f"hsds-{_service(1)['id']}"
    assert second.status == "archived"  # defunct at the source
    assert runner.invoke(args=["import", "hsds", str(tmp_path), "--default-category", "nej"]).exit_code == 1


def test_import_is_all_or_nothing(runner, tmp_path, directory):
    from fællesskab.directory.models import Association
    from fællesskab.extensions import db

    assert runner.invoke(args=["directory", "export-hsds", str(tmp_path)]).exit_code == 0
    services_csv = tmp_path / "services.csv"
    with open(services_csv, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["name"] = "Ny navn"  # a good change …
    rows[1]["email"] = "ikke-en-email"  # … and a bad row: nothing of it is written
    with open(services_csv, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = runner.invoke(args=["import", "hsds", str(tmp_path)])
    assert result.exit_code == 1
    # line 4: the first service's description holds a line break, so its row spans lines 2–3
    assert "linje 4: services.csv, email" in result.output and "intet er ændret" in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Association).where(
        Association.name == "Ny navn")) == 0


@pytest.mark.parametrize("damage, message", [
    (lambda d: (d / "datapackage.json").unlink(), "datapackage.json"),
    (lambda d: (d / "datapackage.json").write_text("{", encoding="utf-8"), "datapackage.json"),
    (lambda d: (d / "services.csv").write_bytes(b"id,name\n\xff\xfe,x\n"), "UTF-8"),
])
def test_a_broken_package_is_reported(runner, tmp_path, directory, damage, message):
    assert runner.invoke(args=["directory", "export-hsds", str(tmp_path)]).exit_code == 0
    damage(tmp_path)
    result = runner.invoke(args=["import", "hsds", str(tmp_path)])
    assert result.exit_code == 1 and message in result.output, result.output
