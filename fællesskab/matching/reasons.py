"""Put reason codes (ranking.Reason) and matching's messages into words, Danish or English.

Phrases are Danish msgids marked with `N_` (so `pybabel extract` finds them).
`translate` asks Flask-Babel's catalogue first; while there is no English
catalogue, the table `ENGLISH` below is the English translation, so an API
request with `Accept-Language: en` really gets English. Numbers and dates are
formatted by Babel for the locale (1,2 km / 1.2 km; 12. marts kl. 19 /
12 March at 19:00), in Copenhagen time.
"""
from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime
from babel.numbers import format_decimal

from ..core.time import to_local
from .ranking import Reason


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
NEWCOMERS = N_("nye er velkomne")
DATE_FORMAT = N_("d. MMMM 'kl.' H")
DATE_FORMAT_MINUTES = N_("d. MMMM 'kl.' H:mm")

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

ENGLISH = {
    DISTANCE: "%(km)s km away",
    EVENT: "%(kind)s %(when)s",
    INTEREST: "matches %(words)s",
    AND: "and",
    CHILDREN_RANGE: "for children aged %(min)s–%(max)s",
    CHILDREN_FROM: "for children from age %(min)s",
    CHILDREN_TO: "for children up to age %(max)s",
    FAMILY: "for the whole family",
    CHILDREN_TOO: "children welcome too",
    ADULTS_RANGE: "for adults aged %(min)s–%(max)s",
    SENIORS_FROM: "for seniors from age %(min)s",
    AGES_RANGE: "for ages %(min)s–%(max)s",
    AGES_FROM: "from age %(min)s",
    AGES_TO: "up to age %(max)s",
    SPEAKS: "%(language)s spoken",
    ONLY: "in %(language)s",
    VILLAGE: "in %(place)s, where you live",
    NEWCOMERS: "newcomers welcome",
    DATE_FORMAT: "d MMMM 'at' H:mm",
    DATE_FORMAT_MINUTES: "d MMMM 'at' H:mm",
    "velkomstmøde": "welcome meeting", "åbent hus": "open house", "foreningsmesse": "association fair",
    "socialt arrangement": "social event", "aktivitet": "activity",
    "dansk": "Danish", "engelsk": "English", "tysk": "German", "ukrainsk": "Ukrainian", "polsk": "Polish",
    "arabisk": "Arabic", "rumænsk": "Romanian", "litauisk": "Lithuanian", "spansk": "Spanish",
    "fransk": "French", "svensk": "Swedish", "norsk": "Norwegian", "tyrkisk": "Turkish", "persisk": "Persian",
    "somalisk": "Somali", "tigrinya": "Tigrinya", "russisk": "Russian", "italiensk": "Italian",
    "tagalog": "Tagalog",
    "Sport og motion": "Sport and exercise", "Kultur": "Culture", "Musik og sang": "Music and singing",
    "Kreative fællesskaber": "Creative groups", "Natur og friluftsliv": "Nature and the outdoors",
    "Frivilligt arbejde": "Volunteering", "Børn og familie": "Children and families", "Seniorer": "Seniors",
    "Lokalsamfund": "Local community", "Internationale fællesskaber": "International communities",
    "Studerende": "Students", "Tro og livssyn": "Faith and belief", "Sundhed og trivsel": "Health and wellbeing",
    "Hobby og spil": "Hobbies and games", "Netværk": "Networking",
    MSG_NO_LOCATION: "Enter your address, your town or your postcode.",
    MSG_ADDRESS_TEXT: "The address must be text.",
    MSG_ADDRESS_LONG: "The address is too long (at most %(n)s characters).",
    MSG_NOT_FOUND: "We could not find the address in Kolding Municipality. Try a street name and postcode, "
                   "or just your town.",
    MSG_LAT_LON_BOTH: "Give both lat and lon, or neither.",
    MSG_LAT: "lat must be a latitude in Denmark (54.4–57.9).",
    MSG_LON: "lon must be a longitude in Denmark (7.8–15.3).",
    MSG_LIST: "%(field)s must be a list.",
    MSG_INTEREST_TEXT: "Each interest must be text of at most %(n)s characters.",
    MSG_INTERESTS_MANY: "Choose at most %(n)s interests.",
    MSG_AGE: "Children's ages must be whole numbers from 0 to 17.",
    MSG_CHILDREN_MANY: "Give at most %(n)s children.",
    MSG_ADULTS: "The number of adults must be a whole number from 0 to %(n)s.",
    MSG_NOBODY: "The household must have at least one person.",
    MSG_LANGUAGE: "Languages must be two-letter ISO 639-1 codes, such as \"da\" or \"en\".",
    MSG_LANGUAGES_MANY: "Give at most %(n)s languages.",
    MSG_MAX_KM: "max_km must be a number greater than 0 and at most %(n)s.",
    MSG_LIMIT: "limit must be a whole number from 1 to %(n)s.",
    MSG_BODY: "The request body must be a JSON object.",
}
QUOTES = {"da": ("»", "«"), "en": ("“", "”")}


