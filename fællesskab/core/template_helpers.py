"""Jinja filters and globals shared by every template."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale

from .time import to_local
from .vocab import CATEGORIES, EVENT_KINDS, LANGUAGE_NAMES, TARGET_GROUPS


def local_datetime(value: datetime | None, fmt: str = "EEEE d. MMMM y 'kl.' HH:mm") -> str:
    """Format a UTC datetime in Copenhagen time, in the UI language."""
    if value is None:
        return ""
    if str(get_locale()) == "en" and "'kl.'" in fmt:
        fmt = fmt.replace("'kl.'", "'at'").replace("d. MMMM", "d MMMM")
    return format_datetime(to_local(value), fmt, rebase=False)


def local_date(value: datetime | None, fmt: str = "d. MMMM y") -> str:
    if value is None:
        return ""
    return format_date(to_local(value).date(), fmt)


def local_time(value: datetime | None) -> str:
    return "" if value is None else to_local(value).strftime("%H:%M")


def number(value) -> str:
    return "" if value is None else format_decimal(value)


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def has_endpoint(name: str) -> bool:
    """Whether the app has the view `name`, so a template can link to a feature only once it exists."""
    return name in current_app.view_functions


def register(app: Flask) -> None:
    from .markup import markdown_filter

    app.jinja_env.filters.update(
        local_datetime=local_datetime, local_date=local_date, local_time=local_time, number=number,
        markdown=markdown_filter,
    )
    app.jinja_env.globals.update(
        CATEGORIES=CATEGORIES, TARGET_GROUPS=TARGET_GROUPS, EVENT_KINDS=EVENT_KINDS,
        LANGUAGE_NAMES=LANGUAGE_NAMES, url_with=url_with, get_locale=get_locale,
        has_endpoint=has_endpoint,
    )
