"""Turn associations and events into search documents.

A document is a dict of the schema's fields (see schema.py); its `text` is a
list of (source, text) pairs that the index weights by source. Only what the
public may find is indexed: published associations and approved events;
anything else has no document (`None`) and is removed from the index.
"""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

# Words indexed in the "meta" field, so "børn", "kids", "seniors" or "english"
# find listings by their target group, category or language (Danish + English).
CATEGORY_WORDS = {
    "sport": "sport motion idræt sports",
    "culture": "kultur culture",
    "music": "musik music",
    "creative": "kreativ håndarbejde creative crafts",
    "nature": "natur friluftsliv nature outdoors",
    "volunteering": "frivillig volunteering volunteer",
    "family": "børn familie family children",
    "seniors": "seniorer ældre seniors",
    "local-community": "lokalsamfund borgerforening local community",
    "international": "international internationale",
    "students": "studerende students",
    "faith": "tro kirke faith",
    "health": "sundhed trivsel health wellbeing",
    "hobby": "hobby",
    "networking": "netværk networking",
}
TARGET_GROUP_WORDS = {
    "children": "børn children kids",
    "teens": "unge teenagere teens youth",
    "young-adults": "unge voksne young adults",
    "adults": "voksne adults",
    "seniors": "seniorer ældre seniors",
    "families": "familier familie families",
    "students": "studerende students",
    "internationals": "internationale internationals expats",
    "newcomers": "tilflyttere nye newcomers",
}
LANGUAGE_WORDS = {
    "da": "dansk danish", "en": "engelsk english", "de": "tysk german", "uk": "ukrainsk ukrainian",
    "pl": "polsk polish", "ar": "arabisk arabic", "ro": "rumænsk romanian", "lt": "litauisk lithuanian",
    "es": "spansk spanish", "fr": "fransk french", "sv": "svensk swedish", "no": "norsk norwegian",
    "tr": "tyrkisk turkish", "fa": "persisk persian farsi", "so": "somalisk somali",
    "ti": "tigrinya", "ru": "russisk russian", "it": "italiensk italian",
}
EVENT_KIND_WORDS = {
    "welcome-meeting": "velkomstmøde velkomst welcome meeting",
    "open-house": "åbent hus open house",
    "fair": "messe foreningsmesse fair",
    "social": "socialt arrangement social",
    "activity": "aktivitet activity",
}
DESCRIPTION_STORED = 1200  # characters kept for snippets


class Attrs(NamedTuple):
    """Per-document values for filters, facets, distance and sorting."""

    kind: str  # "association" | "event"
    category: str
    target_groups: tuple[str, ...]
    age_min: int | None
    age_max: int | None
    languages: tuple[str, ...]
    place: str  # place slug, "" if none
    newcomers: bool | None
    starts: int | None  # events: start as a POSIX timestamp
    lat: float
    lon: float
    updated: int  # the row's updated_at in microseconds since the epoch
    sortname: str  # lowercased name, for browsing in name order


def encode_attrs(a: Attrs) -> bytes:
    def opt(v):
        return "" if v is None else str(v)

    newcomers = "" if a.newcomers is None else ("1" if a.newcomers else "0")
    return "|".join([
        a.kind[0], a.category, ",".join(a.target_groups), opt(a.age_min), opt(a.age_max),
        ",".join(a.languages), a.place, newcomers, opt(a.starts), repr(a.lat), repr(a.lon), str(a.updated),
        a.sortname.replace("|", " "),
    ]).encode("utf-8")


def decode_attrs(raw: bytes) -> Attrs:
    (kind, category, groups, age_min, age_max, langs, place, newcomers, starts, lat, lon,
     updated, sortname) = raw.decode("utf-8").split("|", 12)
    return Attrs(
        "association" if kind == "a" else "event", category, tuple(groups.split(",")) if groups else (),
        int(age_min) if age_min else None, int(age_max) if age_max else None,
        tuple(langs.split(",")) if langs else (), place,
        None if not newcomers else newcomers == "1", int(starts) if starts else None,
        float(lat), float(lon), int(updated), sortname,
    )


def sort_key(name: str) -> str:
    return " ".join((name or "").lower().split())[:40]


def _ts(value: datetime | None) -> int:
    return int(value.timestamp()) if value is not None else 0


def micros(value: datetime | None) -> int:
    """Microseconds since the epoch (orders two edits within one second)."""
    return round(value.timestamp() * 1_000_000) if value is not None else 0


def doc_id(kind: str, obj_id: int) -> str:
    return f"{kind}:{obj_id}"


