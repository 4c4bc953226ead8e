"""Staff doors: the coordinator's erasure and consent withdrawal on a case, the admin's audit-log viewer."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.decorators import role_required
from ..core import audit
from ..core.csvio import csv_response
from ..core.errors import ValidationError
from ..core.forms import ConfirmForm
from ..core.pagination import clamp_page, paginate
from ..extensions import db
from ..mail import services as mail
from ..outreach import services as outreach
from . import audit_log, consents
from .erase import erase_person

bp = Blueprint("privacy_staff", __name__)


@bp.post("/koordinator/tilflyttere/<int:case_id>/slet-person")
@role_required("coordinator")
def erase_case(case_id: int):
    """Erase the person of this case everywhere (right to erasure), after a ticked confirmation."""
    case = outreach.get_case(case_id, actor=current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("bekraeft") != "1":
        flash(_("Sæt kryds for at bekræfte, at personen skal slettes helt."), "error")
        return redirect(url_for("cases.case_detail", case_id=case_id) + "#slet-person")
    erase_person(actor=current_user, reason="slettet af koordinator efter anmodning", newcomer=case.newcomer)
    mail.commit_and_deliver()
    flash(_("Personen er slettet: sag, noter, samtykker, tilmeldinger og e-mails."), "success")
    return redirect(url_for("cases.inbox"))


@bp.post("/koordinator/tilflyttere/<int:case_id>/samtykke-tilbage")
@role_required("coordinator")
def withdraw_case_consent(case_id: int):
    """The person told the coordinator they withdraw consent for one purpose."""
    case = outreach.get_case(case_id, actor=current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    purpose = request.form.get("purpose", "")
    try:
        changed = consents.withdraw(case.newcomer, purpose, actor=current_user, source="coordinator")
    except ValidationError:
        abort(400)
    db.session.commit()
    if changed:
        flash(_("Samtykket er trukket tilbage."), "success")
    if purpose == "contact" and changed:
        return redirect(url_for("cases.inbox"))
    return redirect(url_for("cases.case_detail", case_id=case_id) + "#samtykke")


@bp.get("/admin/log")
@role_required("admin")
def audit_log_page():
    filters = audit_log.parse_filters(request.args)
    page_no, per_page = clamp_page(request.args.get("page"), request.args.get("per_page"), 50)
    page = paginate(audit_log.select(filters), page_no, per_page)
    actions, subject_types = audit_log.choices()
    audit.record(current_user, "view", "audit_log", None, f"side {page.page}")
    html = render_template("privacy/audit_log.html", page=page, filters=filters, actions=actions,
                           subject_types=subject_types)
    db.session.commit()
    return html


@bp.get("/admin/log.csv")
@role_required("admin")
def audit_log_csv():
    filters = audit_log.parse_filters(request.args)
    entries = db.session.scalars(audit_log.select(filters).limit(audit_log.MAX_CSV_ROWS))
    body = audit_log.to_csv(entries)
    audit.record(current_user, "export", "audit_log", None, "CSV")
    db.session.commit()
    return csv_response(body, "auditlog.csv")
