"""A village forum's newcomers under /forum/tilflyttere/: the people handed over to it, and its updates.

A forum sees only the cases handed to it, while the hand-over is active
(another forum's case: 403). Every view is written to the audit log.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.decorators import role_required
from ..core import audit
from ..core.errors import DomainError
from ..core.params import id_from
from ..core.vocab import LANGUAGE_NAMES
from ..extensions import db
from . import handover, labels, suggestions
from .forms import NoteForm
from .models import CaseNote

bp = Blueprint("forum_cases", __name__, url_prefix="/forum/tilflyttere")
bp.record_once(lambda state: labels.register(state.app))


@bp.get("/")
@role_required("forum")
def case_list():
    rows = handover.forum_handovers(current_user)
    if rows:
        audit.record(current_user, "list", "cases", None,
                     "lokalrådets tilflyttere: sager " + ",".join(str(h.case_id) for h in rows))
    html = render_template("outreach/forum_list.html", forum=current_user.forum, handovers=rows,
                           languages=LANGUAGE_NAMES)
    db.session.commit()
    return html


def _page(case, ho, form=None, status: int = 200):
    """The person's page for the forum; showing it is a view of their data, so it is audited."""
    audit.record(current_user, "view", "newcomer", case.newcomer_id, f"lokalråd: sag #{case.id}")
    notes = list(db.session.scalars(
        sa.select(CaseNote).where(CaseNote.case_id == case.id, CaseNote.forum_id == ho.forum_id,
                                  CaseNote.kind.in_(("handover", "forum_contacted", "forum_attended")))
        .order_by(CaseNote.created_at.desc(), CaseNote.id.desc())
    ))
    html = render_template("outreach/forum_case.html", case=case, n=case.newcomer, ho=ho, notes=notes,
                           form=form or NoteForm(), events=handover.forum_events(ho.forum_id),
                           handover_note=handover.handover_note(ho),
                           languages=LANGUAGE_NAMES,
                           suggestion_reasons=lambda item: suggestions.reasons(item, get_locale(), distance=False))
    db.session.commit()
    return html, status


@bp.get("/<int:case_id>")
@role_required("forum")
def case_detail(case_id: int):
    case, ho = handover.forum_case(case_id, actor=current_user)
    return _page(case, ho)


@bp.post("/<int:case_id>/opdater")
@role_required("forum")
def update(case_id: int):
    """Record that the forum contacted the person, or saw them at a welcome event."""
    case, ho = handover.forum_case(case_id, actor=current_user)
    form = NoteForm()
    if not form.validate_on_submit():
        return _page(case, ho, form, 400)
    what = request.form.get("hvad", "")
    try:
        changed = handover.record_forum_update(case, ho, what, actor=current_user, note=form.text.data,
                                               event_id=id_from(request.form, "event_id"))
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("forum_cases.case_detail", case_id=case_id))
    db.session.commit()
    if changed:
        flash(_("Tak! Koordinatoren kan nu se det på sagen."), "success")
    else:
        flash(_("Det var allerede registreret."), "info")
    return redirect(url_for("forum_cases.case_detail", case_id=case_id))
