"""Forms for a listing: the coordinator's editor and a contact's correction share one form.

The rules live in services.clean_association (the CSV importer's too); its
ValidationError is put back on the fields with `apply_errors`.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField

from ..core.forms import choices, drop_nul, max_length
from ..core.vocab import CATEGORIES, TARGET_GROUPS
from .models import Association

LOCATION_FIELDS = ("address", "postcode", "town")
TEXT_FIELDS = ("name", "summary", "description", "name_en", "summary_en", "description_en", "category", "tags",
               "age_min", "age_max", "languages",
               "address", "postcode", "town", "lat", "lon", "email", "phone", "website", "meeting_times",
               "price_dkk_per_year", "welcomes_newcomers")


def _text(label, limit: int, **render_kw) -> StringField:
    return StringField(label, validators=[max_length(limit * 2)], filters=[drop_nul],
                       render_kw={"maxlength": limit, **render_kw})


class AssociationForm(FlaskForm):
    name = _text(_l("Navn"), 200)
    summary = _text(_l("Kort beskrivelse (vises i lister)"), 300)
    description = TextAreaField(_l("Beskrivelse"), validators=[max_length(40_000)], filters=[drop_nul],
                                render_kw={"rows": 6})
    # Optional English text, shown on the English pages instead of the Danish.
    name_en = _text(_l("Navn på engelsk"), 200, lang="en")
    summary_en = _text(_l("Kort beskrivelse på engelsk"), 300, lang="en")
    description_en = TextAreaField(_l("Beskrivelse på engelsk"), validators=[max_length(40_000)], filters=[drop_nul],
                                   render_kw={"rows": 6, "lang": "en"})
    category = SelectField(_l("Kategori"), choices=[], validate_choice=False)
    tags = _text(_l("Nøgleord"), 600)
    target_groups = SelectMultipleField(_l("Målgrupper"), choices=[], validate_choice=False)
    age_min = _text(_l("Alder fra (år)"), 3, inputmode="numeric")
    age_max = _text(_l("Alder til (år)"), 3, inputmode="numeric")
    languages = _text(_l("Sprog (koder som da;en)"), 100)
    address = _text(_l("Adresse"), 200, autocomplete="off")
    postcode = _text(_l("Postnummer"), 4, inputmode="numeric")
    town = _text(_l("By"), 80)
    lat = _text(_l("Breddegrad (lat)"), 20, inputmode="decimal")
    lon = _text(_l("Længdegrad (lon)"), 20, inputmode="decimal")
    email = EmailField(_l("E-mail"), validators=[max_length(500)], filters=[drop_nul],
                       render_kw={"maxlength": 254, "spellcheck": "false"})
    phone = _text(_l("Telefon"), 40, autocomplete="off")
    website = _text(_l("Hjemmeside"), 300)
    meeting_times = _text(_l("Mødetider"), 300)
    price_dkk_per_year = _text(_l("Pris om året (kr.)"), 9, inputmode="numeric")
    welcomes_newcomers = SelectField(_l("Tager særligt godt imod nye i kommunen"), validate_choice=False,
                                     choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = choices([("", _l("Vælg en kategori"))] + list(CATEGORIES.items()))
        self.target_groups.choices = choices(TARGET_GROUPS.items())
        self.welcomes_newcomers.choices = choices([("", _l("Ikke angivet")), ("true", _l("Ja")),
                                                   ("false", _l("Nej"))])

    def fill(self, values: dict[str, Any] | Association) -> None:
        """Show a listing (or proposed values) in the form."""
        get = values.get if isinstance(values, dict) else (lambda k, d=None: getattr(values, k, d))
        for key in TEXT_FIELDS:
            value = get(key)
            if key in ("tags", "languages"):
                value = ";".join(value or [])
            elif key == "welcomes_newcomers":
                value = "" if value is None else ("true" if value else "false")
            elif key in ("lat", "lon") and value is not None:
                value = f"{value:.6f}"
            self[key].data = "" if value is None else str(value)
        self.target_groups.data = list(get("target_groups") or [])

    def raw(self, current: Association | None = None, *, with_coordinates: bool = True) -> dict[str, Any]:
        """The values for clean_association.

        A changed address is looked up again unless new coordinates were typed too;
        without coordinate fields (a contact's form) the listing's point is kept while
        the address stays the same.
        """
        raw = {key: self[key].data for key in TEXT_FIELDS}
        raw["target_groups"] = [v for v in (self.target_groups.data or [])[:20] if isinstance(v, str)]
        if current is not None:
            raw["external_id"] = current.external_id
            moved = any((raw[k] or "").strip() != (getattr(current, k) or "") for k in LOCATION_FIELDS)
            typed = ((raw["lat"] or "").strip(), (raw["lon"] or "").strip())
            same_point = not with_coordinates or typed == (f"{current.lat:.6f}", f"{current.lon:.6f}")
            if same_point:  # the form shows 6 decimals: keep the stored point exactly, or find the new address
                raw["lat"], raw["lon"] = (None, None) if moved else (repr(current.lat), repr(current.lon))
        return raw


class CorrectRequestForm(FlaskForm):
    """"Er oplysningerne forkerte?": an email, and the flood defences (core/flood.py)."""

    email = EmailField(_l("Din e-mail"), validators=[max_length(500)], filters=[drop_nul],
                       render_kw={"autocomplete": "email", "maxlength": 254, "spellcheck": "false"})
    website = StringField(validators=[max_length(500)], filters=[drop_nul])  # the trap: a person leaves it empty
    started = HiddenField(validators=[max_length(200)], filters=[drop_nul])