def _meta(category: str, target_groups, languages, extra: str = "") -> str:
    parts = [CATEGORY_WORDS.get(category, "")]
    parts += [TARGET_GROUP_WORDS.get(g, "") for g in target_groups or ()]
    parts += [LANGUAGE_WORDS.get(code, "") for code in languages or ()]
    parts.append(extra)
    return " ".join(p for p in parts if p)


def _place_text(place, town: str | None, postcode: str | None) -> str:
    parts = [place.name, place.postal_district] if place is not None else []
    parts += [town or "", postcode or ""]
    return " ".join(dict.fromkeys(p for p in parts if p))


_UNSET = object()


def association_document(a, place=_UNSET) -> dict | None:
    """Return the document of an association, or None when it is not public.

    :param place: the association's Place, if already at hand (else `a.place`).
    """
    if a.status != "published" or a.id is None:
        return None
    place = a.place if place is _UNSET else place
    tags = " ; ".join(a.tags or [])
    place_text = _place_text(place, a.town, a.postcode)
    attrs = Attrs(
        "association", a.category, tuple(a.target_groups or ()), a.age_min, a.age_max,
        tuple(a.languages or ("da",)), place.slug if place is not None else "", a.welcomes_newcomers,
        None, a.lat, a.lon, micros(a.updated_at or a.created_at), sort_key(a.name),
    )
    description = a.description or ""
    return {
        "doc_id": doc_id("association", a.id),
        "text": [
            ("name", a.name), ("tags", tags), ("summary", a.summary or ""), ("description", description),
            # the optional English text, weighted as its Danish counterpart
            ("name", a.name_en or ""), ("summary", a.summary_en or ""), ("description", a.description_en or ""),
            ("place", place_text), ("meta", _meta(a.category, a.target_groups, a.languages)),
        ],
        "spell": " ".join([a.name, tags, a.summary or "", place_text, a.name_en or "", a.summary_en or ""]),
        "attrs": encode_attrs(attrs),
        "data": {
            "type": "association", "id": a.id, "external_id": a.external_id, "slug": a.slug,
            "name": a.name, "summary": a.summary or "", "description": description[:DESCRIPTION_STORED],
            "name_en": a.name_en or None, "summary_en": a.summary_en or None,
            "description_en": (a.description_en or "")[:DESCRIPTION_STORED] or None,
            "category": a.category, "place": place.name if place is not None else (a.town or None),
            "age_min": a.age_min, "age_max": a.age_max,
        },
    }


def event_document(e, place=_UNSET, association=_UNSET, forum=_UNSET) -> dict | None:
    """Return the document of an event, or None unless it is approved.

    An event takes its category, target groups, ages and languages from the
    association that hosts it; a forum's event counts as local community.
    """
    if e.status != "approved" or e.id is None:
        return None
    place = e.place if place is _UNSET else place
    association = e.association if association is _UNSET else association
    forum = e.forum if forum is _UNSET else forum
    host = forum.name if forum is not None else (association.name if association is not None else "")
    if association is not None:
        category, groups = association.category, list(association.target_groups or ())
        ages, languages = (association.age_min, association.age_max), list(association.languages or ("da",))
        tags = " ; ".join(association.tags or [])
    else:
        category, groups, ages, languages, tags = "local-community", [], (None, None), ["da"], ""
    if e.kind == "welcome-meeting" and "newcomers" not in groups:
        groups.append("newcomers")
    place_text = _place_text(place, e.town, e.postcode)
    kind_words = EVENT_KIND_WORDS.get(e.kind, "")
    attrs = Attrs(
        "event", category, tuple(groups), ages[0], ages[1], tuple(languages),
        place.slug if place is not None else "", True, _ts(e.starts_at), e.lat, e.lon,
        micros(e.updated_at or e.created_at), sort_key(e.title),
    )
    description = e.description or ""
    return {
        "doc_id": doc_id("event", e.id),
        "text": [
            ("name", e.title), ("tags", " ; ".join(p for p in (kind_words, tags) if p)), ("summary", host),
            ("description", description), ("name", e.title_en or ""), ("description", e.description_en or ""),
            ("place", place_text),
            ("meta", _meta(category, groups, languages, "arrangement event")),
        ],
        "spell": " ".join([e.title, host, place_text, e.title_en or ""]),
        "attrs": encode_attrs(attrs),
        "data": {
            "type": "event", "id": e.id, "external_id": e.external_id, "name": e.title,
            "summary": host, "description": description[:DESCRIPTION_STORED], "category": category,
            "name_en": e.title_en or None, "description_en": (e.description_en or "")[:DESCRIPTION_STORED] or None,
            "place": place.name if place is not None else (e.town or None), "kind": e.kind,
            "starts_at": e.starts_at.isoformat() if e.starts_at else None,
            "association_id": e.association_id,
        },
    }
