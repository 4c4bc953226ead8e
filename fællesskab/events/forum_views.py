"""A village forum's pages: its events (front page), and the tools: create, edit, cancel, duplicate; sign-ups and CSV.

A forum sees and changes only its own events (another forum's id: 403).
"""
from __future__ import annotations

import logging
from datetime import time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.decorators import role_required
from ..core.csvio import csv_response
from ..core.errors import InvalidTransition, ValidationError
from ..core.forms import ConfirmForm, apply_errors
from ..core.staff_blueprints import forum_bp
from ..core.time import to_local, utcnow
from ..extensions import db
from ..mail import services as mail
from . import publishing, registrations
from . import services as events
from .forms import ForumEventForm
from .models import Registration

log = logging.getLogger(__name__)


@forum_bp.get("/")
@role_required("forum")
def dashboard():
    """The forum's front page: its coming events (with pending changes and sign-ups), then the past ones."""
    overview = events.forum_overview(current_user.forum, utcnow())
    return render_template("staff/forum.html", forum=current_user.forum, events=overview.upcoming, past=overview.past,
                           revisions=overview.revisions, counts=registrations.counts([e.id for e in overview.upcoming]),
                           next_dates=overview.next_dates)


def _form_strings(data: dict) -> dict:
    """Dates and times as the strings the date and time inputs take."""
    out = dict(data)
    for key, value in data.items():
        if isinstance(value, time):
            out[key] = value.strftime("%H:%M")
        elif hasattr(value, "isoformat"):
            out[key] = value.isoformat()
        elif value is None:
            out[key] = ""
    out["capacity"] = "" if data.get("capacity") is None else str(data["capacity"])
    return out


def _render_form(form: ForumEventForm, *, event=None, copy_of=None, status: int = 200):
    forum = current_user.forum
    revision = publishing.pending_revision(event) if event is not None else None
    return render_template("staff/event_form.html", form=form, forum=forum, event=event, copy_of=copy_of,
                           revision=revision), status


@forum_bp.route("/arrangementer/nyt", methods=["GET", "POST"])
@role_required("forum")
def event_new():
    forum = current_user.forum
    form = ForumEventForm(places=forum.places)
    if request.method == "GET":
        form.kind.data = form.kind.data or "welcome-meeting"
        return _render_form(form)
    if not form.validate_on_submit():
        return _render_form(form, status=400)
    try:
        values = publishing.clean_forum_event(form.service_data(), forum=forum)
        event, created = publishing.create_forum_event(values, actor=current_user,
                                                       submission_key=form.submission_key.data or None)
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc.errors)
        return _render_form(form, status=400)
    event_id, status = event.id, event.status
    db.session.commit()
    if not created:
        flash(_("Arrangementet var allerede oprettet; formularen blev sendt to gange."), "info")
    elif status == "approved":
        flash(_("Arrangementet er oprettet og offentliggjort."), "success")
    else:
        flash(_("Arrangementet er oprettet. Det bliver offentliggjort, når fællesskabskoordinatoren "
                "har godkendt det."), "success")
    return redirect(url_for("forum.dashboard") + f"#arrangement-{event_id}")


@forum_bp.get("/arrangementer/<int:event_id>/kopi")
@role_required("forum")
def event_copy(event_id: int):
    """A new event's form, filled in from an earlier one and moved on by whole weeks."""
    event = publishing.get_own_event(event_id, actor=current_user)
    data = publishing.form_data(event, shift=publishing.duplicate_shift(event))
    form = ForumEventForm(places=current_user.forum.places, data=_form_strings(data))
    return _render_form(form, copy_of=event)


