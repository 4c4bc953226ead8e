"""Front page, privacy notice, accessibility statement, language switch.

The newcomer journey (/ny-i-kolding) lives in matching/views.py.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urlparse

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import format_date

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
    return render_template("main/privacy.html")


@bp.get("/tilgaengelighed")
def accessibility():
    return render_template("main/accessibility.html", axe_core_version=AXE_CORE_VERSION,
                           reviewed_on=format_date(A11Y_REVIEWED_ON, "long"),
                           reviewed_on_iso=A11Y_REVIEWED_ON.isoformat())


@bp.post("/sprog")
def set_language():
    """Remember the chosen UI language and go back to where the person was."""
    lang = request.form.get("lang")
    if lang in ("da", "en"):
        session["lang"] = lang
    target = request.form.get("next") or url_for("main.index")
    # only same-site paths, never an open redirect
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        target = url_for("main.index")
    return redirect(target)
