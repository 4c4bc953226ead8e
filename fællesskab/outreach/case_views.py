"""The coordinator's inbox and case pages under /koordinator/tilflyttere/.

Every page that shows a person's data writes an audit row, committed after
the page is rendered (so the page is built from loaded objects, not reloaded
ones). Changes commit once per request; domain errors become form errors or
flash messages, never a 5xx.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.decorators import role_required
from ..core import audit
from ..core.csvio import csv_response
from ..core.errors import DomainError, InvalidTransition, ValidationError
from ..core.forms import ConfirmForm, apply_errors
from ..core.params import id_from, ids_from, parse_id
from ..core.vocab import LANGUAGE_NAMES
from ..extensions import db
from ..mail import services as mail
from ..places.models import Forum
from ..places.services import list_places
from . import consent, handover, labels, messages, services, suggestions, workflow
from . import inbox as queries
from .forms import HandOverForm, NextActionForm, NoteForm, ProfileForm, StatusForm, WelcomeForm

bp = Blueprint("cases", __name__, url_prefix="/koordinator/tilflyttere")
bp.record_once(lambda state: labels.register(state.app))


def _shown(html: str, status: int = 200):
    """Commit the audit rows of what was just rendered, then answer."""
    db.session.commit()
    return html, status


def _back_to_case(case_id: int, anchor: str = ""):
    return redirect(url_for("cases.case_detail", case_id=case_id) + (f"#{anchor}" if anchor else ""))


# ---------- inbox ----------

def _filter_options():
    places = [p for p in list_places()]
    forums = list(db.session.scalars(db.select(Forum).order_by(Forum.name)))
    return places, forums


@bp.get("/")
@role_required("coordinator")
def inbox():
    f = queries.parse_filters(request.args)
    today = services.today()
    page, counts = queries.inbox_page(f, user=current_user, today=today, page=request.args.get("page"),
                                    per_page=request.args.get("per_page"))
    if page.items:
        audit.record(current_user, "list", "cases", None,
                     f"indbakken side {page.page}: sager " + ",".join(str(c.id) for c in page.items))
    places, forums = _filter_options()
    args = f.as_args()
    html = render_template(
        "outreach/inbox.html", f=f, page=page, counts=counts, total=page.total, args=args,
        stats=queries.statistics(), places=places, forums=forums, languages=LANGUAGE_NAMES, today=today,
        coordinators=services.coordinators(), due_state=workflow.due_state, statuses=workflow.STATUSES,
        open_count=sum(counts[s] for s in workflow.OPEN), all_count=sum(counts.values()),
        back=urlencode({**args, **({"page": page.page} if page.page > 1 else {})}),
        confirm=ConfirmForm(),
    )
    return _shown(html)


def _return_url() -> str:
    """The inbox with the filters the bulk form came from (only our own query arguments)."""
    raw = request.form.get("tilbage", "")
    args = dict(parse_qsl(raw[:2000])) if isinstance(raw, str) else {}
    keep = {k: v for k, v in args.items() if k in ("status", "sted", "forum", "boern", "sprog", "mine", "frist", "q",
                                                   "sortering", "page")}
    return url_for("cases.inbox", **keep)


@bp.post("/handling")
@role_required("coordinator")
def bulk():
    """Bulk actions on the checked cases: mark contacted, or assign (no JavaScript needed)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = _return_url()
    ids = ids_from(request.form, "sag", limit=services.MAX_BULK * 2)
    action = request.form.get("handling", "")
    who = action.removeprefix("tildel-") if action.startswith("tildel-") else ""
    assignee_id = parse_id(who, field="handling") if who not in ("ingen", "mig") else None
    if not ids:
        flash(_("Vælg mindst én sag i listen."), "error")
        return redirect(back)
    try:
        if action == "kontaktet":
            changed, skipped = services.bulk_mark_contacted(ids, actor=current_user)
            message = _("%(n)s sag(er) markeret som kontaktet.", n=changed)
            if skipped:
                message += " " + _("%(n)s var ikke nye og blev ikke ændret.", n=skipped)
        elif action.startswith("tildel-"):
            user = None if who == "ingen" else current_user if who == "mig" else services.get_coordinator(
                assignee_id)
            changed, _skipped = services.bulk_assign(ids, user, actor=current_user)
            message = (_("%(n)s sag(er) tildelt %(who)s.", n=changed, who=user.name or user.email) if user
                       else _("Tildelingen er fjernet fra %(n)s sag(er).", n=changed))
        else:
            flash(_("Vælg en handling."), "error")
            return redirect(back)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    db.session.commit()
    flash(message, "success")
    return redirect(back)


