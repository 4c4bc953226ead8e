"""/indlejr/…: small server-rendered pages for the kommune's and villages' websites (CONTRACT.md).

No script, a stylesheet of their own (static/css/embed.css), Danish or English by
`?lang=`, and every link opens our full page in a new tab. Only these pages may be
framed, and only by the websites in EMBED_ALLOWED_ORIGINS (CSP frame-ancestors);
every other page keeps frame-ancestors 'none' (accounts/security.py).
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.security import CSP
from ..core.errors import DomainError, NotFound, ValidationError
from ..core.locale import LANGUAGES
from ..core.vocab import CATEGORIES, EVENT_KINDS
from ..directory import services as directory
from ..events import services as events
from ..extensions import db
from ..places import services as places

bp = Blueprint("embed", __name__, url_prefix="/indlejr")

EVENT_LIMIT = 10
ASSOCIATION_LIMIT = 12
CACHE_SECONDS = 300  # public data; a host page's visitors need not each reach the database


def frame_ancestors() -> str:
    origins = current_app.config.get("EMBED_ALLOWED_ORIGINS") or ()
    return " ".join(("'self'", *origins))


@bp.before_request
def check_language() -> None:
    lang = request.args.get("lang")
    if lang is not None and lang not in LANGUAGES:
        raise ValidationError(_("lang skal være da eller en."), field="lang")


@bp.after_request
def embed_headers(response):
    response.headers["Content-Security-Policy"] = CSP.replace(
        "frame-ancestors 'none'", f"frame-ancestors {frame_ancestors()}")
    if not current_app.config.get("EMBED_ALLOWED_ORIGINS"):
        response.headers["X-Frame-Options"] = "SAMEORIGIN"  # says the same as frame-ancestors 'self'
    if response.status_code == 200:
        response.headers.setdefault("Cache-Control", f"public, max-age={CACHE_SECONDS}")
    return response


@bp.errorhandler(DomainError)
def embed_error(exc: DomainError):
    """An unknown place or a bad filter: a plain page in the frame, not the whole site's layout."""
    return render_template("embed/error.html", status=exc.status, message=exc.message), exc.status


def full_url(endpoint: str, **values) -> str:
    """A link to our own page, in the embed's language (opened in a new tab)."""
    lang = request.args.get("lang")
    if lang == "en":
        values["lang"] = "en"
    return url_for(endpoint, _external=True, **values)


@bp.get("/steder/<slug>")
def place(slug: str):
    found = places.get_place_by_slug(slug)  # NotFound: a 404 page
    stmt = directory.published_query(place_id=found.id).limit(ASSOCIATION_LIMIT + 1)
    associations = list(db.session.scalars(stmt))
    return render_template(
        "embed/place.html", place=found, events=events.upcoming(limit=EVENT_LIMIT, place_id=found.id),
        associations=associations[:ASSOCIATION_LIMIT], more_associations=len(associations) > ASSOCIATION_LIMIT,
        full_url=full_url, categories=CATEGORIES)


@bp.get("/arrangementer")
def event_list():
    place_slug = request.args.get("sted", "").strip()
    kind = request.args.get("kategori", "").strip()
    place_obj = None
    if place_slug:
        try:
            place_obj = places.get_place_by_slug(place_slug)
        except NotFound:
            raise ValidationError(_("sted skal være et af stederne på %(url)s.",
                                    url=url_for("places.place_list", _external=True)), field="sted") from None
    if kind and kind not in EVENT_KINDS:
        raise ValidationError(_("kategori skal være en af: %(kinds)s.", kinds=", ".join(EVENT_KINDS)),
                              field="kategori")
    upcoming = events.upcoming(limit=EVENT_LIMIT, place_id=place_obj.id if place_obj else None, kind=kind or None)
    return render_template("embed/events.html", place=place_obj, kind=kind or None, kinds=EVENT_KINDS,
                           events=upcoming, full_url=full_url)