def norm_locale(locale) -> str:
    """'en', 'en_GB', Locale('en') → 'en'; anything but English → 'da'."""
    return "en" if str(locale or "da").lower().startswith("en") else "da"


def translate(msgid: str, locale: str, **params) -> str:
    """The msgid in `locale` (the catalogue first, then ENGLISH), with `params` filled in."""
    locale = norm_locale(locale)
    text = msgid
    if locale != "da":
        text = _catalogue(msgid, locale)
        if text == msgid:
            text = ENGLISH.get(msgid, msgid)
    return text % params if params else text


def _catalogue(msgid: str, locale: str) -> str:
    try:
        from flask import has_app_context
        from flask_babel import force_locale, gettext

        if not has_app_context():
            return msgid
        with force_locale(locale):
            return gettext(msgid)
    except Exception:  # no Babel set up (scripts): the table answers
        return msgid


def km_text(km: float, locale: str) -> str:
    locale = norm_locale(locale)
    return format_decimal(round(km, 1) if km < 10 else round(km), format="#,##0.0" if km < 10 else "#,##0",
                          locale=locale)


def when_text(value: datetime, locale: str) -> str:
    local = to_local(value)
    fmt = DATE_FORMAT if local.minute == 0 and norm_locale(locale) == "da" else DATE_FORMAT_MINUTES
    return format_datetime(local, translate(fmt, locale), locale=norm_locale(locale))


def category_label(slug: str, locale: str) -> str:
    return translate(CATEGORIES[slug], locale) if slug in CATEGORIES else slug


def language_name(code: str, locale: str) -> str:
    return translate(LANGUAGES[code], locale) if code in LANGUAGES else code


def _quoted(words: list[str], locale: str) -> str:
    left, right = QUOTES[norm_locale(locale)]
    shown = [f"{left}{category_label(w, locale) if w in CATEGORIES else w}{right}" for w in words]
    return f" {translate(AND, locale)} ".join(shown)


def _age(params: dict, locale: str) -> str:
    kind, lo, hi = params["kind"], params.get("min"), params.get("max")
    lo = lo if lo else None
    if kind == "family":
        return translate(FAMILY, locale)
    if kind == "children_too":
        return translate(CHILDREN_TOO, locale)
    if kind == "children":
        if lo is not None and hi is not None:
            return translate(CHILDREN_RANGE, locale, min=lo, max=hi)
        return translate(CHILDREN_FROM, locale, min=lo) if lo is not None else translate(CHILDREN_TO, locale, max=hi)
    if kind == "adults" and lo is not None and hi is not None:
        return translate(ADULTS_RANGE, locale, min=lo, max=hi)
    if kind == "seniors" and lo is not None:
        return translate(SENIORS_FROM, locale, min=lo)
    if lo is not None and hi is not None:
        return translate(AGES_RANGE, locale, min=lo, max=hi)
    return translate(AGES_FROM, locale, min=lo) if lo is not None else translate(AGES_TO, locale, max=hi)


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
    if code == "newcomers":
        return translate(NEWCOMERS, locale)
    if code == "category":
        return category_label(p["category"], locale)
    raise ValueError(f"unknown reason code {code!r}")


def format_reasons(reasons: list[Reason], locale: str) -> list[str]:
    return [format_reason(r, locale) for r in reasons]