@bp.get("/eksport.csv")
@role_required("coordinator")
def export():
    """The filtered cases as CSV: no personal data, unless an admin asks for it (personoplysninger=1)."""
    personal = request.args.get("personoplysninger") == "1"
    if personal and current_user.role != "admin":
        abort(403)
    f = queries.parse_filters(request.args)
    user = current_user._get_current_object()
    audit.record(user, "export", "cases", None,
                 f"CSV {'med' if personal else 'uden'} personoplysninger; filtre: {f.as_args()}")
    db.session.commit()
    body = queries.export_csv(f, user=user, today=services.today(), personal=personal)
    name = "tilflyttere-personoplysninger.csv" if personal else "tilflyttere.csv"
    return csv_response(body, name, stream=True)


# ---------- a case ----------

def _case_page(case, *, note_form=None, status_form=None, next_form=None, status: int = 200):
    """The case page; showing it is a view of the person's data, so it is audited."""
    services.record_view(case, actor=current_user)
    n = case.newcomer
    next_form = next_form or NextActionForm(data={"next_action_on": case.next_action_on.isoformat()
                                                  if case.next_action_on else ""})
    html = render_template(
        "outreach/case.html", case=case, n=n, timeline=services.timeline(case),
        note_form=note_form or NoteForm(), status_form=status_form or StatusForm(), next_form=next_form,
        confirm=ConfirmForm(), coordinators=services.coordinators(),
        next_statuses=workflow.next_statuses(case.status, include_actions=False),
        handover_block=handover.can_hand_over(case),
        handover_status_ok=workflow.can_transition(case.status, workflow.HANDED_OVER),
        active_handover=handover.active_handover(case),
        due=workflow.due_state(case.next_action_on, services.today()), consent_text=consent.text,
        oral_text=consent.text(consent.ORAL_HANDOVER), access=audit.entries_for("newcomer", n.id, limit=10),
        suggestion_key=suggestions.item_key, languages=LANGUAGE_NAMES,
        suggestion_reasons=lambda item: suggestions.reasons(item, get_locale()),
    )
    return _shown(html, status)


@bp.get("/<int:case_id>")
@role_required("coordinator")
def case_detail(case_id: int):
    return _case_page(services.get_case(case_id, actor=current_user))


@bp.post("/<int:case_id>/status")
@role_required("coordinator")
def change_status(case_id: int):
    case = services.get_case(case_id, actor=current_user)
    form = StatusForm()
    if not form.validate_on_submit():
        return _case_page(case, status_form=form, status=400)
    new = form.status.data or ""
    try:
        services.transition(case, new, actor=current_user, note=form.note.data)
    except InvalidTransition as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back_to_case(case_id, "status")
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, [("note", m) for _f, m in exc.errors])
        return _case_page(services.get_case(case_id, actor=current_user), status_form=form, status=400)
    db.session.commit()
    flash(_("Sagen har nu status: %(status)s.", status=labels.STATUS_LABELS[new]), "success")
    return _back_to_case(case_id, "status")


