"""Forms for the contact requests and the coordinator's case pages.

The forms give CSRF protection and accessible fields; the rules live in the
services (cleaning.clean_newcomer and friends), whose ValidationError is put
back on the fields with `core.forms.apply_errors`.
"""
from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, RadioField, StringField, TextAreaField

from ..core.forms import choices, drop_nul, max_length

LANGUAGE_CHOICES = [("da", _l("Dansk")), ("en", _l("Engelsk / English"))]


class ContactForm(FlaskForm):
    """'Kontakt mig': the journey's profile (editable) plus name, contact, language and consent."""

    step = HiddenField(filters=[drop_nul])
    submission_key = HiddenField(validators=[max_length(64)], filters=[drop_nul])
    name = StringField(_l("Navn"), validators=[max_length(500)], filters=[drop_nul],
                       render_kw={"autocomplete": "name", "maxlength": 120})
    email = EmailField(_l("E-mail"), validators=[max_length(500)], filters=[drop_nul],
                       render_kw={"autocomplete": "email", "maxlength": 254, "spellcheck": "false"})
    phone = StringField(_l("Telefon"), validators=[max_length(100)], filters=[drop_nul],
                        render_kw={"autocomplete": "tel", "type": "tel", "maxlength": 40})
    preferred_language = RadioField(_l("Hvilket sprog vil du helst skrive på?"), choices=choices(LANGUAGE_CHOICES),
                                    default="da", validate_choice=False)
    address = StringField(_l("Adresse"), validators=[max_length(1000)], filters=[drop_nul],
                          render_kw={"autocomplete": "street-address", "maxlength": 200})
    adults = StringField(_l("Antal voksne i husstanden"), default="1", validators=[max_length(20)],
                         filters=[drop_nul], render_kw={"type": "number", "min": 1, "max": 20, "inputmode": "numeric"})
    children_ages = StringField(_l("Børnenes alder (valgfrit)"), validators=[max_length(200)], filters=[drop_nul],
                                render_kw={"inputmode": "numeric"})
    interests = StringField(_l("Interesser (valgfrit)"), validators=[max_length(1000)], filters=[drop_nul])
    move_in_date = StringField(_l("Hvornår flyttede I (eller flytter I)? (valgfrit)"), validators=[max_length(40)],
                               filters=[drop_nul], render_kw={"type": "date"})
    consent_contact = BooleanField(_l("Ja, I må kontakte mig"))
    consent_handover = BooleanField(_l("Ja, I må give mine oplysninger videre til lokalrådet, hvor jeg bor (valgfrit)"))
    consent_survey = BooleanField(_l("Ja, I må sende mig et kort spørgeskema senere (valgfrit)"))
    # Flood defences (core/flood.py): a trap a person leaves empty, and when the form was shown.
    website = StringField(validators=[max_length(500)], filters=[drop_nul])
    started = HiddenField(validators=[max_length(200)], filters=[drop_nul])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission_key.data:
            self.submission_key.data = uuid.uuid4().hex


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Ny note"), validators=[max_length(20_000)], filters=[drop_nul],
                         render_kw={"rows": 3, "maxlength": 5000})


class StatusForm(FlaskForm):
    status = HiddenField(filters=[drop_nul])
    note = TextAreaField(_l("Note til tidslinjen (valgfri)"), validators=[max_length(20_000)], filters=[drop_nul],
                         render_kw={"rows": 2, "maxlength": 5000})


class HandOverForm(StatusForm):
    """The hand-over: its note is a message the forum reads, so it says so."""

    note = TextAreaField(_l("Besked til lokalrådet (valgfri)"), validators=[max_length(20_000)], filters=[drop_nul],
                         render_kw={"rows": 3, "maxlength": 5000})


class NextActionForm(FlaskForm):
    next_action_on = StringField(_l("Næste handling senest"), validators=[max_length(40)], filters=[drop_nul],
                                 render_kw={"type": "date"})


class WelcomeForm(FlaskForm):
    subject = StringField(_l("Emne"), validators=[max_length(1000)], filters=[drop_nul],
                          render_kw={"maxlength": 200})
    body = TextAreaField(_l("Besked"), validators=[max_length(100_000)], filters=[drop_nul],
                         render_kw={"rows": 22})


class ProfileForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[max_length(500)], filters=[drop_nul], render_kw={"maxlength": 120})
    email = EmailField(_l("E-mail"), validators=[max_length(500)], filters=[drop_nul],
                       render_kw={"maxlength": 254, "spellcheck": "false"})
    phone = StringField(_l("Telefon"), validators=[max_length(100)], filters=[drop_nul],
                        render_kw={"type": "tel", "maxlength": 40})
    address = StringField(_l("Adresse"), validators=[max_length(1000)], filters=[drop_nul],
                          render_kw={"maxlength": 200})
    postcode = StringField(_l("Postnummer"), validators=[max_length(20)], filters=[drop_nul],
                           render_kw={"inputmode": "numeric", "maxlength": 4})
    town = StringField(_l("By"), validators=[max_length(200)], filters=[drop_nul], render_kw={"maxlength": 80})
    move_in_date = StringField(_l("Indflytningsdato"), validators=[max_length(40)], filters=[drop_nul],
                               render_kw={"type": "date"})
    adults = StringField(_l("Antal voksne"), validators=[max_length(20)], filters=[drop_nul],
                         render_kw={"type": "number", "min": 1, "max": 20, "inputmode": "numeric"})
    children_ages = StringField(_l("Børnenes alder"), validators=[max_length(200)], filters=[drop_nul])
    languages = StringField(_l("Sprog (ISO-koder, fx da, en, uk)"), validators=[max_length(200)],
                            filters=[drop_nul])
    interests = StringField(_l("Interesser"), validators=[max_length(1000)], filters=[drop_nul])
    preferred_language = RadioField(_l("Skriv til husstanden på"), choices=choices(LANGUAGE_CHOICES), default="da",
                                    validate_choice=False)

