"""Put reason codes (ranking.Reason) and matching's messages into words, Danish or English.

Phrases are Danish msgids marked with `N_` (so `pybabel extract` finds them);
`translate` looks them up through Flask-Babel (`force_locale`) in the locale
asked for, which need not be the request's (the JSON API answers in the
Accept-Language). Numbers and dates go through core.formatting (1,2 km /
1.2 km; 12. marts kl. 19 / 12 March at 19:00), in Copenhagen time.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from flask import has_app_context
from flask_babel import force_locale, gettext

from ..core import formatting
from .ranking import Reason, reason_from_data


def N_(msgid: str) -> str:
    """Mark a msgid for extraction; translated later by `translate`."""
    return msgid


# Reasons
DISTANCE = N_("%(km)s km fra dig")
EVENT = N_("%(kind)s %(when)s")
INTEREST = N_("matcher %(words)s")
AND = N_("og")
CHILDREN_RANGE = N_("for børn %(min)s–%(max)s år")
CHILDREN_FROM = N_("for børn fra %(min)s år")
CHILDREN_TO = N_("for børn op til %(max)s år")
FAMILY = N_("for hele familien")
CHILDREN_TOO = N_("også for børn")
ADULTS_RANGE = N_("for voksne %(min)s–%(max)s år")
SENIORS_FROM = N_("for seniorer fra %(min)s år")
AGES_RANGE = N_("for %(min)s–%(max)s år")
AGES_FROM = N_("fra %(min)s år")
AGES_TO = N_("op til %(max)s år")
SPEAKS = N_("taler %(language)s")
ONLY = N_("foregår på %(language)s")
VILLAGE = N_("i %(place)s, hvor du bor")
WHERE = N_("i %(place)s")
CHILDREN = N_("for børn")
NEWCOMERS = N_("nye er velkomne")

EVENT_KINDS = {
    "welcome-meeting": N_("velkomstmøde"), "open-house": N_("åbent hus"), "fair": N_("foreningsmesse"),
    "social": N_("socialt arrangement"), "activity": N_("aktivitet"),
}
LANGUAGES = {
    "da": N_("dansk"), "en": N_("engelsk"), "de": N_("tysk"), "uk": N_("ukrainsk"), "pl": N_("polsk"),
    "ar": N_("arabisk"), "ro": N_("rumænsk"), "lt": N_("litauisk"), "es": N_("spansk"), "fr": N_("fransk"),
    "sv": N_("svensk"), "no": N_("norsk"), "tr": N_("tyrkisk"), "fa": N_("persisk"), "so": N_("somalisk"),
    "ti": N_("tigrinya"), "ru": N_("russisk"), "it": N_("italiensk"), "tl": N_("tagalog"),
}
CATEGORIES = {
    "sport": N_("Sport og motion"), "culture": N_("Kultur"), "music": N_("Musik og sang"),
    "creative": N_("Kreative fællesskaber"), "nature": N_("Natur og friluftsliv"),
    "volunteering": N_("Frivilligt arbejde"), "family": N_("Børn og familie"), "seniors": N_("Seniorer"),
    "local-community": N_("Lokalsamfund"), "international": N_("Internationale fællesskaber"),
    "students": N_("Studerende"), "faith": N_("Tro og livssyn"), "health": N_("Sundhed og trivsel"),
    "hobby": N_("Hobby og spil"), "networking": N_("Netværk"),
}

# Messages of the request checks
MSG_NO_LOCATION = N_("Skriv din adresse, din by eller dit postnummer.")
MSG_ADDRESS_TEXT = N_("Adressen skal være tekst.")
MSG_ADDRESS_LONG = N_("Adressen er for lang (højst %(n)s tegn).")
MSG_NOT_FOUND = N_("Vi kunne ikke finde adressen i Kolding Kommune. Prøv med vejnavn og postnummer, "
                   "eller bare din by.")
MSG_LAT_LON_BOTH = N_("Angiv både lat og lon, eller ingen af dem.")
MSG_LAT = N_("lat skal være en breddegrad i Danmark (54,4–57,9).")
MSG_LON = N_("lon skal være en længdegrad i Danmark (7,8–15,3).")
MSG_LIST = N_("%(field)s skal være en liste.")
MSG_INTEREST_TEXT = N_("Hver interesse skal være tekst på højst %(n)s tegn.")
MSG_INTERESTS_MANY = N_("Vælg højst %(n)s interesser.")
MSG_AGE = N_("Børnenes alder skal være hele tal fra 0 til 17.")
MSG_CHILDREN_MANY = N_("Angiv højst %(n)s børn.")
MSG_ADULTS = N_("Antal voksne skal være et helt tal fra 0 til %(n)s.")
MSG_NOBODY = N_("Husstanden skal have mindst én person.")
MSG_LANGUAGE = N_("Sprog skal angives som sprogkoder på to bogstaver (ISO 639-1), fx »da« eller »en«.")
MSG_LANGUAGES_MANY = N_("Angiv højst %(n)s sprog.")
MSG_MAX_KM = N_("max_km skal være et tal større end 0 og højst %(n)s.")
MSG_LIMIT = N_("limit skal være et helt tal fra 1 til %(n)s.")
MSG_BODY = N_("Forespørgslen skal være et JSON-objekt.")

QUOTES = {"da": ("»", "«"), "en": ("“", "”")}


def norm_locale(locale) -> str:
    """'en', 'en_GB', Locale('en') → 'en'; anything but English → 'da'."""
    return "en" if str(locale or "da").lower().startswith("en") else "da"


def translate(msgid: str, locale: str, **params) -> str:
    """The msgid in `locale` (not necessarily the request's), with `params` filled in."""
    text = _looked_up(msgid, norm_locale(locale))
    return text % params if params else text


@lru_cache(maxsize=1024)
def _looked_up(msgid: str, locale: str) -> str:
    """Flask-Babel's lookup costs about 20 µs (its context and catalogue lookups); a match
    words some 50 phrases, and the catalogue does not change while the process runs."""
    if not has_app_context():  # Flask-Babel would answer the msgid, and it would be cached
        raise RuntimeError("matching.reasons needs an app context to find the translations")
    with force_locale(locale):
        return gettext(msgid)


def km_text(km: float, locale: str) -> str:
    km = round(km, 2)
    if km < 10:  # one cache entry per text shown: one decimal under 10 km, whole km above
        return _km_text(round(km, 1), True, norm_locale(locale))
    return _km_text(float(round(km)), False, norm_locale(locale))


@lru_cache(maxsize=4096)
def _km_text(km: float, decimal: bool, locale: str) -> str:
    """Babel's number formatting costs about half a millisecond a call; a match words 15 distances."""
    return formatting.distance_number(km, locale, precise=decimal)


def when_text(value: datetime, locale: str) -> str:
    """'12. marts kl. 19' (whole hours in Danish) / '12 March at 19:00'."""
    style = "day_hour" if formatting.to_local(value).minute == 0 else "day_time"
    return formatting.datetime_text(value, style, norm_locale(locale))


def category_label(slug: str, locale: str) -> str:
    return translate(CATEGORIES[slug], locale) if slug in CATEGORIES else slug


def language_name(code: str, locale: str) -> str:
    return translate(LANGUAGES[code], locale) if code in LANGUAGES else code


def _quoted(words: list[str], locale: str) -> str:
    left, right = QUOTES[norm_locale(locale)]
    shown = [f"{left}{category_label(w, locale) if w in CATEGORIES else w}{right}" for w in words]
    return f" {translate(AND, locale)} ".join(shown)


def _bound(value, *, upper: bool = False):
    """An age bound to show, or None when that end is open (0 below, 200 and over above)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        return None
    if (not upper and value <= 0) or (upper and value >= 200):
        return None
    return value


def _age(params: dict, locale: str) -> str:
    """The age reason; an open end is left out ("fra 6 år", "op til 12 år"), never shown as None."""
    kind = params["kind"]
    lo, hi = _bound(params.get("min")), _bound(params.get("max"), upper=True)
    if kind == "family":
        return translate(FAMILY, locale)
    if kind == "children_too":
        return translate(CHILDREN_TOO, locale)
    if kind == "children":
        if lo is not None and hi is not None:
            return translate(CHILDREN_RANGE, locale, min=lo, max=hi)
        if lo is not None:
            return translate(CHILDREN_FROM, locale, min=lo)
        return translate(CHILDREN_TO, locale, max=hi) if hi is not None else translate(CHILDREN, locale)
    if kind == "adults" and lo is not None and hi is not None:
        return translate(ADULTS_RANGE, locale, min=lo, max=hi)
    if kind == "seniors" and lo is not None:
        return translate(SENIORS_FROM, locale, min=lo)
    if lo is not None and hi is not None:
        return translate(AGES_RANGE, locale, min=lo, max=hi)
    if lo is not None:
        return translate(AGES_FROM, locale, min=lo)
    return translate(AGES_TO, locale, max=hi) if hi is not None else translate(CHILDREN, locale)


def format_reason(reason: Reason, locale: str) -> str:
    """One reason as a short phrase."""
    p = reason.params
    code = reason.code
    if code == "distance":
        return translate(DISTANCE, locale, km=km_text(p["km"], locale))
    if code == "event":
        kind = translate(EVENT_KINDS.get(p["kind"], EVENT_KINDS["activity"]), locale)
        return translate(EVENT, locale, kind=kind, when=when_text(p["starts_at"], locale))
    if code == "interest":
        return translate(INTEREST, locale, words=_quoted(p["words"], locale))
    if code == "age":
        return _age(p, locale)
    if code == "language":
        name = language_name(p["lang"], locale)
        return translate(SPEAKS if p["kind"] == "speaks" else ONLY, locale, language=name)
    if code == "village":
        return translate(VILLAGE, locale, place=p["place"])
    if code == "where":
        return translate(WHERE, locale, place=p["place"])
    if code == "newcomers":
        return translate(NEWCOMERS, locale)
    raise ValueError(f"unknown reason code {code!r}")


def format_reasons(reasons: list[Reason], locale: str) -> list[str]:
    return [format_reason(r, locale) for r in reasons]


def format_stored(codes: list[dict], locale: str) -> list[str]:
    """Reasons kept as codes and values (`ranking.reason_data`, e.g. on a case) in words,
    in the language of the page showing them; unknown codes are left out."""
    out = []
    for data in codes or []:
        try:
            out.append(format_reason(reason_from_data(data), locale))
        except (KeyError, TypeError, ValueError):
            continue  # stored by another version: better no phrase than a wrong one
    return out
