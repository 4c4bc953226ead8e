"""Controlled vocabularies of the CSV formats and the UI (slugs from CONTRACT.md)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

CATEGORIES = {
    "sport": _l("Sport og motion"),
    "culture": _l("Kultur"),
    "music": _l("Musik og sang"),
    "creative": _l("Kreative fællesskaber"),
    "nature": _l("Natur og friluftsliv"),
    "volunteering": _l("Frivilligt arbejde"),
    "family": _l("Børn og familie"),
    "seniors": _l("Seniorer"),
    "local-community": _l("Lokalsamfund"),
    "international": _l("Internationale fællesskaber"),
    "students": _l("Studerende"),
    "faith": _l("Tro og livssyn"),
    "health": _l("Sundhed og trivsel"),
    "hobby": _l("Hobby og spil"),
    "networking": _l("Netværk"),
}

TARGET_GROUPS = {
    "children": _l("Børn"),
    "teens": _l("Unge"),
    "young-adults": _l("Unge voksne"),
    "adults": _l("Voksne"),
    "seniors": _l("Seniorer"),
    "families": _l("Familier"),
    "students": _l("Studerende"),
    "internationals": _l("Internationale"),
    "newcomers": _l("Nye i kommunen"),
}

EVENT_KINDS = {
    "welcome-meeting": _l("Velkomstmøde"),
    "open-house": _l("Åbent hus"),
    "fair": _l("Messe"),
    "social": _l("Socialt arrangement"),
    "activity": _l("Aktivitet"),
}

class LanguageNames(dict):
    """The languages offered in forms (`in`, `items()`), naming every ISO 639-1 code on `get`.

    A code outside the curated list (`tl`, `ta`) is named by Babel in the page's language,
    so no page shows a bare code; `in` stays the curated list, which the forms offer.
    """

    def get(self, code, default=None):
        if code in self:
            return self[code]
        if isinstance(code, str) and len(code) == 2 and code.isascii() and code.isalpha():
            from babel import Locale
            from flask_babel import get_locale

            name = (get_locale() or Locale("da")).languages.get(code.lower())
            if name:
                return name
        return default


def interest_label(word: str) -> str:
    """An interest as a person reads it: a category slug becomes its label, a free word stays."""
    return str(CATEGORIES[word]) if word in CATEGORIES else word


LANGUAGE_NAMES = LanguageNames({
    "da": _l("dansk"),
    "en": _l("engelsk"),
    "de": _l("tysk"),
    "uk": _l("ukrainsk"),
    "pl": _l("polsk"),
    "ar": _l("arabisk"),
    "ro": _l("rumænsk"),
    "lt": _l("litauisk"),
    "es": _l("spansk"),
    "fr": _l("fransk"),
    "sv": _l("svensk"),
    "no": _l("norsk"),
    "tr": _l("tyrkisk"),
    "fa": _l("persisk"),
    "so": _l("somalisk"),
    "ti": _l("tigrinya"),
    "ru": _l("russisk"),
    "it": _l("italiensk"),
})
