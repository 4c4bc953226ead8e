"""The coordinator's moderation queue (approve, or reject with a reason) and forum trust."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.decorators import role_required
from ..core.errors import InvalidTransition, ValidationError
from ..core.forms import ConfirmForm, apply_errors
from ..core.staff_blueprints import coordinator_bp
from ..directory import revisions
from ..extensions import db
from ..mail import services as mail
from ..places.models import Forum
from . import moderation, services
from .forms import RejectForm
from .models import EventRevision


def reject_form(kind: str, ident: int, formdata=None) -> RejectForm:
    """One reject form per queue item; the prefix keeps field ids unique on the page."""
    return RejectForm(formdata=formdata, prefix=f"afvis-{kind}-{ident}")


def _queue_page(errors: dict | None = None, status: int = 200):
    items = moderation.queue()
    forms = {}
    for item in items:
        kind, ident = ("r", item.revision.id) if item.revision else ("e", item.event.id)
        forms[(kind, ident)] = (errors or {}).get((kind, ident)) or reject_form(kind, ident)
    return render_template("staff/moderation.html", items=items, reject_forms=forms, confirm=ConfirmForm(),
                           listing_changes=revisions.pending()), status


@coordinator_bp.get("/godkendelse")
@role_required("coordinator")
def moderation_queue():
    return _queue_page()


def _done(message: str, category: str = "success"):
    flash(message, category)
    return redirect(url_for("coordinator.moderation_queue"))


def _revision(revision_id: int) -> EventRevision:
    revision = db.session.get(EventRevision, revision_id) if services.valid_id(revision_id) else None
    if revision is None:
        abort(404)
    return revision


@coordinator_bp.post("/godkendelse/arrangementer/<int:event_id>/godkend")
@role_required("coordinator")
def approve_event(event_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    event = services.get_event(event_id)
    try:
        moderation.approve_event(event, actor=current_user)
    except InvalidTransition as exc:
        db.session.rollback()
        return _done(exc.message, "info")
    title = event.title
    db.session.commit()
    return _done(_("%(title)s er godkendt og offentliggjort.", title=title))


@coordinator_bp.post("/godkendelse/arrangementer/<int:event_id>/afvis")
@role_required("coordinator")
def reject_event(event_id: int):
    event = services.get_event(event_id)
    return _reject(("e", event_id), lambda reason: moderation.reject_event(event, reason, actor=current_user),
                   _("%(title)s er afvist. Lokalrådet kan se begrundelsen.", title=event.title))


def _reject(item: tuple[str, int], reject, done_message: str):
    """Reject a queue item with the reason from its form; the queue again, with errors, when that fails."""
    form = reject_form(*item, request.form)
    if not form.validate_on_submit():
        return _queue_page({item: form}, 400)
    try:
        reject(form.reason.data)
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, [("reason", m) for _f, m in exc.errors])
        return _queue_page({item: form}, 400)
    except InvalidTransition as exc:
        db.session.rollback()
        return _done(exc.message, "info")
    db.session.commit()
    return _done(done_message)


@coordinator_bp.post("/godkendelse/aendringer/<int:revision_id>/godkend")
@role_required("coordinator")
def approve_revision(revision_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    revision = _revision(revision_id)
    try:
        moderation.approve_revision(revision, actor=current_user)
    except InvalidTransition as exc:
        db.session.commit()  # a revision of a cancelled event is marked withdrawn
        mail.forget_queued()
        return _done(exc.message, "info")
    title = revision.event.title
    mail.commit_and_deliver()
    return _done(_("Ændringerne af %(title)s er godkendt og vises nu.", title=title))


@coordinator_bp.post("/godkendelse/aendringer/<int:revision_id>/afvis")
@role_required("coordinator")
def reject_revision(revision_id: int):
    revision = _revision(revision_id)
    return _reject(("r", revision_id),
                   lambda reason: moderation.reject_revision(revision, reason, actor=current_user),
                   _("Ændringerne af %(title)s er afvist; den godkendte udgave vises fortsat.",
                     title=revision.event.title))


@coordinator_bp.get("/lokalraad")
@role_required("coordinator")
def forums():
    rows = list(db.session.scalars(sa.select(Forum).order_by(Forum.name)))
    return render_template("staff/forums.html", forums=rows, form=ConfirmForm())


@coordinator_bp.post("/lokalraad/<slug>/tillid")
@role_required("coordinator")
def forum_trust(slug: str):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    forum = None if "\x00" in slug else db.session.scalar(sa.select(Forum).where(Forum.slug == slug))
    if forum is None:
        abort(404)
    trusted = request.form.get("trusted") == "1"
    changed = moderation.set_forum_trust(forum, trusted, actor=current_user)
    name = forum.name
    db.session.commit()
    if not changed:
        flash(_("Intet ændret: %(name)s var allerede sat sådan.", name=name), "info")
    elif trusted:
        flash(_("%(name)s er nu betroet: nye arrangementer offentliggøres med det samme.", name=name), "success")
    else:
        flash(_("%(name)s er ikke længere betroet: nye arrangementer og ændringer skal godkendes.", name=name),
              "success")
    return redirect(url_for("coordinator.forums") + f"#forum-{slug}")
