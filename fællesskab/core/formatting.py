"""Dates, numbers and distances in the reader's language, in Copenhagen time.

One place for every locale-dependent format: the template filters, the
matching reasons, the search and map distances and the emails all call these.
Babel does the work (month names, decimal commas); `locale` is "da" or "en"
and defaults to the request's UI language, so emails and cron jobs, which have
no request, pass the recipient's language explicitly.
"""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal

from .time import to_local

# Babel locales: Danish as written in Denmark, British English (day before month).
BABEL_LOCALES = {"da": "da_DK", "en": "en_GB"}

# Named styles, so templates ask for "short" rather than a Danish-only pattern.
DATETIME_STYLES = {
    "long": {"da": "EEEE d. MMMM y 'kl.' HH:mm", "en": "EEEE d MMMM y 'at' HH:mm"},
    "letter": {"da": "EEEE 'den' d. MMMM y 'kl.' HH:mm", "en": "EEEE d MMMM y 'at' HH:mm"},  # emails
    "medium": {"da": "d. MMM y HH:mm", "en": "d MMM y HH:mm"},
    "short": {"da": "d. MMM HH:mm", "en": "d MMM HH:mm"},
    "day_time": {"da": "d. MMMM 'kl.' H:mm", "en": "d MMMM 'at' H:mm"},
    "day_hour": {"da": "d. MMMM 'kl.' H", "en": "d MMMM 'at' H:mm"},
}
DATE_STYLES = {
    "long": {"da": "d. MMMM y", "en": "d MMMM y"},
    "short": {"da": "d. MMM y", "en": "d MMM y"},
    "numeric": {"da": "dd.MM.y", "en": "dd/MM/y"},
    "month": {"da": "MMMM y", "en": "MMMM y"},
}
# The Danish patterns templates used before the styles existed.
_LEGACY = {"d. MMM HH:mm": "short", "d. MMM y HH:mm": "medium", "EEEE d. MMMM y 'kl.' HH:mm": "long",
           "d. MMMM y": "long", "MMMM y": "month"}


def language(locale=None) -> str:
    """'da' or 'en': `locale` ('en', 'en_GB', a Babel Locale), else the request's UI language, else Danish."""
    if locale is None:
        try:
            from flask import has_request_context
            from flask_babel import get_locale

            locale = get_locale() if has_request_context() else None
        except Exception:  # no Flask-Babel set up (scripts)
            locale = None
    return "en" if str(locale or "da").lower().startswith("en") else "da"


def _pattern(styles: dict, style: str, lang: str) -> str:
    style = _LEGACY.get(style, style)
    return styles[style][lang] if style in styles else style


def datetime_text(value: datetime | None, style: str = "long", locale=None) -> str:
    """A UTC datetime as Copenhagen time: 'fredag 12. marts 2027 kl. 19:00' / 'Friday 12 March 2027 at 19:00'."""
    if value is None:
        return ""
    lang = language(locale)
    return format_datetime(to_local(value), _pattern(DATETIME_STYLES, style, lang), locale=BABEL_LOCALES[lang])


def date_text(value: date | datetime | None, style: str = "long", locale=None) -> str:
    """A date ('12. marts 2027' / '12 March 2027'); a datetime is taken in Copenhagen time first."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    lang = language(locale)
    return format_date(value, _pattern(DATE_STYLES, style, lang), locale=BABEL_LOCALES[lang])


def time_text(value: datetime | None, locale=None) -> str:
    """The Copenhagen clock time, 24-hour in both languages ('19:00')."""
    if value is None:
        return ""
    return format_time(to_local(value), "HH:mm", locale=BABEL_LOCALES[language(locale)])


def number_text(value, locale=None, fmt: str | None = None) -> str:
    """'1.234,5' / '1,234.5'."""
    if value is None:
        return ""
    return format_decimal(value, format=fmt, locale=BABEL_LOCALES[language(locale)])


def distance_number(km: float, locale=None, *, precise: bool = False) -> str:
    """A distance in km without the unit: one decimal under 10 km ('1,2' / '1.2'), whole km above ('12');
    `precise` keeps the decimal at any distance (the map's labels)."""
    if km < 10 or precise:
        return format_decimal(round(km, 1), format="#,##0.0", locale=BABEL_LOCALES[language(locale)])
    return format_decimal(round(km), format="#,##0", locale=BABEL_LOCALES[language(locale)])


def distance_text(km: float | None, locale=None) -> str:
    """'1,2 km' / '1.2 km'."""
    return "" if km is None else f"{distance_number(km, locale)}\u00a0km"
