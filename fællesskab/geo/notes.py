"""Say in words how exactly a typed address was placed, in the reader's language.

One wording for the geocode API, the address suggestions, the newcomer's
results page and the contact form, so a person reads the same sentence
wherever their address is less exact than they typed it.
"""
from __future__ import annotations

from flask_babel import gettext as _

from .gazetteer import Located


def not_known_here(street: str, area: str, centre: str) -> str:
    """'Vi kender ikke Skolegade i 6070 Christiansfeld – vi bruger midten af Christiansfeld.'"""
    return _("Vi kender ikke %(street)s i %(area)s – vi bruger midten af %(centre)s.",
             street=street, area=area, centre=centre)


def postcode_outside(code: str) -> str:
    return _("Postnummeret %(code)s ligger ikke i Kolding Kommune.", code=code)


def note_text(note: str | None, *, label: str, street: str | None = None, area: str | None = None,
              ambiguous: bool = False) -> str | None:
    """The sentence for a geocoder's `note` code (see resolver.Match), or None when the answer is as typed."""
    if note == "street_not_found":
        if street and area:
            return not_known_here(street, area, label)
        return _("Vejen blev ikke fundet; vi viser %(label)s i stedet.", label=label)
    if note == "street_guessed":
        return _("Vejnavnet blev ikke fundet præcist; vi har valgt %(label)s.", label=label)
    if note == "house_number_not_found":
        return _("Husnummeret blev ikke fundet; vi viser det nærmeste husnummer på vejen.")
    if ambiguous:
        return _("Vejnavnet findes i flere postnumre; vi har valgt %(label)s. "
                 "Skriv postnummeret for at vælge et andet.", label=label)
    return None


def precision_text(location: Located) -> str:
    """How exactly the home was placed: the exact address, the street, or the middle of a town or postcode."""
    label = location.label
    if location.precision == "address":
        return _("Vi har fundet jeres adresse: %(label)s.", label=label)
    if location.precision == "street":
        return _("Vi bruger vejen %(label)s – ikke det præcise hus.", label=label)
    if location.precision == "postcode":
        return _("Vi bruger midten af postnummeret %(label)s.", label=label)
    if location.precision == "coordinates":
        return _("Vi bruger en omtrentlig position (ca. 100 m) nær %(label)s.", label=label)
    return _("Vi bruger midten af %(label)s.", label=label)


def precision_name(precision: str) -> str:
    """The precision in one word: adresse, vej, postnummer, by."""
    names = {"address": _("adresse"), "street": _("vej"), "postcode": _("postnummer"), "locality": _("by"),
             "coordinates": _("omtrentlig position")}
    return names.get(precision, precision)


def location_note(location: Located) -> str | None:
    """The note of a located home in words (None when it is placed as typed)."""
    return note_text(getattr(location, "note", None), label=location.label, street=getattr(location, "street", None),
                     area=getattr(location, "area", None), ambiguous=getattr(location, "ambiguous", False))


def register(app) -> None:
    """Let templates word a location: `location_text(loc)`, `location_note(loc)`, `precision_name(code)`."""
    app.jinja_env.globals.update(location_text=precision_text, location_note=location_note,
                                 precision_name=precision_name)
