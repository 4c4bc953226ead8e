"""The coordinator edits the directory: list with filters, new, edit, archive, verify, trust, merge.

Every change goes through directory.services (the CSV importer's rules), which
keeps a revision and an audit row; the views commit once.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.decorators import role_required
from ..core.errors import InvalidTransition, ValidationError
from ..core.forms import ConfirmForm, apply_errors
from ..core.pagination import clamp_page, paginate
from ..core.params import id_from
from ..core.staff_blueprints import coordinator_bp
from ..core.vocab import CATEGORIES
from ..directory import merge, revisions, services, stewardship
from ..directory.forms import AssociationForm
from ..directory.models import Association, AssociationRevision
from ..extensions import db
from ..mail import services as mail
from ..places.services import list_places

MAX_QUERY = 200


def _get(assoc_id: int) -> Association:
    assoc = db.session.get(Association, assoc_id)
    if assoc is None:
        abort(404)
    return assoc


def _choice(name: str, allowed) -> str | None:
    """A filter value from the query string: empty, or one of `allowed` (else a 400 naming the field)."""
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        raise ValidationError(_("Ukendt værdi i feltet «%(field)s».", field=name), field=name)
    return value


@coordinator_bp.get("/foreninger/")
@role_required("coordinator")
def associations():
    page, per_page = clamp_page(request.args.get("page"), request.args.get("per_page"), default_per_page=25)
    q = (request.args.get("q") or "").strip()
    if len(q) > MAX_QUERY or "\x00" in q:
        raise ValidationError(_("Søgningen er for lang (højst %(n)s tegn).", n=MAX_QUERY), field="q")
    places = list_places()
    category = _choice("category", CATEGORIES)
    place_slug = _choice("place", {p.slug for p in places})
    view = _choice("vis", services.ADMIN_VIEWS)
    place = next((p for p in places if p.slug == place_slug), None)
    result = paginate(services.admin_query(q=q or None, category=category, place_id=place.id if place else None,
                                           view=view), page, per_page)
    return render_template("staff/associations.html", result=result, q=q, category=category, place=place,
                           places=places, view=view, pending=revisions.pending_count())


def _form_page(form: AssociationForm, assoc: Association | None, status: int = 200):
    history = revisions.history(assoc) if assoc is not None else []
    return render_template("staff/association_form.html", form=form, assoc=assoc, history=history,
                           confirm=ConfirmForm()), status


@coordinator_bp.route("/foreninger/ny", methods=["GET", "POST"])
@role_required("coordinator")
def association_new():
    form = AssociationForm()
    if request.method == "GET":
        form.languages.data = "da"
        return _form_page(form, None)
    if not form.validate_on_submit():
        return _form_page(form, None, 400)
    try:
        assoc = services.create_association(services.clean_association(form.raw()), actor=current_user)
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc.errors)
        return _form_page(form, None, 400)
    name, assoc_id = assoc.name, assoc.id
    db.session.commit()
    flash(_("%(name)s er oprettet og offentliggjort.", name=name), "success")
    return redirect(url_for("coordinator.association_edit", assoc_id=assoc_id))


@coordinator_bp.route("/foreninger/<int:assoc_id>", methods=["GET", "POST"])
@role_required("coordinator")
def association_edit(assoc_id: int):
    assoc = _get(assoc_id)
    form = AssociationForm()
    if request.method == "GET":
        form.fill(assoc)
        return _form_page(form, assoc)
    if not form.validate_on_submit():
        return _form_page(form, assoc, 400)
    try:
        changed = services.update_association(assoc, services.clean_association(form.raw(assoc)),
                                              actor=current_user)
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc.errors)
        return _form_page(form, assoc, 400)
    name = assoc.name
    db.session.commit()
    flash(_("Ændringerne af %(name)s er gemt.", name=name) if changed else _("Intet ændret."),
          "success" if changed else "info")
    return redirect(url_for("coordinator.association_edit", assoc_id=assoc_id))


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@coordinator_bp.post("/foreninger/<int:assoc_id>/status")
@role_required("coordinator")
def association_status(assoc_id: int):
    _confirmed()
    assoc = _get(assoc_id)
    status = request.form.get("status")
    if status not in ("published", "draft", "archived"):
        raise ValidationError(_("Ukendt værdi i feltet «%(field)s».", field="status"), field="status")
    if assoc.merged_into_id is not None and status != "archived":
        raise ValidationError(_("Foreningen er flettet ind i en anden og kan ikke genåbnes."), field="status")
    changed = services.set_status(assoc, status, actor=current_user)
    name = assoc.name
    db.session.commit()
    messages = {"archived":
                _("%(name)s er arkiveret: skjult for offentligheden og matchningen, men gemt med sin historik."),
                "published": _("%(name)s er offentliggjort."), "draft": _("%(name)s er gjort til kladde.")}
    flash(messages[status] % {"name": name} if changed else _("Intet ændret."), "success" if changed else "info")
    return redirect(url_for("coordinator.association_edit", assoc_id=assoc_id))


@coordinator_bp.post("/foreninger/<int:assoc_id>/bekraeft")
@role_required("coordinator")
def association_verify(assoc_id: int):
    _confirmed()
    assoc = _get(assoc_id)
    services.verify_association(assoc, actor=current_user)
    name = assoc.name
    db.session.commit()
    flash(_("%(name)s er markeret som kontrolleret i dag.", name=name), "success")
    return redirect(url_for("coordinator.association_edit", assoc_id=assoc_id))


@coordinator_bp.post("/foreninger/<int:assoc_id>/tillid")
@role_required("coordinator")
def association_trust(assoc_id: int):
    _confirmed()
    assoc = _get(assoc_id)
    trusted = request.form.get("trusted")
    if trusted not in ("0", "1"):
        raise ValidationError(_("Ukendt værdi i feltet «%(field)s».", field="trusted"), field="trusted")
    changed = services.set_contact_trust(assoc, trusted == "1", actor=current_user)
    db.session.commit()
    if not changed:
        flash(_("Intet ændret."), "info")
    elif trusted == "1":
        flash(_("Kontakten er nu betroet: deres rettelser offentliggøres med det samme."), "success")
    else:
        flash(_("Kontakten er ikke længere betroet: deres rettelser skal godkendes."), "success")
    return redirect(url_for("coordinator.association_edit", assoc_id=assoc_id))


@coordinator_bp.route("/foreninger/<int:assoc_id>/flet", methods=["GET", "POST"])
@role_required("coordinator")
def association_merge(assoc_id: int):
    """Merge this duplicate into another listing, which is kept."""
    duplicate = _get(assoc_id)
    if request.method == "POST":
        _confirmed()
        survivor_id = id_from(request.form, "survivor", required=True)
        survivor = db.session.get(Association, survivor_id)
        if survivor is None:
            raise ValidationError(_("Vælg den forening, der skal beholdes."), field="survivor")
        moved = merge.merge_associations(duplicate, survivor, actor=current_user)
        names = (duplicate.name, survivor.name)
        db.session.commit()
        flash(_("%(old)s er flettet ind i %(new)s (%(events)s arrangementer flyttet); den gamle adresse sender videre.",
                old=names[0], new=names[1], events=moved.get("events", 0)), "success")
        return redirect(url_for("coordinator.association_edit", assoc_id=survivor_id))
    q = (request.args.get("q") or duplicate.name.split()[0]).strip()
    if len(q) > MAX_QUERY or "\x00" in q:
        raise ValidationError(_("Søgningen er for lang (højst %(n)s tegn).", n=MAX_QUERY), field="q")
    candidates = [a for a in db.session.scalars(services.admin_query(q=q).limit(30)) if a.id != duplicate.id]
    return render_template("staff/association_merge.html", duplicate=duplicate, q=q, candidates=candidates,
                           confirm=ConfirmForm())


# --- the approval queue's listing changes (the page itself is moderation.py's) ---------------------


def _revision(revision_id: int) -> AssociationRevision:
    revision = db.session.get(AssociationRevision, revision_id)
    if revision is None:
        abort(404)
    return revision


@coordinator_bp.post("/godkendelse/foreninger/<int:revision_id>/godkend")
@role_required("coordinator")
def approve_listing_change(revision_id: int):
    _confirmed()
    revision = _revision(revision_id)
    try:
        stewardship.approve(revision, actor=current_user)
    except InvalidTransition as exc:
        db.session.rollback()
        mail.forget_queued()
        flash(exc.message, "info")
        return redirect(url_for("coordinator.moderation_queue"))
    name, kind = revision.association.name, revision.kind
    mail.commit_and_deliver()
    flash(_("Der er sendt et link til den nye kontakt for %(name)s.", name=name) if kind == "claim"
          else _("Rettelserne af %(name)s er offentliggjort.", name=name), "success")
    return redirect(url_for("coordinator.moderation_queue"))


@coordinator_bp.post("/godkendelse/foreninger/<int:revision_id>/afvis")
@role_required("coordinator")
def reject_listing_change(revision_id: int):
    _confirmed()
    revision = _revision(revision_id)
    try:
        stewardship.reject(revision, actor=current_user)
    except InvalidTransition as exc:
        db.session.rollback()
        flash(exc.message, "info")
        return redirect(url_for("coordinator.moderation_queue"))
    name = revision.association.name
    db.session.commit()
    flash(_("Anmodningen om %(name)s er afvist; foreningen vises som før.", name=name), "success")
    return redirect(url_for("coordinator.moderation_queue"))