@forum_bp.route("/arrangementer/<int:event_id>/rediger", methods=["GET", "POST"])
@role_required("forum")
def event_edit(event_id: int):
    event = publishing.get_own_event(event_id, actor=current_user)
    forum = current_user.forum
    if event.status == "cancelled":
        flash(_("Et aflyst arrangement kan ikke ændres. Kopiér det, og opret et nyt."), "error")
        return redirect(url_for("forum.dashboard"))
    if request.method == "GET":
        revision = publishing.pending_revision(event)
        values = publishing.revision_values(revision) if revision is not None else None
        form = ForumEventForm(places=forum.places, data=_form_strings(publishing.form_data(event, values)))
        return _render_form(form, event=event)
    form = ForumEventForm(places=forum.places)
    if not form.validate_on_submit():
        return _render_form(form, event=event, status=400)
    try:
        values = publishing.clean_forum_event(form.service_data(), forum=forum)
        outcome = publishing.edit_forum_event(event, values, actor=current_user)
    except ValidationError as exc:
        db.session.rollback()
        mail.forget_queued()
        apply_errors(form, exc.errors)
        return _render_form(form, event=event, status=400)
    except InvalidTransition as exc:
        db.session.rollback()
        mail.forget_queued()
        flash(exc.message, "error")
        return redirect(url_for("forum.dashboard"))
    mail.commit_and_deliver()
    flash({
        "unchanged": _("Der var ingen ændringer at gemme."),
        "applied": _("Ændringerne er gemt."),
        "published": _("Ændringerne er gemt, og arrangementet er offentliggjort."),
        "resubmitted": _("Ændringerne er gemt og sendt til godkendelse igen."),
        "proposed": _("Ændringerne venter på fællesskabskoordinatorens godkendelse. Indtil da vises den "
                      "godkendte udgave."),
    }[outcome], "info" if outcome == "unchanged" else "success")
    return redirect(url_for("forum.dashboard") + f"#arrangement-{event_id}")


@forum_bp.route("/arrangementer/<int:event_id>/aflys", methods=["GET", "POST"])
@role_required("forum")
def event_cancel(event_id: int):
    event = publishing.get_own_event(event_id, actor=current_user)
    form = ConfirmForm()
    active = registrations.active_registrations(event.id)
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("staff/event_cancel.html", event=event, form=form, active=active), 400
        changed = publishing.cancel_forum_event(event, actor=current_user)
        mail.commit_and_deliver()
        if changed:
            flash(_("Arrangementet er aflyst.") + (" " + _("De tilmeldte har fået besked.") if active else ""),
                  "success")
        else:
            flash(_("Arrangementet var allerede aflyst."), "info")
        return redirect(url_for("forum.dashboard") + f"#arrangement-{event_id}")
    return render_template("staff/event_cancel.html", event=event, form=form, active=active)


def _read_signups(event):
    log.info("sign-ups of event %s read by user %s (forum %s)", event.id, current_user.id, current_user.forum_id)
    return list(db.session.scalars(
        db.select(Registration).where(Registration.event_id == event.id)
        .order_by(db.case({"confirmed": 0, "waiting": 1}, value=Registration.status, else_=2),
                  Registration.queued_at, Registration.id)
    ))


@forum_bp.get("/arrangementer/<int:event_id>/tilmeldinger")
@role_required("forum")
def event_signups(event_id: int):
    event = publishing.get_own_event(event_id, actor=current_user)
    return render_template("staff/signups.html", event=event, signups=_read_signups(event),
                           counts=registrations.counts([event.id])[event.id], confirm=ConfirmForm(),
                           started=event.starts_at <= utcnow(),
                           places_left=registrations.places_left(event))


@forum_bp.post("/arrangementer/<int:event_id>/tilmeldinger/<int:registration_id>/fremmoede")
@role_required("forum")
def event_attendance(event_id: int, registration_id: int):
    """Mark a sign-up as having come, or undo it (the form's `attended` is "1" or "0")."""
    event = publishing.get_own_event(event_id, actor=current_user)
    if not ConfirmForm().validate_on_submit() or request.form.get("attended") not in ("0", "1"):
        abort(400)
    attended = request.form["attended"] == "1"
    try:
        registration = registrations.set_attended(event, registration_id, attended, actor=current_user)
    except InvalidTransition as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        name = registration.name
        db.session.commit()
        flash(_("%(name)s er registreret som mødt op.", name=name) if attended
              else _("%(name)s er ikke længere registreret som mødt op.", name=name), "success")
    return redirect(url_for("forum.event_signups", event_id=event.id) + f"#tilmelding-{registration_id}")


@forum_bp.get("/arrangementer/<int:event_id>/tilmeldinger.csv")
@role_required("forum")
def event_signups_csv(event_id: int):
    event = publishing.get_own_event(event_id, actor=current_user)
    log.info("sign-ups of event %s exported by user %s", event.id, current_user.id)
    day = to_local(event.starts_at).strftime("%Y-%m-%d")
    # personal data: csv_response keeps it out of shared caches
    return csv_response(registrations.export_csv(event), f"tilmeldinger-{event.id}-{day}.csv")