@bp.post("/<int:case_id>/tildel")
@role_required("coordinator")
def assign(case_id: int):
    case = services.get_case(case_id, actor=current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    assignee_id = id_from(request.form, "koordinator")  # odd values: a 400 naming the field
    try:
        user = None if assignee_id is None else services.get_coordinator(assignee_id)
        changed = services.assign(case, user, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back_to_case(case_id, "tildeling")
    db.session.commit()
    if changed:
        flash(_("Sagen er tildelt %(who)s.", who=user.name or user.email) if user
              else _("Sagen er ikke tildelt nogen."),
              "success")
    return _back_to_case(case_id, "tildeling")


@bp.post("/<int:case_id>/noter")
@role_required("coordinator")
def add_note(case_id: int):
    case = services.get_case(case_id, actor=current_user)
    form = NoteForm()
    if not form.validate_on_submit():
        return _case_page(case, note_form=form, status=400)
    try:
        services.add_note(case, form.text.data, actor=current_user)
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, [("text", m) for _f, m in exc.errors])
        return _case_page(services.get_case(case_id, actor=current_user), note_form=form, status=400)
    db.session.commit()
    flash(_("Noten er gemt."), "success")
    return _back_to_case(case_id, "tidslinje")


@bp.post("/<int:case_id>/naeste-handling")
@role_required("coordinator")
def next_action(case_id: int):
    case = services.get_case(case_id, actor=current_user)
    form = NextActionForm()
    if not form.validate_on_submit():
        return _case_page(case, next_form=form, status=400)
    try:
        services.set_next_action(case, form.next_action_on.data, actor=current_user)
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc.errors)
        return _case_page(services.get_case(case_id, actor=current_user), next_form=form, status=400)
    except InvalidTransition as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back_to_case(case_id)
    db.session.commit()
    flash(_("Datoen for næste handling er gemt."), "success")
    return _back_to_case(case_id, "naeste-handling")


