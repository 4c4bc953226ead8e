"""Validate a newcomer's details from any door: the arrivals list, the contact forms.

Every parser collects its problems in a `Cleaner`, so a person (or a line of
the CSV) gets every problem at once. Locating the address is passed in: the
importer uses the offline `PlaceIndex` (no network per row), the forms the
configured geocoder (`geo.lookup.locate_text`).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import fields
from ..core.cleaning import Cleaner
from ..core.text import name_key
from ..geo.gazetteer import Located

MAX_CHILDREN = 15
MAX_CHILD_AGE = 24
MAX_ADULTS = 20
MAX_INTERESTS = 20
UI_LANGUAGES = ("da", "en")

Locator = Callable[[str | None, str | None, str | None], Located | None]


def local_date(value: Any, *, label: str) -> date | None:
    """A calendar date: 2025-03-01, or the Danish 1-3-2025 / 01.03.2025."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
    parts = (match.group(1), match.group(2), match.group(3)) if match else None
    if parts is None:
        match = re.fullmatch(r"(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})", raw)
        parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None:
        raise fields.FieldError(_("%(label)s skal være en dato som 2025-03-01 (fik %(value)s).",
                                  label=label, value=repr(raw[:30])))
    try:
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise fields.FieldError(_("%(label)s findes ikke i kalenderen (%(value)s).",
                                  label=label, value=repr(raw[:30]))) from None
    if not 1900 <= day.year <= 2200:
        raise fields.FieldError(f"{label} ligger uden for det mulige ({raw[:30]!r}).")
    return day


def _items(value: Any) -> list[str]:
    """'a;b', 'a, b' or ['a', 'b'] as a list of stripped, non-empty strings."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            out.extend(_items(item))
        return out
    if not isinstance(value, (str, int)):
        raise fields.FieldError(_("Skal være en liste."))
    return [v.strip() for v in re.split(r"[;,]", str(value)) if v.strip()]


def _age_items(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, bool):
        raise fields.FieldError(_("Et barns alder skal være et helt tal."))
    if isinstance(value, int):
        return [value]
    if isinstance(value, (list, tuple)):
        out: list = []
        for item in value:
            out.extend(_age_items(item))
        return out
    if isinstance(value, str):
        return [v for v in re.split(r"[;,\s]+", value) if v]
    raise fields.FieldError(_age_message())


def _age_message() -> str:
    # Worded as the newcomer form words it (matching/reasons.py MSG_AGE), so both forms say the same.
    return _("Børnenes alder skal være hele tal fra 0 til %(n)s.", n=MAX_CHILD_AGE)


def children_ages(value: Any) -> list[int]:
    """'4;9', '4, 9' or [4, 9]: each a whole number of years, youngest first."""
    ages = []
    for item in _age_items(value):
        try:
            age = fields.integer(item, minimum=0, maximum=MAX_CHILD_AGE, label=_l("Et barns alder"))
        except fields.FieldError:
            raise fields.FieldError(_age_message()) from None
        if age is not None:
            ages.append(age)
    if len(ages) > MAX_CHILDREN:
        raise fields.FieldError(_("Angiv højst %(n)s børn.", n=MAX_CHILDREN))
    return sorted(ages)


def interests(value: Any) -> list[str]:
    out: list[str] = []
    for item in _items(value):
        item = " ".join(item.lower().split())
        if "\x00" in item:
            raise fields.FieldError(_("En interesse indeholder et ugyldigt tegn."))
        if len(item) > 40:
            raise fields.FieldError(_("En interesse må højst være 40 tegn."))
        if item not in out:
            out.append(item)
    if len(out) > MAX_INTERESTS:
        raise fields.FieldError(_("Angiv højst %(n)s interesser.", n=MAX_INTERESTS))
    return out


def language_codes(value: Any) -> list[str]:
    return fields.language_codes(_items(value))


def preferred_language(languages: list[str]) -> str:
    """Write in Danish to households that speak it (or said nothing), else in English."""
    if not languages or "da" in languages:
        return "da"
    return "en"


def clean_newcomer(raw: dict[str, Any], *, locate: Locator, kolding_postcodes: set[str] | None = None,
                   consent_required_fields: bool = True) -> dict[str, Any]:
    """Validate one newcomer from raw strings (CSV) or form data.

    :param locate: turns (address, postcode, town) into a point, or None.
    :param kolding_postcodes: when given, a postcode outside them is refused.
    :param consent_required_fields: for someone who consents to contact, ask for a
        name and a way to reach them (email, phone or a postal address).
    :raises ValidationError: with every (field, message) found.
    """
    c = Cleaner(raw)
    out: dict[str, Any] = {
        "external_id": c.field("external_id", fields.text, max_length=64, label="external_id"),
        "name": c.field("name", fields.text, max_length=120, label=_l("Navnet")),
        "email": c.field("email", fields.email),
        "phone": c.field("phone", fields.phone),
        "address": c.field("address", fields.text, max_length=200, label=_l("Adressen")),
        "postcode": c.field("postcode", fields.postcode),
        "town": c.field("town", fields.text, max_length=80, label=_l("Byen")),
        "move_in_date": c.field("move_in_date", local_date, label=_l("Indflytningsdatoen")),
        "adults": c.field("adults", fields.integer, minimum=1, maximum=MAX_ADULTS, label=_l("Antal voksne")),
        "children_ages": c.field("children_ages", children_ages) or [],
        "languages": c.field("languages", language_codes) or [],
        "interests": c.field("interests", interests) or [],
        "consent_contact": bool(c.field("consent_contact", fields.boolean, label="consent_contact")),
    }
    if out["adults"] is None:
        out["adults"] = 1
    if out["email"]:
        out["email"] = out["email"].lower()
    chosen = (raw.get("preferred_language") or "").strip().lower() if isinstance(raw.get("preferred_language"),
                                                                                   str) else ""
    if chosen and chosen not in UI_LANGUAGES:
        c.error("preferred_language", _("Vælg dansk eller engelsk."))
    out["preferred_language"] = chosen if chosen in UI_LANGUAGES else preferred_language(out["languages"])
    if out["consent_contact"] and consent_required_fields:
        if not out["name"] and not any(f == "name" for f, _m in c.errors):
            c.error("name", _("Navnet skal udfyldes."))
        if not (out["email"] or out["phone"] or out["address"]) and not any(
                f in ("email", "phone", "address") for f, _m in c.errors):
            c.error("email", _("Angiv en e-mail, et telefonnummer eller en adresse, så vi kan kontakte dig."))
    out.update(_locate(c, out, locate, kolding_postcodes))
    out["search_name"] = name_key(out["name"])[:120] if out["name"] else None
    c.raise_if_errors()
    return out


def _locate(c: Cleaner, out: dict, locate: Locator, kolding_postcodes: set[str] | None) -> dict:
    found = {"lat": None, "lon": None, "location_precision": None, "place_id": None}
    address, postcode, town = out["address"], out["postcode"], out["town"]
    if postcode and kolding_postcodes is not None and postcode not in kolding_postcodes:
        c.error("postcode", _("Postnummeret %(postcode)s ligger ikke i Kolding Kommune.", postcode=postcode))
        return found
    if not (address or postcode or town) or any(f in ("address", "postcode", "town") for f, _m in c.errors):
        return found
    located = locate(address, postcode, town)
    if located is None:
        return found  # kept as typed; the coordinator can correct it
    found.update(lat=located.lat, lon=located.lon, location_precision=located.precision,
                 place_id=located.place_id)
    if not postcode and located.postcode:
        out["postcode"] = located.postcode
    return found
