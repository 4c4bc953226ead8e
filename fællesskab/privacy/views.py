"""The newcomer's self-service under /privatliv/mine-data: ask for a link, see, download, withdraw, delete.

The emailed link is exchanged for a session entry (the token, re-checked on
every request, so the pages stop working when the link expires) and the
browser is sent on to a URL without the token, so it does not linger in
history or referrers. Every page here is `no-store`.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..accounts.security import FORM_LIMIT
from ..core import audit
from ..core.errors import ValidationError
from ..core.forms import ConfirmForm
from ..core.params import id_from
from ..extensions import db, limiter
from ..mail import services as mail
from ..outreach import consent
from ..outreach.models import Newcomer
from . import access, consents, export
from .erase import erase_person
from .forms import AccessRequestForm, DeleteForm

bp = Blueprint("privacy", __name__, url_prefix="/privatliv/mine-data")
SESSION_KEY = "privacy_token"
# Per client address, on top of FORM_LIMIT: every request sends an email.
REQUEST_LIMIT = "5 per 15 minutes"


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _email() -> str | None:
    """The email of the current self-service session, or None (no link opened, or it expired)."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    try:
        return access.email_for_token(token)
    except access.LinkError:
        session.pop(SESSION_KEY, None)
        return None


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "da"


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
@limiter.limit(REQUEST_LIMIT, methods=["POST"])
def request_access():
    """Ask for a link. The answer is the same whether we hold anything or not."""
    form = AccessRequestForm()
    if form.validate_on_submit():
        access.request_access(form.email.data, language=_language())
        mail.commit_and_deliver()
        return render_template("privacy/link_sent.html")
    return render_template("privacy/request.html", form=form), (400 if request.method == "POST" else 200)


@bp.get("/adgang/<token>")
def open_link(token: str):
    try:
        access.email_for_token(token)
    except access.LinkError as exc:
        return render_template("errors/bad_link.html", message=_(exc.message),
                               again_url=url_for("privacy.request_access"), again_label=_("Bed om et nyt link")), 400
    session[SESSION_KEY] = token
    return redirect(url_for("privacy.my_data"))


@bp.get("/oversigt")
def my_data():
    email = _email()
    if email is None:
        return redirect(url_for("privacy.request_access"))
    data = export.collect(email)
    audit.record(None, "view", "person", None, "egne data vist (selvbetjening)")
    db.session.commit()
    return render_template("privacy/my_data.html", data=data, form=ConfirmForm(), delete_form=DeleteForm(),
                           consent_text=consent.text, purposes=consent.PURPOSES)


@bp.get("/oversigt.json")
def my_data_json():
    email = _email()
    if email is None:
        return redirect(url_for("privacy.request_access"))
    data = export.collect(email)
    audit.record(None, "export", "person", None, "egne data hentet som JSON (selvbetjening)")
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="mine-data.json"'})


@bp.post("/samtykke")
def withdraw_consent():
    email = _email()
    if email is None:
        return redirect(url_for("privacy.request_access"))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    newcomer_id = id_from(request.form, "newcomer_id", required=True)
    newcomer = db.session.get(Newcomer, newcomer_id)
    if newcomer is None or (newcomer.email or "").lower() != email or newcomer.erased_at is not None:
        abort(404)
    try:
        changed = consents.withdraw(newcomer, request.form.get("purpose", ""), source="self-service")
    except ValidationError:
        abort(400)
    db.session.commit()
    if changed:
        flash(_("Dit samtykke er trukket tilbage."), "success")
    return redirect(url_for("privacy.my_data"))


@bp.post("/slet")
def delete_my_data():
    email = _email()
    if email is None:
        return redirect(url_for("privacy.request_access"))
    form = DeleteForm()
    if not form.validate_on_submit():
        flash(_("Sæt kryds for at bekræfte sletningen."), "error")
        return redirect(url_for("privacy.my_data") + "#slet")
    erase_person(actor=None, reason="slettet af personen selv (selvbetjening)", email=email)
    mail.commit_and_deliver()  # the waiting list may have moved up: those people are told
    session.pop(SESSION_KEY, None)
    return redirect(url_for("privacy.deleted"))


@bp.get("/slettet")
def deleted():
    return render_template("privacy/deleted.html")
