"""The newcomer's doors to the coordinator: the journey's contact request and "Jeg vil gerne kontaktes".

The address only ever travels in POST bodies (CONTRACT.md: no street address in a URL).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from ..accounts.security import CONTACT_GLOBAL_LIMIT, CONTACT_SEND_LIMIT, FORM_LIMIT
from ..core import flood
from ..core.errors import ValidationError
from ..core.forms import ConfirmForm, apply_errors
from ..core.vocab import CATEGORIES, interest_label
from ..extensions import db, limiter
from ..mail import services as mail
from . import confirmations, consent, labels, requests
from .forms import ContactForm

bp = Blueprint("outreach", __name__)
bp.record_once(lambda state: labels.register(state.app))


def _not_sent() -> bool:
    """Showing the form (the journey posts its profile) is not a request: only step=send counts."""
    return request.form.get("step") != "send"


def _global_limit() -> str:
    return current_app.config.get("CONTACT_GLOBAL_LIMIT") or CONTACT_GLOBAL_LIMIT


# Shared by both doors, so the two forms are one budget: per client address, and all addresses together.
contact_per_address = limiter.shared_limit(CONTACT_SEND_LIMIT, scope="contact-send", methods=["POST"],
                                           exempt_when=_not_sent)
contact_overall = limiter.shared_limit(_global_limit, scope="contact-send-all", key_func=lambda: "all",
                                       methods=["POST"], exempt_when=_not_sent)

SUBMITTED = "outreach_submitted"  # session: submission keys already handled (a double click makes one case)
MAX_LANGUAGES = 10


def _languages() -> list[str]:
    out = []
    for value in request.form.getlist("languages")[:MAX_LANGUAGES * 2]:
        for code in value.replace(";", ",").split(","):
            code = code.strip().lower()
            if len(code) == 2 and code.isascii() and code.isalpha() and code not in out:
                out.append(code)
    return out[:MAX_LANGUAGES]


def _interests_text(*, labels: bool = False) -> str:
    """The posted interests as one text: category labels for the person to read (`labels`),
    or category slugs to store, whichever language the label was shown in."""
    words = [w.strip() for v in request.form.getlist("interests")[:40] if isinstance(v, str)
             for w in v.split(",") if w.strip()]
    if labels:
        words = [interest_label(w) for w in words]
    else:
        slugs = {}
        for language in ("da", "en"):
            with force_locale(language):
                slugs.update({str(label).lower(): slug for slug, label in CATEGORIES.items()})
        words = [slugs.get(w.lower(), w) for w in words]
    return ", ".join(words)[:1000]


def _render(form: ContactForm, *, source: str, languages: list[str], status: int = 200,
            unplaced: str | None = None):
    if flood.stamp_age(form.started.data) is None:  # a valid start time is kept: the person's time counts
        form.started.data = flood.make_stamp()
    form.website.data = ""
    language = str(get_locale()) if str(get_locale()) in ("da", "en") else "da"
    return render_template(
        "outreach/contact.html", form=form, source=source, languages=languages,
        contact_text=consent.text(consent.CURRENT[consent.CONTACT], language),
        handover_text=consent.text(consent.CURRENT[consent.HANDOVER], language),
        survey_text=consent.text(consent.CURRENT[consent.SURVEY], language),
        action=url_for("outreach.contact_request" if source == "journey" else "outreach.self_register"),
        unplaced=unplaced,
    ), status


def _contact(source: str):
    form = ContactForm()
    languages = _languages()
    if request.method == "GET":
        if str(get_locale()) == "en":
            form.preferred_language.data = "en"
        return _render(form, source=source, languages=languages)
    if form.step.data != "send":
        # The journey's results page posts the household's profile: show it, ask the rest.
        form.interests.data = _interests_text(labels=True)
        if str(get_locale()) == "en" or (languages and "da" not in languages):
            form.preferred_language.data = "en"
        return _render(form, source=source, languages=languages)
    if not form.validate_on_submit():
        return _render(form, source=source, languages=languages, status=400)
    verdict = flood.check(form.website.data, form.started.data)
    if verdict == flood.TOO_FAST:  # a script: answered as a person is, nothing created
        return redirect(url_for("outreach.thanks"))
    if verdict == flood.STALE:  # no or an old start time: show the form again, as typed
        form.started.errors = [
            _("Formularen var for gammel eller ufuldstændig. Udfyld den igen, og send den en gang til.")]
        form.started.data = None
        return _render(form, source=source, languages=languages, status=400)
    key = form.submission_key.data or ""
    if key and key in session.get(SUBMITTED, []):
        return redirect(url_for("outreach.thanks"))
    raw = {name: form[name].data for name in ("name", "email", "phone", "address", "adults", "children_ages",
                                               "move_in_date", "preferred_language")}
    raw.update(interests=_interests_text(), languages=languages, consent_contact=form.consent_contact.data,
               consent_handover=form.consent_handover.data, consent_survey=form.consent_survey.data)
    try:
        values = requests.clean_contact_request(raw)
        if _unplaced_first_time(values):
            # Say so before anything is stored; the same address sent again goes through as typed.
            db.session.rollback()
            return _render(form, source=source, languages=languages, unplaced=values["address"])
        requests.register_contact_request(values, source=source)
    except ValidationError as exc:
        db.session.rollback()
        mail.forget_queued()
        apply_errors(form, exc.errors)
        return _render(form, source=source, languages=languages, status=400)
    mail.commit_and_deliver()  # the link, when the email already has a case
    if key:
        session[SUBMITTED] = (session.get(SUBMITTED, []) + [key])[-10:]
    return redirect(url_for("outreach.thanks"))


def _unplaced_first_time(values: dict) -> bool:
    """An address typed that the geocoder cannot place, and not yet shown to the person as such."""
    if not values.get("address") or values.get("lat") is not None:
        return False
    return request.form.get("unplaced_address", "") != values["address"]


@bp.route("/ny-i-kolding/kontakt", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
@contact_per_address
@contact_overall
def contact_request():
    """The journey's "get help": its results page posts the profile here (never in a URL)."""
    if request.method == "GET":
        return redirect(url_for("outreach.self_register"))
    return _contact("journey")


