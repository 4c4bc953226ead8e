"""HSDS data packages (`datapackage.json` + CSV tables): write the directory out, read one in.

`flask --app wsgi directory export-hsds DIR` and `flask --app wsgi import hsds DIR`.
The import works like `import associations`: every row is checked first, through
the same `clean_association` as the forms and the CSV importer, and nothing is
written unless all of it is good (the caller commits only when `report.ok`).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import defaultdict
from datetime import UTC, datetime

import sqlalchemy as sa

from ..core.csvio import CSVFormatError, ImportReport, Problem, by_external_id, read_rows
from ..core.errors import ValidationError
from ..core.time import utcnow
from ..core.vocab import CATEGORIES, TARGET_GROUPS
from ..extensions import db
from ..geo.gazetteer import PlaceIndex
from . import hsds, services
from .models import Association

STATUS_FROM_HSDS = {"active": "published", "inactive": "draft", "temporarily closed": "draft",
                    "defunct": "archived"}
# ISO 639-2/3 codes other publishers use, for the languages we know (core/vocab.py).
LANGUAGE_3_TO_2 = {"dan": "da", "eng": "en", "deu": "de", "ger": "de", "ukr": "uk", "pol": "pl", "ara": "ar",
                   "ron": "ro", "rum": "ro", "lit": "lt", "spa": "es", "fra": "fr", "fre": "fr", "swe": "sv",
                   "nor": "no", "nob": "no", "tur": "tr", "fas": "fa", "per": "fa", "som": "so", "tir": "ti",
                   "rus": "ru", "ita": "it"}


# ---------- export ----------

def published_associations() -> list[Association]:
    return list(db.session.scalars(
        sa.select(Association).where(Association.status == "published").order_by(Association.id)))


def export_package(folder: str) -> dict[str, int]:
    """Write datapackage.json and one CSV per table into `folder`; return the rows per table.

    The CSV is written as it is (no spreadsheet-formula guard as in our staff exports): it
    is data for other systems, and a phone number's leading + must arrive unchanged.
    """
    os.makedirs(folder, exist_ok=True)
    tables = hsds.table_rows(published_associations())
    resources = []
    for name, (filename, columns) in hsds.TABLES.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in tables[name]:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
        with open(os.path.join(folder, filename), "w", encoding="utf-8", newline="") as fh:
            fh.write(buffer.getvalue())
        resources.append({
            "name": name, "path": filename, "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": [{"name": c, "type": hsds.field_type(c)} for c in columns], "primaryKey": "id"},
        })
    package = {
        "name": "faellesskab-hsds", "title": "Fællesskab: foreninger (Open Referral HSDS)",
        "profile": "tabular-data-package", "hsds_version": hsds.HSDS_VERSION,
        "created": utcnow().astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "resources": resources,
    }
    with open(os.path.join(folder, "datapackage.json"), "w", encoding="utf-8") as fh:
        json.dump(package, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    return {name: len(rows) for name, rows in tables.items()}


# ---------- import ----------

class _Tables:
    """The package's rows by table, each row with its file and line for the report."""

    def __init__(self):
        self.rows: dict[str, list[tuple[str, int, dict]]] = defaultdict(list)

    def by(self, table: str, key: str) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = defaultdict(list)
        for _f, _l, row in self.rows[table]:
            found[(row.get(key) or "").strip()].append(row)
        return found


def _read_package(folder: str, report: ImportReport) -> _Tables | None:
    tables = _Tables()
    manifest = os.path.join(folder, "datapackage.json")
    try:
        with open(manifest, encoding="utf-8") as fh:
            package = json.load(fh)
        resources = package["resources"]
        paths = {os.path.basename(str(r["path"])) for r in resources if isinstance(r.get("path"), str)}
    except OSError as exc:
        report.problems.append(Problem(0, "datapackage.json", f"kan ikke læses ({exc.strerror or exc})."))
        return None
    except (ValueError, KeyError, TypeError, AttributeError):
        report.problems.append(Problem(0, "datapackage.json", "er ikke en datapakke (JSON med resources)."))
        return None
    by_file = {filename: name for name, (filename, _cols) in hsds.TABLES.items()}
    for required in ("organizations.csv", "services.csv"):
        if required not in paths:
            report.problems.append(Problem(0, "datapackage.json", f"mangler tabellen {required}."))
    for filename in sorted(paths & set(by_file)):
        path = os.path.join(folder, filename)
        try:
            with open(path, "rb") as fh:
                header = next(csv.reader(io.StringIO(fh.readline().decode("utf-8-sig", "replace"))), [])
                fh.seek(0)
                for line, row in read_rows(fh, columns=tuple(h.strip() for h in header), required=("id",)):
                    if "__error__" in row:
                        report.problems.append(Problem(line, filename, row["__error__"]))
                    else:
                        tables.rows[by_file[filename]].append((filename, line, row))
        except OSError as exc:
            report.problems.append(Problem(0, filename, f"kan ikke læses ({exc.strerror or exc})."))
        except CSVFormatError as exc:
            report.problems.extend(Problem(p.line, f"{filename}{', ' + p.field if p.field else ''}", p.message)
                                   for p in exc.problems)
    return None if report.problems else tables


