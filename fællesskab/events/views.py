"""Public event pages, sign-up and cancel, and the calendar feeds (CONTRACT.md)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..accounts.security import FORM_LIMIT
from ..core.errors import InvalidTransition, NotFound, ValidationError
from ..core.forms import ConfirmForm, apply_errors
from ..core.pagination import clamp_page
from ..core.time import COPENHAGEN, utcnow
from ..core.vocab import EVENT_KINDS
from ..extensions import db, limiter
from ..mail import services as mail
from ..places.models import Forum
from ..places.services import get_place_by_slug, list_places
from . import ical, registrations, services, signups
from .forms import ChangeSignUpForm, SignUpForm

bp = Blueprint("events", __name__)
SIGNED_UP = "signed_up"  # session: the last sign-up's answer, for its confirmation page


def _date_param(name: str) -> tuple[date | None, bool]:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None, True
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None, False
    if not 2000 <= value.year <= 2100:
        return None, False
    return value, True


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=COPENHAGEN)


@bp.get("/arrangementer")
def event_list():
    page, per_page = clamp_page(request.args.get("page"), request.args.get("per_page"))
    kind = request.args.get("kind") if request.args.get("kind") in EVENT_KINDS else None
    places = list_places()
    place = next((p for p in places if p.slug == request.args.get("place")), None)
    date_from, from_ok = _date_param("fra")
    date_to, to_ok = _date_param("til")
    bad_dates = not (from_ok and to_ok)
    if date_from and date_to and date_to < date_from:
        date_from, date_to, bad_dates = date_to, date_from, True
    start = max(_local_midnight(date_from), utcnow() - services.RECENT) if date_from else None
    end = _local_midnight(date_to + timedelta(days=1)) if date_to else None
    result = services.list_upcoming(page, per_page, kind=kind, place_id=place.id if place else None,
                                    start=start, end=end, count_cap=services.COUNT_CAP)
    return render_template("events/list.html", result=result, kind=kind, kinds=EVENT_KINDS,
                           place=place, places=places, date_from=date_from, date_to=date_to,
                           bad_dates=bad_dates)


def _detail(event, form: SignUpForm | None = None, status: int = 200):
    now = utcnow()
    counts = registrations.counts([event.id])[event.id]
    return render_template(
        "events/detail.html", event=event, form=form or SignUpForm(),
        accepts=registrations.accepts_sign_ups(event, now),
        places_left=registrations.places_left(event) if event.capacity else None,
        counts=counts, next_dates=event.occurrences(after=now - services.RECENT, limit=6),
    ), status


@bp.get("/arrangementer/<int:event_id>")
def event_detail(event_id: int):
    return _detail(services.get_public_event(event_id))


@bp.post("/arrangementer/<int:event_id>/tilmelding")
@limiter.limit(FORM_LIMIT)
def sign_up(event_id: int):
    event = services.get_public_event(event_id)
    form = SignUpForm()
    if not form.validate_on_submit():
        return _detail(event, form, 400)
    try:
        result = registrations.sign_up(event.id, {
            "name": form.name.data, "email": form.email.data, "party_size": form.party_size.data,
            "message": form.message.data,
        }, language=str(get_locale()))
    except ValidationError as exc:
        db.session.rollback()
        mail.forget_queued()
        apply_errors(form, exc.errors)
        return _detail(event, form, 400)
    except InvalidTransition as exc:
        db.session.rollback()
        mail.forget_queued()
        flash(exc.message, "error")
        return redirect(url_for("events.event_detail", event_id=event_id))
    # Built only from the result, which reads the same for a known email as for a new one.
    _sent, failed = mail.commit_and_deliver()
    session[SIGNED_UP] = {"event": event.id, "email": result.email, "status": result.status,
                          "position": result.position, "late": bool(failed)}
    # 303 to a page of its own: the answer cannot be scrolled past, and reload posts nothing again.
    return redirect(url_for("events.signed_up", event_id=event_id), 303)


@bp.get("/arrangementer/<int:event_id>/tilmeldt")
def signed_up(event_id: int):
    """The confirmation after "Tilmeld": what, when, where, the email on its way, calendar, cancel."""
    event = services.get_public_event(event_id)
    done = session.get(SIGNED_UP)
    if not isinstance(done, dict) or done.get("event") != event.id:
        return redirect(url_for("events.event_detail", event_id=event.id))
    page = render_template("events/signed_up.html", event=event, done=done,
                           next_start=next(iter(event.occurrences(after=utcnow(), limit=1)), None))
    return page, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.route("/arrangementer/tilmelding/<token>", methods=["GET", "POST"])
def manage_registration(token: str):
    """The emailed link: GET shows the sign-up, POST changes party size and message (or signs up again)."""
    try:
        registration = signups.registration_for_token(token)
    except signups.TokenError as exc:
        return render_template("events/manage.html", error=exc.message, registration=None,
                               form=ChangeSignUpForm(formdata=None)), 400
    if request.method == "GET":
        form = ChangeSignUpForm(formdata=None, data={"party_size": str(registration.party_size),
                                                     "message": registration.message})
        return _manage_page(token, registration, form)
    form = ChangeSignUpForm()
    if not form.validate_on_submit():
        return _manage_page(token, registration, form, status=400)
    try:
        registration, changed = registrations.change_registration(
            token, {"party_size": form.party_size.data, "message": form.message.data})
    except ValidationError as exc:
        db.session.rollback()
        mail.forget_queued()
        apply_errors(form, exc.errors)
        return _manage_page(token, registration, form, status=400)
    except InvalidTransition as exc:
        db.session.rollback()
        mail.forget_queued()
        return _manage_page(token, registration, form, info=exc.message)
    position = signups.waiting_position(registration) if registration.status == "waiting" else None
    mail.commit_and_deliver()
    return _manage_page(token, registration, form, done=changed, unchanged=not changed, position=position)


def _manage_page(token: str, registration, form: ChangeSignUpForm, *, status: int = 200, **extra):
    event = registration.event
    position = extra.pop("position", None)
    if position is None and registration.status == "waiting":
        position = signups.waiting_position(registration)
    return render_template("events/manage.html", token=token, registration=registration, event=event, form=form,
                           position=position, accepts=registrations.accepts_sign_ups(event), **extra), status


@bp.route("/arrangementer/afmeld/<token>", methods=["GET", "POST"])
def cancel_registration(token: str):
    """The link in every email: GET shows what will be cancelled, the button POSTs."""
    form = ConfirmForm()
    try:
        registration = signups.registration_for_token(token)
    except signups.TokenError as exc:
        return render_template("events/cancel.html", error=exc.message, registration=None, form=form), 400
    event = registration.event
    if request.method == "POST" and form.validate_on_submit():
        try:
            registrations.cancel_registration(token)
        except InvalidTransition as exc:
            db.session.rollback()
            mail.forget_queued()
            return render_template("events/cancel.html", info=exc.message, registration=registration,
                                   event=event, form=form)
        mail.commit_and_deliver()
        return render_template("events/cancel.html", done=True, registration=registration, event=event,
                               form=form)
    status = 400 if request.method == "POST" else 200
    return render_template("events/cancel.html", registration=registration, event=event, form=form), status


def _ics(body: bytes, filename: str, *, attachment: bool = False) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=900"
    return response


def _event_url(event) -> str:
    return url_for("events.event_detail", event_id=event.id, _external=True)


@bp.get("/calendar.ics")
def calendar_feed():
    events = ical.feed_events()
    return _ics(ical.calendar(events, name=_("Fællesskab Kolding – arrangementer"), url_for_event=_event_url),
                "faellesskab-kolding.ics")


def _check_slug(slug: str) -> None:
    """A slug that cannot exist (the database would refuse a NUL) is simply not found."""
    if "\x00" in slug or len(slug) > 200:
        raise NotFound(_("Siden findes ikke."))


@bp.get("/steder/<slug>/calendar.ics")
def place_calendar_feed(slug: str):
    _check_slug(slug)
    place = get_place_by_slug(slug)
    events = ical.feed_events(place_id=place.id)
    return _ics(ical.calendar(events, name=_("Arrangementer i %(place)s", place=place.name),
                              url_for_event=_event_url), f"{place.slug}.ics")


@bp.get("/lokalraad/<slug>/calendar.ics")
def forum_calendar_feed(slug: str):
    _check_slug(slug)
    forum = db.session.scalar(db.select(Forum).where(Forum.slug == slug))
    if forum is None:
        raise NotFound(_("Lokalrådet findes ikke."))
    events = ical.feed_events(forum_id=forum.id)
    return _ics(ical.calendar(events, name=forum.name, url_for_event=_event_url), f"{forum.slug}.ics")


@bp.get("/arrangementer/<int:event_id>.ics")
def event_ics(event_id: int):
    event = services.get_public_event(event_id)
    return _ics(ical.calendar([event], name=event.title, url_for_event=_event_url),
                f"arrangement-{event.id}.ics", attachment=True)
