"""The public survey pages: a single-use link, the anonymous open link (posters) and its QR code.

* `/spoergeskema/<token>`: the emailed or mail-merged link; a second use shows
  a polite "already answered" page;
* `/spoergeskema/aaben/<tilflytter|fraflytter>`: the open link for posters and
  leaflets, optionally with `?omraade=<forum slug>`; rate-limited per address;
* `/spoergeskema/aaben/<…>/qr.svg`: its QR code as SVG.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..core.errors import NotFound
from ..core.qr import qr_svg
from ..extensions import db, limiter
from ..places.models import Forum
from . import services
from .forms import FORMS

bp = Blueprint("surveys", __name__, url_prefix="/spoergeskema")

# The open link is anonymous: a few answers a minute from one address (a library's
# shared network) is normal, hundreds a day is someone stuffing the ballot.
OPEN_SURVEY_LIMIT = "10 per minute;200 per day"
SLUGS = {"tilflytter": "newcomer", "fraflytter": "leaver"}
KIND_SLUG = {kind: slug for slug, kind in SLUGS.items()}


def _language() -> str:
    return str(get_locale() or "da")[:2]


def _page(form, *, kind: str, action: str, status: int = 200):
    return render_template("surveys/form.html", form=form, kind=kind, action=action), status


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token: str):
    """Answer through a single-use link."""
    try:
        row = services.find_token(token)
    except NotFound:
        return render_template("surveys/invalid.html"), 404
    except services.AlreadyAnswered:
        return render_template("surveys/already.html")
    form = FORMS[row.kind]()
    if request.method == "POST":
        if not form.validate():
            return _page(form, kind=row.kind, action=request.path, status=400)
        try:
            services.record_answer(row.kind, form.answer(), language=_language(), token=row)
        except services.AlreadyAnswered:
            db.session.rollback()
            return render_template("surveys/already.html")
        db.session.commit()
        return redirect(url_for("surveys.thanks"))
    return _page(form, kind=row.kind, action=request.path)


def _area(slug: str | None) -> str | None:
    if not slug:
        return None
    return db.session.scalar(sa.select(Forum.name).where(Forum.slug == slug[:80]))


@bp.route("/aaben/<kind_slug>", methods=["GET", "POST"])
@limiter.limit(OPEN_SURVEY_LIMIT, methods=["POST"])
def open_survey(kind_slug: str):
    """The anonymous open link; `omraade` (a forum's slug) says where the poster hangs."""
    kind = SLUGS.get(kind_slug) or abort(404)
    form = FORMS[kind]()
    if request.method == "POST":
        if not form.validate():
            return _page(form, kind=kind, action=request.full_path.rstrip("?"), status=400)
        services.record_answer(kind, form.answer(), language=_language(), area=_area(request.args.get("omraade")))
        db.session.commit()
        return redirect(url_for("surveys.thanks"))
    return _page(form, kind=kind, action=request.full_path.rstrip("?"))


@bp.get("/tak")
def thanks():
    return render_template("surveys/thanks.html")


def open_url(kind: str, area_slug: str | None = None) -> str:
    values = {"kind_slug": KIND_SLUG[kind]}
    if area_slug:
        values["omraade"] = area_slug
    return url_for("surveys.open_survey", _external=True, **values)


@bp.get("/aaben/<kind_slug>/qr.svg")
def open_qr(kind_slug: str):
    """The open link's QR code, for printing on posters and leaflets."""
    kind = SLUGS.get(kind_slug) or abort(404)
    slug = request.args.get("omraade")
    if slug and _area(slug) is None:
        abort(404)
    url = open_url(kind, slug)
    svg = qr_svg(url, title=_("QR-kode til spørgeskemaet"), desc=url)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