def _number(value: str) -> str:
    """'12.0' → '12': other publishers write whole numbers as decimals."""
    value = (value or "").strip()
    if re.fullmatch(r"-?\d+\.0+", value):
        return value.split(".")[0]
    return value


def _terms(tables: _Tables) -> dict[str, tuple[str, str]]:
    """Term id → (taxonomy key, code) for the terms of our own taxonomies in the package."""
    ours = {hsds.taxonomy_id(key): key for key in hsds.TAXONOMIES}
    names = {name: key for key, (name, _d) in hsds.TAXONOMIES.items()}
    known = hsds.term_lookup()
    found = {}
    for _f, _l, row in tables.rows["taxonomy_terms"]:
        key = ours.get((row.get("taxonomy_id") or "").strip()) or names.get((row.get("taxonomy") or "").strip())
        term = (row.get("id") or "").strip()
        if term in known:
            found[term] = known[term]
        elif key:
            found[term] = (key, (row.get("code") or row.get("name") or "").strip())
    return {**known, **found}


def _raw_values(service: dict, tables: _Tables, index: dict, terms: dict, default_category: str | None) -> dict:
    """The association fields (as raw strings, for clean_association) of one HSDS service."""
    sid = service["id"].strip()
    org_id = (service.get("organization_id") or "").strip()
    org = (index["organizations"].get(org_id) or [{}])[0]
    siblings = index["services_by_org"].get(org_id, [])
    identifiers = [r for r in index["identifiers"].get(org_id, [])
                   if (r.get("identifier_type") or "").strip() == hsds.IDENTIFIER_TYPE]
    # For another publisher's service its own id keeps re-imports idempotent.
    external_id = identifiers[0]["identifier"].strip() if identifiers and len(siblings) == 1 else f"hsds-{sid}"
    summary = (org.get("description") or "").strip() if len(siblings) == 1 else ""
    if len(summary) > 300:
        summary = summary[:299].rstrip() + "…"
    raw = {
        "external_id": external_id, "name": service.get("name", ""), "summary": summary,
        "description": service.get("description", ""),
        "email": service.get("email") or org.get("email") or "",
        "website": org.get("website") or service.get("url") or "",
        "age_min": _number(service.get("minimum_age", "")), "age_max": _number(service.get("maximum_age", "")),
    }
    phones = index["phones_by_service"].get(sid) or index["phones_by_org"].get(org_id) or []
    raw["phone"] = phones[0].get("number", "") if phones else ""
    codes = []
    for row in index["languages"].get(sid, []):
        code = (row.get("code") or "").strip().lower()
        code = LANGUAGE_3_TO_2.get(code, code)
        if code and code not in codes:
            codes.append(code)
    raw["languages"] = codes
    raw["meeting_times"] = "; ".join(r["description"].strip() for r in index["schedules"].get(sid, [])
                                     if (r.get("description") or "").strip())
    prices = [r for r in index["cost_options"].get(sid, [])
              if (r.get("currency") or hsds.CURRENCY).strip().upper() == hsds.CURRENCY
              and (r.get("amount") or "").strip()]
    raw["price_dkk_per_year"] = _number(prices[0]["amount"]) if prices else ""
    if index["translations"]:  # our own package: a listing without English text has none
        raw.update({field: "" for field in hsds.TRANSLATIONS})
    category, groups, tags, welcomes = "", [], [], ""
    for row in index["attributes"].get(sid, []):
        key, code = terms.get((row.get("taxonomy_term_id") or "").strip(), (None, ""))
        if key == "category" and code in CATEGORIES and not category:
            category = code
        elif key == "target_group" and code in TARGET_GROUPS and code not in groups:
            groups.append(code)
        elif key == "keyword" and code and code not in tags:
            tags.append(code)
        elif key == "feature" and code == hsds.FEATURE_WELCOMES:
            welcomes = (row.get("value") or "").strip()
        elif key == "translation" and code in hsds.TRANSLATIONS:
            raw[code] = row.get("value") or ""
    raw.update(category=category or default_category or "", target_groups=groups,
               tags=tags, welcomes_newcomers=welcomes)
    # The first location with coordinates or an address; the first address of it.
    for sal in index["sal"].get(sid, []):
        location = (index["locations"].get((sal.get("location_id") or "").strip()) or [None])[0]
        if location is None:
            continue
        address = (index["addresses"].get(location["id"].strip()) or [{}])[0]
        raw.update(lat=_number(location.get("latitude", "")), lon=_number(location.get("longitude", "")),
                   address=address.get("address_1", ""), postcode=address.get("postal_code", ""),
                   town=address.get("city", ""))
        break
    return raw


