"""Forms for sign-ups, a forum's events and the coordinator's decisions.

The forms give CSRF protection and render accessible fields; the rules live
in the services (clean_sign_up, clean_forum_event), whose ValidationError is
put back on the fields with `core.forms.apply_errors`. Date, time and number fields are
text fields with the right input type, so every message comes from one place
and is in Danish.
"""
from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField

from ..core.forms import choices, drop_nul, max_length
from ..core.vocab import EVENT_KINDS
from .registrations import MAX_PARTY

RECURRENCE_CHOICES = [("", _l("Kun én gang")), ("weekly", _l("Hver uge")), ("fortnightly", _l("Hver anden uge"))]


def party_size_field() -> StringField:
    return StringField(_l("Antal personer"), default="1", validators=[max_length(20)], filters=[drop_nul],
                       render_kw={"type": "number", "min": 1, "max": MAX_PARTY, "inputmode": "numeric"})


def message_field() -> TextAreaField:
    return TextAreaField(_l("Besked til arrangøren (valgfri)"), validators=[max_length(5000)], filters=[drop_nul],
                         render_kw={"rows": 3, "maxlength": 1000})


class SignUpForm(FlaskForm):
    name = StringField(_l("Navn"), validators=[max_length(500)], filters=[drop_nul],
                       render_kw={"autocomplete": "name", "maxlength": 120})
    email = EmailField(_l("E-mail"), validators=[max_length(500)], filters=[drop_nul],
                       render_kw={"autocomplete": "email", "maxlength": 254, "spellcheck": "false"})
    party_size = party_size_field()
    message = message_field()


class ChangeSignUpForm(FlaskForm):
    """The emailed link's form: what the owner of a sign-up may change."""

    party_size = party_size_field()
    message = message_field()


class ForumEventForm(FlaskForm):
    submission_key = HiddenField(validators=[max_length(64)], filters=[drop_nul])
    title = StringField(_l("Titel"), validators=[max_length(1000)], filters=[drop_nul], render_kw={"maxlength": 200})
    kind = SelectField(_l("Type"), choices=choices(EVENT_KINDS.items()), validate_choice=False)
    description = TextAreaField(_l("Beskrivelse"), validators=[max_length(40_000)], filters=[drop_nul],
                                render_kw={"rows": 6})
    # Optional English text, shown on the English pages instead of the Danish.
    title_en = StringField(_l("Titel på engelsk"), validators=[max_length(1000)], filters=[drop_nul],
                           render_kw={"maxlength": 200, "lang": "en"})
    description_en = TextAreaField(_l("Beskrivelse på engelsk"), validators=[max_length(40_000)], filters=[drop_nul],
                                   render_kw={"rows": 6, "lang": "en"})
    place = SelectField(_l("Sted"), choices=[], validate_choice=False)
    address = StringField(_l("Adresse eller mødested (valgfri)"), validators=[max_length(1000)], filters=[drop_nul],
                          render_kw={"maxlength": 200})
    date = StringField(_l("Dato"), validators=[max_length(40)], filters=[drop_nul], render_kw={"type": "date"})
    start_time = StringField(_l("Starttidspunkt"), validators=[max_length(40)], filters=[drop_nul],
                             render_kw={"type": "time"})
    end_time = StringField(_l("Sluttidspunkt (valgfrit)"), validators=[max_length(40)], filters=[drop_nul],
                           render_kw={"type": "time"})
    capacity = StringField(_l("Antal pladser (valgfrit)"), validators=[max_length(20)], filters=[drop_nul],
                           render_kw={"type": "number", "min": 1, "inputmode": "numeric"})
    registration_required = BooleanField(_l("Deltagerne skal tilmelde sig her på siden"))
    recurrence = SelectField(_l("Gentagelse"), choices=choices(RECURRENCE_CHOICES), validate_choice=False)
    repeat_until = StringField(_l("Gentages til og med (dato)"), validators=[max_length(40)], filters=[drop_nul],
                               render_kw={"type": "date"})

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.place.choices = choices((p.slug, p.name) for p in places)
        if not self.submission_key.data:
            self.submission_key.data = uuid.uuid4().hex

    def service_data(self) -> dict:
        keys = ("title", "kind", "description", "title_en", "description_en", "place", "address", "date", "start_time",
                "end_time",
                "capacity", "registration_required", "recurrence", "repeat_until")
        return {k: self[k].data for k in keys}


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Begrundelse til lokalrådet"), validators=[max_length(5000)], filters=[drop_nul],
                           render_kw={"rows": 3, "maxlength": 1000})
