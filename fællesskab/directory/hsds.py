"""The directory in Open Referral's Human Services Data Specification (HSDS 3).

One published association is one HSDS organization that runs one service at one
location: the organization carries the association's own public contact details
(email, phone, website, as its public page shows them; the directory holds no
contact persons, so none are published), the service the rest. Places become a
location with an address and coordinates, ages the service's eligibility,
languages `language` rows, the yearly price a `cost_option`, the meeting times a
`schedule`, and categories, target groups, keywords and "welcomes newcomers"
attributes pointing at taxonomies of our own that are published with the data.

English text: HSDS has no per-field translations, so the core fields (name,
description, the organization's description) stay Danish, and a listing's
optional English name, summary and description travel as service `attributes`
of our own "translation" taxonomy: the term (`name_en`, `summary_en`,
`description_en`) says which field, the attribute's `value` holds the English
text. Such rows validate against the standard's schemas, fit the data package's
`attributes.csv`, and the importer reads them back (a round trip keeps them).

Ids are UUIDs as the standard asks. An organization's or service's id carries the
association's database id (an RFC 9562 version 8, "custom", UUID), so the API finds
it without a lookup table; the rows under it get name-based (version 5) UUIDs.
The association's `external_id` travels as an organization identifier, so a
package exported here and imported elsewhere (or back) updates the same listings.

Pure mapping: no requests, no commits. The views (api/hsds.py), the export and the
importer (hsds_package.py) use it.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask_babel import force_locale

from ..core.vocab import CATEGORIES, LANGUAGE_NAMES, TARGET_GROUPS
from .models import Association

HSDS_VERSION = "3.2"
NAMESPACE = uuid.UUID("0b6a3f4e-2d51-5c8e-9a77-4f1d2c3b5e60")
# Version nibble 8 and variant bits 10: RFC 9562's "custom" UUID; the last 48 bits are the row id.
_ID_PREFIX = {"organization": "fae11e55-0000-8000-8001-", "service": "fae11e55-0000-8000-8002-"}
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

IDENTIFIER_TYPE = "Fællesskab external_id"
COUNTRY = "DK"
# The directory covers one municipality (core/location.py checks postcodes against it).
STATE_PROVINCE = "Region Syddanmark"
CURRENCY = "DKK"
PRICE_OPTION = "Kontingent pr. år"

FEATURE_WELCOMES = "welcomes_newcomers"
# key: (name, description); the terms come from the vocabularies in core/vocab.py.
TAXONOMIES = {
    "category": ("Fællesskab: kategorier", "Foreningens hovedkategori / the association's main category"),
    "target_group": ("Fællesskab: målgrupper", "Hvem foreningen er for / who the association is for"),
    "keyword": ("Fællesskab: nøgleord", "Frie nøgleord / free keywords"),
    "feature": ("Fællesskab: egenskaber", "Ja/nej-egenskaber (value: true/false) / yes-no features"),
    "translation": ("Fællesskab: engelsk tekst",
                    "Tekst på engelsk (value) til et af tjenestens felter / English text (value) of a field"),
}
FEATURES = {FEATURE_WELCOMES: ("Byder nye medlemmer velkommen", "Welcomes newcomers")}
# term code (the association's field) → (Danish name, English name)
TRANSLATIONS = {"name_en": ("Navn på engelsk", "Name in English"),
                "summary_en": ("Kort beskrivelse på engelsk", "Summary in English"),
                "description_en": ("Beskrivelse på engelsk", "Description in English")}


# ---------- ids ----------

def object_id(kind: str, pk: int) -> str:
    return f"{_ID_PREFIX[kind]}{pk:012x}"


def parse_object_id(kind: str, value: str) -> int | None:
    """The association id in an organization or service id of ours, or None."""
    value = (value or "").strip().lower()
    prefix = _ID_PREFIX[kind]
    if not value.startswith(prefix) or not re.fullmatch(r"[0-9a-f]{12}", value[len(prefix):]):
        return None
    return int(value[len(prefix):], 16)


def is_uuid(value: str) -> bool:
    return bool(UUID_RE.match((value or "").strip().lower()))


def child_id(kind: str, assoc: Association, key: Any = "") -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{assoc.id}:{key}"))


def taxonomy_id(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy:{key}"))


def term_id(key: str, code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"term:{key}:{code}"))


def term_lookup() -> dict[str, tuple[str, str]]:
    """Every fixed term id of ours → (taxonomy key, code); keywords are looked up by code instead."""
    found = {term_id("category", c): ("category", c) for c in CATEGORIES}
    found.update({term_id("target_group", c): ("target_group", c) for c in TARGET_GROUPS})
    found.update({term_id("feature", c): ("feature", c) for c in FEATURES})
    found.update({term_id("translation", c): ("translation", c) for c in TRANSLATIONS})
    return found


# ---------- taxonomies ----------

def taxonomy_doc(key: str) -> dict:
    name, description = TAXONOMIES[key]
    return {"id": taxonomy_id(key), "name": name, "description": description, "version": "1"}


def _labels(key: str, code: str) -> tuple[str, str]:
    if key == "feature":
        return FEATURES[code]
    if key == "translation":
        return TRANSLATIONS[code]
    if key == "keyword":
        return code, ""
    vocab = CATEGORIES if key == "category" else TARGET_GROUPS
    with force_locale("da"):
        danish = str(vocab[code])
    with force_locale("en"):
        english = str(vocab[code])
    return danish, english


def term_doc(key: str, code: str, *, nested: bool = False) -> dict:
    name, english = _labels(key, code)
    doc = {"id": term_id(key, code), "code": code, "name": name, "description": english,
           "taxonomy": TAXONOMIES[key][0], "taxonomy_id": taxonomy_id(key), "language": "da"}
    if nested:
        doc["taxonomy_detail"] = taxonomy_doc(key)
    return doc


def all_terms(associations: Iterable[Association]) -> list[dict]:
    """The full category, target-group and feature taxonomies, and the keywords in use."""
    terms = [term_doc("category", c) for c in CATEGORIES]
    terms += [term_doc("target_group", c) for c in TARGET_GROUPS]
    terms += [term_doc("feature", c) for c in FEATURES]
    terms += [term_doc("translation", c) for c in TRANSLATIONS]
    keywords = sorted({t for a in associations for t in a.tags or []})
    return terms + [term_doc("keyword", t) for t in keywords]


def _service_terms(a: Association) -> list[tuple[str, str, str | None]]:
    terms: list[tuple[str, str, str | None]] = [("category", a.category, None)]
    terms += [("target_group", g, None) for g in a.target_groups or [] if g in TARGET_GROUPS]
    terms += [("keyword", t, None) for t in a.tags or []]
    if a.welcomes_newcomers is not None:
        terms.append(("feature", FEATURE_WELCOMES, "true" if a.welcomes_newcomers else "false"))
    terms += [("translation", field, getattr(a, field)) for field in TRANSLATIONS if getattr(a, field)]
    return terms


# ---------- documents ----------

def _clean(doc: dict) -> dict:
    """Drop empty values: the schemas type each field (a null is no string or number)."""
    return {k: v for k, v in doc.items() if (v is not None and v != [] and v != "") or k == "description"}


def _date(value: datetime | None) -> str | None:
    return value.astimezone(UTC).date().isoformat() if value else None


def _datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def organization_doc(a: Association, *, full: bool = True) -> dict:
    org_id = object_id("organization", a.id)
    doc = {"id": org_id, "name": a.name, "description": a.summary or "", "email": a.email,
           "website": a.website}
    if full:
        doc["phones"] = [{"id": child_id("phone", a), "organization_id": org_id, "number": a.phone}] if a.phone else []
        doc["organization_identifiers"] = [{
            "id": child_id("organization_identifier", a), "organization_id": org_id,
            "identifier_type": IDENTIFIER_TYPE, "identifier": a.external_id}]
    return _clean(doc)


def _eligibility(a: Association) -> str | None:
    if a.age_min is None and a.age_max is None:
        return None
    return f"Alder {a.age_label} år / age {a.age_label}"


def location_doc(a: Association, *, service_id: str | None = None) -> dict:
    loc_id = child_id("location", a)
    doc = {"id": loc_id, "location_type": "physical", "organization_id": object_id("organization", a.id),
           "name": a.place.name if a.place else (a.town or a.name), "latitude": a.lat, "longitude": a.lon}
    if a.address or a.postcode or a.town:
        # Every field the schema requires, empty where we know no more (a town without a street).
        doc["addresses"] = [{
            "id": child_id("address", a), "location_id": loc_id, "address_1": a.address or "",
            "city": a.town or (a.place.name if a.place else ""), "state_province": STATE_PROVINCE,
            "postal_code": a.postcode or "", "country": COUNTRY, "address_type": "physical"}]
    return _clean(doc)


def service_doc(a: Association, *, full: bool = True) -> dict:
    """The service of an association: one-to-one fields only (lists), or fully nested (`full`)."""
    service_id = object_id("service", a.id)
    doc = {
        "id": service_id, "organization_id": object_id("organization", a.id), "name": a.name,
        "description": a.description or "", "url": a.website, "email": a.email,
        "status": "active" if a.is_published else "inactive",
        "eligibility_description": _eligibility(a), "minimum_age": a.age_min, "maximum_age": a.age_max,
        "fees_description": f"{a.price_dkk_per_year} kr. om året" if a.price_dkk_per_year is not None else None,
        "assured_date": _date(a.last_verified_at), "last_modified": _datetime(a.updated_at),
    }
    if not full:
        return _clean(doc)
    sal_id = child_id("service_at_location", a)
    location = location_doc(a)
    doc.update({
        "languages": [{"id": child_id("language", a, code), "service_id": service_id, "code": code,
                       "name": _language_name(code)} for code in a.languages or []],
        "schedules": ([{"id": child_id("schedule", a), "service_id": service_id, "description": a.meeting_times}]
                      if a.meeting_times else []),
        "cost_options": ([{"id": child_id("cost_option", a), "service_id": service_id, "currency": CURRENCY,
                           "amount": a.price_dkk_per_year, "option": PRICE_OPTION}]
                         if a.price_dkk_per_year is not None else []),
        "service_at_locations": [{"id": sal_id, "service_id": service_id, "location_id": location["id"],
                                  "location": location}],
        "attributes": [_clean({"id": child_id("attribute", a, f"{key}:{code}"), "link_id": service_id,
                               "link_entity": "service", "link_type": key,
                               "taxonomy_term_id": term_id(key, code), "value": value,
                               "taxonomy_term": term_doc(key, code, nested=True)})
                       for key, code, value in _service_terms(a)],
        "organization": organization_doc(a),
    })
    return _clean(doc)


def _language_name(code: str) -> str:
    label = LANGUAGE_NAMES.get(code)
    if label is None:
        return code
    with force_locale("da"):
        return str(label)


# ---------- the tables of a data package ----------

NUMBER_FIELDS = {"minimum_age", "maximum_age", "latitude", "longitude", "amount"}
DATE_FIELDS = {"assured_date"}
DATETIME_FIELDS = {"last_modified"}

# table name → (file, columns); the files are named as the standard's schemas name them.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "organizations": ("organizations.csv", ("id", "name", "description", "email", "website")),
    "organization_identifiers": ("organization_identifiers.csv",
                                 ("id", "organization_id", "identifier_scheme", "identifier_type", "identifier")),
    "services": ("services.csv", ("id", "organization_id", "name", "description", "url", "email", "status",
                                  "eligibility_description", "minimum_age", "maximum_age", "fees_description",
                                  "assured_date", "last_modified")),
    "service_at_locations": ("service_at_location.csv", ("id", "service_id", "location_id")),
    "locations": ("locations.csv", ("id", "organization_id", "location_type", "name", "latitude", "longitude")),
    "addresses": ("addresses.csv", ("id", "location_id", "address_1", "city", "state_province", "postal_code",
                                    "country", "address_type")),
    "phones": ("phones.csv", ("id", "organization_id", "service_id", "number")),
    "schedules": ("schedules.csv", ("id", "service_id", "description")),
    "languages": ("languages.csv", ("id", "service_id", "name", "code")),
    "cost_options": ("cost_options.csv", ("id", "service_id", "option", "currency", "amount")),
    "attributes": ("attributes.csv", ("id", "link_id", "link_entity", "link_type", "taxonomy_term_id", "value")),
    "taxonomy_terms": ("taxonomy_terms.csv", ("id", "code", "name", "description", "taxonomy", "taxonomy_id",
                                              "language")),
    "taxonomies": ("taxonomies.csv", ("id", "name", "description", "version")),
}


def field_type(column: str) -> str:
    if column in NUMBER_FIELDS:
        return "number"
    if column in DATE_FIELDS:
        return "date"
    if column in DATETIME_FIELDS:
        return "datetime"
    return "string"


def table_rows(associations: list[Association]) -> dict[str, list[dict]]:
    """Flatten the nested documents into the data package's tables."""
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    for a in associations:
        service = service_doc(a)
        org = service.pop("organization")
        tables["organizations"].append(org)
        tables["organization_identifiers"] += org.get("organization_identifiers", [])
        tables["phones"] += org.get("phones", [])
        tables["services"].append(service)
        for sal in service.get("service_at_locations", []):
            location = sal["location"]
            tables["service_at_locations"].append(sal)
            tables["locations"].append(location)
            tables["addresses"] += location.get("addresses", [])
        for name in ("schedules", "languages", "cost_options", "attributes"):
            tables[name] += service.get(name, [])
    tables["taxonomy_terms"] = all_terms(associations)
    tables["taxonomies"] = [taxonomy_doc(key) for key in TAXONOMIES]
    return tables