def _assured(value: str) -> datetime | None:
    try:
        day = datetime.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None
    return day.replace(tzinfo=UTC)


def import_package(folder: str, *, default_category: str | None = None, actor=None) -> ImportReport:
    """Upsert an association for every service in the HSDS data package in `folder`.

    :param default_category: the category of services that carry none of our categories
        (another publisher's data); without it such a service is a problem in the report.
    """
    report = ImportReport()
    if default_category and default_category not in CATEGORIES:
        report.problems.append(Problem(0, "--default-category", f"ukendt kategori {default_category!r} "
                                                                f"(gyldige: {', '.join(CATEGORIES)})."))
        return report
    tables = _read_package(folder, report)
    if tables is None:
        return report
    index = {
        "organizations": tables.by("organizations", "id"), "services_by_org": tables.by("services", "organization_id"),
        "identifiers": tables.by("organization_identifiers", "organization_id"),
        "phones_by_service": tables.by("phones", "service_id"), "phones_by_org": tables.by("phones", "organization_id"),
        "languages": tables.by("languages", "service_id"), "schedules": tables.by("schedules", "service_id"),
        "cost_options": tables.by("cost_options", "service_id"), "attributes": tables.by("attributes", "link_id"),
        "sal": tables.by("service_at_locations", "service_id"), "locations": tables.by("locations", "id"),
        "addresses": tables.by("addresses", "location_id"),
        # whether the package publishes our English-text taxonomy (then its absence on a service means none)
        "translations": any((r.get("id") or "").strip() == hsds.taxonomy_id("translation")
                            for _f, _l, r in tables.rows["taxonomies"]),
    }
    terms = _terms(tables)
    places = PlaceIndex()
    cleaned: list[tuple[dict, str]] = []
    seen: dict[str, int] = {}
    for filename, line, service in tables.rows["services"]:
        status = STATUS_FROM_HSDS.get((service.get("status") or "active").strip().lower())
        if status is None:
            report.add(line, f"{filename}, status", f"ukendt status {service.get('status')!r} "
                                                    f"(gyldige: {', '.join(STATUS_FROM_HSDS)}).")
            continue
        raw = _raw_values(service, tables, index, terms, default_category)
        try:
            values = services.clean_association(raw, index=places)
        except ValidationError as exc:
            for field_name, message in exc.errors:
                report.add(line, f"{filename}, {field_name}", message)
            continue
        if values["external_id"] in seen:
            report.add(line, f"{filename}, id",
                       f"{values['external_id']} står også på linje {seen[values['external_id']]}.")
            continue
        seen[values["external_id"]] = line
        values["status"] = status
        cleaned.append((values, service.get("assured_date", "")))
    if not report.ok:
        return report
    existing = by_external_id(Association, [v["external_id"] for v, _d in cleaned])
    slugs = set(db.session.scalars(sa.select(Association.slug)))
    for values, assured in cleaned:
        assoc = existing.get(values["external_id"])
        if assoc is None:
            assoc = services.create_association(values, actor=actor, slugs=slugs, flush=False)
            report.created += 1
        else:
            changed = services.update_association(assoc, values, actor=actor)
            if assoc.status != values["status"]:
                assoc.status, changed = values["status"], True
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1
                continue
        # The source's "last checked" date is the listing's, not the day it was copied here.
        assoc.last_verified_at = _assured(assured) or assoc.last_verified_at
    db.session.flush()
    return report
