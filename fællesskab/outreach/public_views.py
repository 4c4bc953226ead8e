"""The newcomer's doors to the coordinator: the journey's contact request and "Jeg vil gerne kontaktes".

The address only ever travels in POST bodies (CONTRACT.md: no street address in a URL).
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import get_locale

from ..core.errors import ValidationError
from ..events.forms import apply_errors
from ..extensions import db
from . import consent, labels, requests
from .forms import ContactForm

bp = Blueprint("outreach", __name__)
bp.record_once(lambda state: labels.register(state.app))

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


def _interests_text() -> str:
    values = [v.strip() for v in request.form.getlist("interests")[:40] if isinstance(v, str) and v.strip()]
    return ", ".join(values)[:1000]


def _render(form: ContactForm, *, source: str, languages: list[str], status: int = 200):
    language = str(get_locale()) if str(get_locale()) in ("da", "en") else "da"
    return render_template(
        "outreach/contact.html", form=form, source=source, languages=languages,
        contact_text=consent.text(consent.CURRENT[consent.CONTACT], language),
        handover_text=consent.text(consent.CURRENT[consent.HANDOVER], language),
        survey_text=consent.text(consent.CURRENT[consent.SURVEY], language),
        action=url_for("outreach.contact_request" if source == "journey" else "outreach.self_register"),
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
        form.interests.data = _interests_text()
        if str(get_locale()) == "en" or (languages and "da" not in languages):
            form.preferred_language.data = "en"
        return _render(form, source=source, languages=languages)
    if not form.validate_on_submit():
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
        requests.register_contact_request(values, source=source)
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc.errors)
        return _render(form, source=source, languages=languages, status=400)
    db.session.commit()
    if key:
        session[SUBMITTED] = (session.get(SUBMITTED, []) + [key])[-10:]
    return redirect(url_for("outreach.thanks"))


@bp.route("/ny-i-kolding/kontakt", methods=["GET", "POST"])
def contact_request():
    """The journey's "get help": its results page posts the profile here (never in a URL)."""
    if request.method == "GET":
        return redirect(url_for("outreach.self_register"))
    return _contact("journey")


@bp.route("/kontakt-mig", methods=["GET", "POST"])
def self_register():
    """"Jeg vil gerne kontaktes": anyone may ask the coordinator to contact them."""
    return _contact("self")


@bp.get("/kontakt-mig/tak")
def thanks():
    return render_template("outreach/thanks.html")
