"""Public pages of the association directory, and a contact's way to confirm or correct a listing."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.security import CONTACT_GLOBAL_LIMIT, CONTACT_SEND_LIMIT, FORM_LIMIT
from ..core import fields, flood
from ..core.errors import NotFound, ValidationError
from ..core.forms import ConfirmForm, apply_errors
from ..core.pagination import clamp_page, paginate
from ..core.vocab import CATEGORIES
from ..extensions import db, limiter
from ..mail import services as mail
from ..places.services import list_places
from . import services, stewardship
from .forms import AssociationForm, CorrectRequestForm

bp = Blueprint("directory", __name__)

# What packages above the directory show on a listing's page (its upcoming events):
# name -> provider(association) -> value, registered from the app factory.
_listing_context: dict[str, Callable[[Any], Any]] = {}


def register_listing_context(name: str, provider: Callable[[Any], Any]) -> None:
    """Give a listing's page template the variable `name`, computed by `provider(association)`."""
    _listing_context[name] = provider


@bp.get("/foreninger")
def association_list():
    page, per_page = clamp_page(request.args.get("page"), request.args.get("per_page"))
    category = request.args.get("category") or None
    if category not in CATEGORIES:
        category = None
    places = list_places()
    place = next((p for p in places if p.slug == request.args.get("place")), None)
    result = paginate(
        services.published_query(category=category, place_id=place.id if place else None), page, per_page
    )
    return render_template(
        "directory/list.html",
        result=result,
        category=category,
        place=place,
        places=places,
        categories=CATEGORIES,
        counts=services.category_counts(place_id=place.id if place else None),
    )


def _published(slug: str):
    """The listing, or a redirect when `slug` is a duplicate merged into another (old links keep working)."""
    try:
        return services.get_by_slug(slug), None
    except NotFound:
        target = services.merged_target(slug)
        if target is None:
            raise
        return None, redirect(request.path.replace(f"/foreninger/{slug}", f"/foreninger/{target.slug}", 1), 301)


@bp.get("/foreninger/<slug>")
def association_detail(slug: str):
    assoc, moved = _published(slug)
    if moved:
        return moved
    extra = {name: provider(assoc) for name, provider in _listing_context.items()}
    return render_template("directory/detail.html", assoc=assoc, **extra)


# --- a contact confirms or corrects the listing -------------------------------------------------


def _global_limit() -> str:
    return current_app.config.get("CONTACT_GLOBAL_LIMIT") or CONTACT_GLOBAL_LIMIT


# Each request may send a mail or reach the coordinator's queue: per client address, and all together.
correct_per_address = limiter.shared_limit(CONTACT_SEND_LIMIT, scope="listing-correct", methods=["POST"])
correct_overall = limiter.shared_limit(_global_limit, scope="listing-correct-all", key_func=lambda: "all",
                                       methods=["POST"])


def _private(body, status: int = 200):
    """Pages behind an emailed link: keep them (and the token in their URL) out of caches and referrers."""
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _request_page(assoc, form: CorrectRequestForm, status: int = 200):
    if flood.stamp_age(form.started.data) is None:
        form.started.data = flood.make_stamp()
    form.website.data = ""
    return render_template("directory/correct_request.html", assoc=assoc, form=form), status


@bp.route("/foreninger/<slug>/ret", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
@correct_per_address
@correct_overall
def correct_request(slug: str):
    """"Er oplysningerne forkerte?": ask for a link to correct the listing."""
    assoc, moved = _published(slug)
    if moved:
        return moved
    form = CorrectRequestForm()
    if request.method == "GET":
        return _request_page(assoc, form)
    if not form.validate_on_submit():
        return _request_page(assoc, form, 400)
    verdict = flood.check(form.website.data, form.started.data)
    if verdict == flood.TOO_FAST:  # a script: answered as a person is, nothing happens
        return redirect(url_for("directory.correct_sent", slug=assoc.slug))
    if verdict == flood.STALE:
        form.started.errors = [
            _("Formularen var for gammel eller ufuldstændig. Udfyld den igen, og send den en gang til.")]
        form.started.data = None
        return _request_page(assoc, form, 400)
    try:
        email = fields.email(form.email.data)
    except fields.FieldError as exc:
        form.email.errors = [str(exc)]
        return _request_page(assoc, form, 400)
    if not email:
        form.email.errors = [_("Skriv din e-mail.")]
        return _request_page(assoc, form, 400)
    stewardship.request_link(assoc, email)
    mail.commit_and_deliver()
    return redirect(url_for("directory.correct_sent", slug=assoc.slug))


@bp.get("/foreninger/<slug>/ret/sendt")
def correct_sent(slug: str):
    """The same answer whether or not the email was the listing's."""
    assoc, moved = _published(slug)
    return moved or render_template("directory/correct_sent.html", assoc=assoc)


def _link_or_error(assoc, token: str):
    try:
        return stewardship.link_for_token(token, assoc), None
    except stewardship.LinkError as exc:
        db.session.rollback()
        page = _bad_link(assoc, exc)
        return None, _private(page, 400)


def _correct_page(assoc, form: AssociationForm, token: str, status: int = 200):
    return _private(render_template("directory/correct_form.html", assoc=assoc, form=form, confirm=ConfirmForm(),
                                    token=token), status)


@bp.route("/foreninger/<slug>/ret/<token>", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT)
def correct_listing(slug: str, token: str):
    """The emailed link: GET shows the listing's form (mail scanners fetch links); POST sends a correction."""
    assoc, moved = _published(slug)
    if moved:
        return moved
    link, error = _link_or_error(assoc, token)
    if error:
        return error
    form = AssociationForm()
    if request.method == "GET":
        form.fill(assoc)
        return _correct_page(assoc, form, token)
    if not form.validate_on_submit():
        return _correct_page(assoc, form, token, 400)
    try:
        values = services.clean_association(form.raw(assoc, with_coordinates=False))
        outcome = stewardship.submit_correction(link, values)
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc.errors)
        return _correct_page(assoc, form, token, 400)
    except stewardship.LinkError as exc:  # used by a second click meanwhile
        db.session.rollback()
        return _private(_bad_link(assoc, exc), 400)
    db.session.commit()
    return _private(render_template("directory/correct_done.html", assoc=assoc, outcome=outcome))


@bp.post("/foreninger/<slug>/ret/<token>/korrekt")
@limiter.limit(FORM_LIMIT)
def confirm_listing(slug: str, token: str):
    """"Alt er korrekt": the listing is verified today (a POST: a GET never changes anything)."""
    assoc, _moved = _published(slug)
    if assoc is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    link, error = _link_or_error(assoc, token)
    if error:
        return error
    try:
        stewardship.confirm_listing(link)
    except stewardship.LinkError as exc:
        db.session.rollback()
        return _private(_bad_link(assoc, exc), 400)
    db.session.commit()
    return _private(render_template("directory/correct_done.html", assoc=assoc, outcome="verified"))


def _bad_link(assoc, exc) -> str:
    """The page for a forged, expired or used correction link: a new one is asked for on the listing."""
    return render_template("errors/bad_link.html", message=_(exc.message), again_label=_("Bed om et nyt link"),
                           again_url=url_for("directory.correct_request", slug=assoc.slug))