@bp.route("/kontakt-mig", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT, methods=["POST"])
@contact_per_address
@contact_overall
def self_register():
    """"Jeg vil gerne kontaktes": anyone may ask the coordinator to contact them."""
    return _contact("self")


@bp.get("/kontakt-mig/tak")
def thanks():
    return render_template("outreach/thanks.html")


def _private(response):
    """The confirmation pages show what was typed into the form: keep them out of caches and referrers."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/kontakt-mig/bekraeft/<token>", methods=["GET", "POST"])
@limiter.limit(FORM_LIMIT)
def confirm_request(token: str):
    """The emailed link: GET shows the waiting request (mail scanners fetch links), POST confirms it."""
    form = ConfirmForm()
    try:
        pending = confirmations.pending_for_token(token)
        if request.method == "POST":
            if not form.validate_on_submit():
                abort(400)
            confirmations.confirm(pending)
            db.session.commit()
            return _private(current_app.make_response(render_template("outreach/request_confirmed.html")))
    except confirmations.LinkError as exc:
        db.session.rollback()
        page = render_template("errors/bad_link.html", message=_(exc.message),
                               again_url=url_for("outreach.self_register"), again_label=_("Send en ny henvendelse"))
        return _private(current_app.make_response((page, 400)))
    values = confirmations.requested_values(pending)
    language = str(get_locale()) if str(get_locale()) in ("da", "en") else "da"
    texts = [consent.text(version, language) for _kind, _granted, version in confirmations.consents_for(values)]
    page = render_template("outreach/confirm_request.html", form=form, values=values, consent_texts=texts,
                           action=url_for("outreach.confirm_request", token=token))
    return _private(current_app.make_response(page))
