"""Front page, privacy notice, accessibility statement, language switch.

The newcomer journey (/ny-i-kolding) lives in matching/views.py.
"""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, redirect, render_template, request, session, url_for

from ..core import locale
from ..core.vocab import CATEGORIES
from ..directory import services as directory
from ..events import services as events
from ..places.services import list_places

bp = Blueprint("main", __name__)


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
    return render_template("main/privacy.html")


@bp.get("/tilgaengelighed")
def accessibility():
    return render_template("main/accessibility.html")


@bp.post("/sprog")
def set_language():
    """Remember the chosen UI language and go back to where the person was."""
    lang = request.form.get("lang")
    target = request.form.get("next") or url_for("main.index")
    # only same-site paths, never an open redirect
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        target = url_for("main.index")
    response = redirect(target)
    if lang in locale.LANGUAGES:
        session["lang"] = lang
        locale.remember(response, lang)
    return response
