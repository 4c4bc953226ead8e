"""Jinja filters and globals shared by every template."""
from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from . import formatting
from .listing_text import listing_text
from .vocab import CATEGORIES, EVENT_KINDS, LANGUAGE_NAMES, TARGET_GROUPS, interest_label


def local_datetime(value: datetime | None, style: str = "long") -> str:
    """A UTC datetime in Copenhagen time, in the UI language (see core.formatting for the styles)."""
    return formatting.datetime_text(value, style)


def local_date(value: date | datetime | None, style: str = "long", locale: str | None = None) -> str:
    """A date in the UI language, or in `locale` (a letter in the recipient's language)."""
    return formatting.date_text(value, style, locale)


def local_time(value: datetime | None) -> str:
    return formatting.time_text(value)


def number(value) -> str:
    return formatting.number_text(value)


def distance(km: float | None) -> str:
    """'1,2 km' / '1.2 km'."""
    return formatting.distance_text(km)


def language_url(lang: str) -> str:
    """The current page in another UI language (`?lang=` is remembered in a cookie, see app.locale)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return f"{request.path}?{urlencode(args, doseq=True)}"


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def content_lang() -> Markup:
    """` lang="da"` for text the associations and forums wrote, on pages in another language.

    Their texts are written in Danish (the directory is Danish); marking them lets a
    screen reader on an English page switch to Danish pronunciation (WCAG 3.1.2).
    On Danish pages the page's own language already says it, so nothing is added.
    """
    return Markup("") if str(get_locale() or "da").startswith("da") else Markup(' lang="da"')


def has_endpoint(name: str) -> bool:
    """Whether the app has the view `name`, so a template can link to a feature only once it exists."""
    return name in current_app.view_functions


def register(app: Flask) -> None:
    from .markup import markdown_filter

    app.jinja_env.filters.update(
        local_datetime=local_datetime, local_date=local_date, local_time=local_time, number=number,
        markdown=markdown_filter,
        distance=distance, interest_label=interest_label,
    )
    app.jinja_env.globals.update(
        CATEGORIES=CATEGORIES, TARGET_GROUPS=TARGET_GROUPS, EVENT_KINDS=EVENT_KINDS,
        LANGUAGE_NAMES=LANGUAGE_NAMES, url_with=url_with, get_locale=get_locale,
        has_endpoint=has_endpoint, content_lang=content_lang, listing_text=listing_text, language_url=language_url,
        distance_number=formatting.distance_number,
    )
