"""Front page, privacy notice, accessibility statement, language switch.

The newcomer journey (/ny-i-kolding) lives in matching/views.py.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from ..core import formatting, locale
from ..core.params import safe_target
from ..core.vocab import CATEGORIES
from ..directory import services as directory
from ..events import services as events
from ..places.services import list_places

bp = Blueprint("main", __name__)

# What the accessibility statement says about its own testing. tests/browser checks
# AXE_CORE_VERSION against the axe-core pinned in tests/browser/package-lock.json;
# move A11Y_REVIEWED_ON when the statement is reviewed again.
AXE_CORE_VERSION = "4.14.1"
A11Y_REVIEWED_ON = date(2026, 11, 28)


@bp.get("/")
def index():
    return render_template(
        "main/index.html",
        welcome_events=events.upcoming(limit=6, kind="welcome-meeting"),
        next_events=events.upcoming(limit=6),
        categories=CATEGORIES,
        category_counts=directory.category_counts(),
        places=[p for p in list_places() if p.kind != "suburb"],
    )


@bp.get("/privatliv")
def privacy():
    from ..core.retention import DEFAULTS, days

    periods = {name.removeprefix("RETENTION_").removesuffix("_DAYS").lower(): _period(days(name))
               for name in DEFAULTS}
    return render_template("main/privacy.html", periods=periods,
                           link_hours=current_app.config.get("PRIVACY_LINK_HOURS", 24))


def _period(days: int) -> str:
    """A retention period in words: whole years, else months (from 60 days), else days."""
    from flask_babel import ngettext

    if days % 365 == 0:
        return ngettext("%(num)s år", "%(num)s år", days // 365)
    if days >= 60:
        months = round(days / 30.44)
        return ngettext("%(num)s måned", "%(num)s måneder", months)
    return ngettext("%(num)s dag", "%(num)s dage", days)


@bp.get("/tilgaengelighed")
def accessibility():
    return render_template("main/accessibility.html", axe_core_version=AXE_CORE_VERSION,
                           reviewed_on=formatting.date_text(A11Y_REVIEWED_ON),
                           reviewed_on_iso=A11Y_REVIEWED_ON.isoformat())


@bp.post("/sprog")
def set_language():
    """Remember the chosen UI language and go back to where the person was."""
    lang = request.form.get("lang")
    # only same-site paths, never an open redirect nor a broken Location header
    response = redirect(safe_target(request.form.get("next")) or url_for("main.index"))
    if lang in locale.LANGUAGES:
        session["lang"] = lang
        locale.remember(response, lang)
    return response