@bp.post("/<int:case_id>/samtykke")
@role_required("coordinator")
def handover_consent(case_id: int):
    case = services.get_case(case_id, actor=current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    granted = request.form.get("givet") == "1"
    changed = services.record_handover_consent(case, granted, actor=current_user)
    db.session.commit()
    if changed:
        flash(_("Samtykket til overdragelse er registreret.") if granted
              else _("Samtykket til overdragelse er trukket tilbage."), "success")
    return _back_to_case(case_id, "samtykke")


@bp.post("/<int:case_id>/slet")
@role_required("coordinator")
def withdraw(case_id: int):
    """The person withdrew consent to contact: erase their data and close the case."""
    case = services.get_case(case_id, actor=current_user)
    if not ConfirmForm().validate_on_submit() or request.form.get("bekraeft") != "1":
        flash(_("Sæt kryds for at bekræfte, at tilflytteren har trukket sit samtykke tilbage."), "error")
        return _back_to_case(case_id, "slet")
    services.withdraw_contact(case.newcomer, actor=current_user)
    db.session.commit()
    flash(_("Personoplysningerne er slettet, og sagen er lukket."), "success")
    return redirect(url_for("cases.inbox"))


@bp.post("/<int:case_id>/forslag")
@role_required("coordinator")
def refresh_suggestions(case_id: int):
    case = services.get_case(case_id, actor=current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        found = suggestions.refresh(case, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back_to_case(case_id, "forslag")
    db.session.commit()
    flash(_("Forslagene er opdateret (%(n)s).", n=len(found)), "success")
    return _back_to_case(case_id, "forslag")


@bp.route("/<int:case_id>/velkomst", methods=["GET", "POST"])
@role_required("coordinator")
def compose(case_id: int):
    """Write the welcome message: a draft from the template, edited, then emailed or printed."""
    case = services.get_case(case_id, actor=current_user)
    keys = request.values.getlist("valg")[:20]
    if request.method == "GET":
        saved = case.welcome_draft if not keys and request.args.get("ny") != "1" else None
        draft = saved or messages.draft(case, keys, actor=current_user)
        form = WelcomeForm(data={"subject": draft["subject"], "body": draft["body"]})
        services.record_view(case, actor=current_user, what="velkomstbesked")
        return _compose_page(case, form, draft.get("items", []))
    form = WelcomeForm()
    if not form.validate_on_submit():
        return _compose_page(case, form, keys, status=400)
    action = request.form.get("handling")
    try:
        if action == "brev":
            messages.save_letter(case, form.subject.data, form.body.data, keys, actor=current_user)
        else:
            moved = messages.send_welcome(case, form.subject.data, form.body.data, keys, actor=current_user)
    except ValidationError as exc:
        db.session.rollback()
        mail.forget_queued()
        apply_errors(form, exc.errors)
        return _compose_page(services.get_case(case_id, actor=current_user), form, keys, status=400)
    if action == "brev":
        db.session.commit()
        return redirect(url_for("cases.letter", case_id=case_id))
    _sent, failed = mail.commit_and_deliver()
    message = _("Velkomstbeskeden er sendt.") if not failed else _(
        "Velkomstbeskeden ligger i udbakken og bliver sendt lidt senere.")
    if moved:
        message += " " + _("Sagen har nu status: %(status)s.", status=labels.STATUS_LABELS[moved[-1]])
    flash(message, "success")
    return _back_to_case(case_id, "tidslinje")


def _compose_page(case, form, keys, status: int = 200):
    if status != 200:  # GET records its own view
        services.record_view(case, actor=current_user, what="velkomstbesked")
    html = render_template("outreach/compose.html", case=case, n=case.newcomer, form=form,
                           chosen=suggestions.chosen(case, keys), keys=keys,
                           events=messages.welcome_events(case))
    return _shown(html, status)


@bp.get("/<int:case_id>/brev")
@role_required("coordinator")
def letter(case_id: int):
    """The welcome message as a printable letter (print CSS) for people without email."""
    case = services.get_case(case_id, actor=current_user)
    draft = case.welcome_draft or messages.draft(case, [], actor=current_user)
    services.record_view(case, actor=current_user, what="brev")
    html = render_template("outreach/letter.html", case=case, n=case.newcomer, draft=draft,
                           paragraphs=messages.paragraphs(draft["body"], inline_style=False), today=services.today())
    return _shown(html)


@bp.route("/<int:case_id>/overdrag", methods=["GET", "POST"])
@role_required("coordinator")
def hand_over(case_id: int):
    case = services.get_case(case_id, actor=current_user)
    form = HandOverForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            handover.hand_over(case, actor=current_user, note=form.note.data)
        except (InvalidTransition, ValidationError) as exc:
            db.session.rollback()
            mail.forget_queued()
            flash(exc.message, "error")
            return redirect(url_for("cases.hand_over", case_id=case_id))
        forum_name = case.forum.name
        mail.commit_and_deliver()
        flash(_("Sagen er overdraget til %(forum)s.", forum=forum_name), "success")
        return _back_to_case(case_id, "status")
    services.record_view(case, actor=current_user, what="overdragelse")
    html = render_template("outreach/handover.html", case=case, n=case.newcomer, form=form,
                           blocked=handover.can_hand_over(case))
    return _shown(html)


@bp.route("/<int:case_id>/oplysninger", methods=["GET", "POST"])
@role_required("coordinator")
def edit_profile(case_id: int):
    from .cleaning import clean_newcomer
    from .requests import form_locator

    case = services.get_case(case_id, actor=current_user)
    n = case.newcomer
    if request.method == "GET":
        form = ProfileForm(data={
            "name": n.name, "email": n.email, "phone": n.phone, "address": n.address, "postcode": n.postcode,
            "town": n.town, "move_in_date": n.move_in_date.isoformat() if n.move_in_date else "",
            "adults": str(n.adults), "children_ages": ", ".join(str(a) for a in n.children_ages or []),
            "languages": ", ".join(n.languages or []), "interests": ", ".join(n.interests or []),
            "preferred_language": n.preferred_language})
        services.record_view(case, actor=current_user, what="oplysninger")
        return _shown(render_template("outreach/profile.html", case=case, n=n, form=form))
    form = ProfileForm()
    if form.validate_on_submit():
        raw = {name: form[name].data for name in form._fields if name != "csrf_token"}
        try:
            values = clean_newcomer({**raw, "consent_contact": "true"}, locate=form_locator)
            changed = services.update_newcomer(n, values, actor=current_user)
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(_("Oplysningerne er gemt.") if changed else _("Der var ingen ændringer at gemme."),
                  "success" if changed else "info")
            return _back_to_case(case_id)
    case = services.get_case(case_id, actor=current_user)
    services.record_view(case, actor=current_user, what="oplysninger")
    return _shown(render_template("outreach/profile.html", case=case, n=case.newcomer, form=form), 400)
