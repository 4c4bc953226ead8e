"""The newcomer and leaver survey forms (CSRF, radio groups with Danish messages)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..core.forms import choices, drop_nul, max_length

EASE_CHOICES = [(1, _l("1 – meget svært")), (2, "2"), (3, "3"), (4, "4"), (5, _l("5 – meget let"))]
NPS_CHOICES = [(n, str(n)) for n in range(11)]
BELONGING_CHOICES = [("yes", _l("Ja")), ("on_way", _l("På vej")), ("no", _l("Nej"))]
FOUND_CHOICES = [("yes", _l("Ja")), ("no", _l("Nej"))]
REASON_CHOICES = [
    ("work", _l("Arbejde")), ("study", _l("Uddannelse")), ("family", _l("Familie eller kæreste")),
    ("housing", _l("Bolig")), ("nature", _l("Natur og omgivelser")),
    ("services", _l("Skoler, dagtilbud eller andre tilbud")),
    ("community", _l("Savnede fællesskab eller netværk")), ("other", _l("Andet")),
]


def _required():
    return InputRequired(message=_l("Vælg et svar."))


class Radio(RadioField):
    """A radio group whose errors are in Danish (WTForms has no Danish catalogue)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Vælg et af svarene.")) from None

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(_l("Vælg et af svarene.")) from None


class NewcomerSurveyForm(FlaskForm):
    ease_score = Radio(
        _l("Hvor let har det været at finde information om fællesskaber, der er relevante for dig?"),
        choices=choices(EASE_CHOICES), coerce=int, validators=[_required()])
    belonging = Radio(_l("Er du blevet en del af et fællesskab?"), choices=choices(BELONGING_CHOICES),
                           validators=[_required()])
    nps_score = Radio(
        _l("Hvor sandsynligt er det, at du vil anbefale Kolding Kommune som et sted at bo?"),
        choices=choices(NPS_CHOICES), coerce=int, validators=[_required()])
    comment = TextAreaField(_l("Vil du fortælle os mere? (valgfrit)"), validators=[Optional(), max_length(2000)],
                            filters=[drop_nul, lambda v: (v or "").strip() or None],
                            render_kw={"rows": 4, "maxlength": 2000})

    def answer(self) -> dict:
        return {"ease_score": self.ease_score.data, "belonging": self.belonging.data,
                "nps_score": self.nps_score.data, "comment": self.comment.data}


class LeaverSurveyForm(FlaskForm):
    nps_score = Radio(
        _l("Hvor sandsynligt er det, at du vil anbefale Kolding Kommune som et sted at bo?"),
        choices=choices(NPS_CHOICES), coerce=int, validators=[_required()])
    move_reason = Radio(_l("Hvad er den vigtigste grund til, at du flytter?"), choices=choices(REASON_CHOICES),
                             validators=[_required()])
    # No Optional(): it would stop the chain before the "other needs a reason" check.
    move_reason_other = StringField(_l("Anden grund"), validators=[max_length(200)],
                                    filters=[drop_nul, lambda v: (v or "").strip()],
                                    render_kw={"maxlength": 200, "autocomplete": "off"})
    found_community = Radio(_l("Fandt du et fællesskab, mens du boede her?"), choices=choices(FOUND_CHOICES),
                                 validators=[_required()])
    comment = TextAreaField(_l("Vil du fortælle os mere? (valgfrit)"), validators=[Optional(), max_length(2000)],
                            filters=[drop_nul, lambda v: (v or "").strip() or None],
                            render_kw={"rows": 4, "maxlength": 2000})

    def validate_move_reason_other(self, field):
        if self.move_reason.data == "other" and not field.data:
            raise ValidationError(_l("Skriv kort, hvad grunden er."))

    def answer(self) -> dict:
        other = self.move_reason_other.data or None
        return {"nps_score": self.nps_score.data, "move_reason": self.move_reason.data,
                "move_reason_other": other if self.move_reason.data == "other" else None,
                "found_community": self.found_community.data, "comment": self.comment.data}


FORMS = {"newcomer": NewcomerSurveyForm, "leaver": LeaverSurveyForm}
