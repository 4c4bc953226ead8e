"""Parsers for input values shared by forms, the API and CSV imports.

Each parser takes a string (or an already typed value from JSON) and returns a
clean value, or raises FieldError with a message meant for the person who typed it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


class FieldError(ValueError):
    """One field's value is wrong; the message is shown to the user."""


def text(value: Any, *, max_length: int, required: bool = False, label: str = _l("Feltet")) -> str | None:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FieldError(_("%(label)s skal være tekst.", label=label))
    value = value.strip()
    if not value:
        if required:
            raise FieldError(_("%(label)s skal udfyldes.", label=label))
        return None
    if "\x00" in value:  # PostgreSQL refuses NUL in text; no person types one
        raise FieldError(_("%(label)s indeholder et ugyldigt tegn.", label=label))
    if len(value) > max_length:
        raise FieldError(_("%(label)s er for lang (%(n)s tegn; højst %(max)s).",
                           label=label, n=len(value), max=max_length))
    return value


def str_list(value: Any, *, lower: bool = False) -> list[str]:
    """Accept 'a;b' or ['a', 'b']; strip, drop empty, keep order, drop repeats.

    :param lower: lowercase each item before repeats are dropped.
    """
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = value.split(";")
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        raise FieldError(_("Skal være en liste adskilt af semikolon."))
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise FieldError(_("Listen må kun indeholde tekst."))
        item = item.strip().lower() if lower else item.strip()
        if item and item not in out:
            out.append(item)
    return out


def slug_list(value: Any, allowed: Iterable[str], *, label: str) -> list[str]:
    items = str_list(value, lower=True)
    allowed = list(allowed)
    bad = [v for v in items if v not in allowed]
    if bad:
        raise FieldError(_("Ukendt %(label)s: %(names)s (gyldige: %(names2)s).",
                           label=label, names=', '.join(bad), names2=', '.join(allowed)))
    return items


def integer(value: Any, *, minimum: int | None = None, maximum: int | None = None,
            label: str = _l("Tallet")) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise FieldError(_("%(label)s skal være et helt tal.", label=label))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?\d{1,9}", value.strip()):
            raise FieldError(_("%(label)s skal være et helt tal, ikke %(value)s.",
                               label=label, value=repr(value.strip()[:30])))
        value = int(value.strip())
    if not isinstance(value, int):
        raise FieldError(_("%(label)s skal være et helt tal.", label=label))
    if minimum is not None and value < minimum:
        raise FieldError(_("%(label)s skal være mindst %(min)s.", label=label, min=minimum))
    if maximum is not None and value > maximum:
        raise FieldError(_("%(label)s må højst være %(max)s.", label=label, max=maximum))
    return value


def decimal(value: Any, *, minimum: float, maximum: float, label: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise FieldError(_("%(label)s skal være et tal.", label=label))
    if isinstance(value, str):
        cleaned = value.strip().replace(",", ".")
        if not re.fullmatch(r"[+-]?\d{1,3}(\.\d{1,12})?", cleaned):
            raise FieldError(_("%(label)s skal være et tal, ikke %(value)s.",
                               label=label, value=repr(value.strip()[:30])))
        value = float(cleaned)
    if not isinstance(value, (int, float)) or value != value:  # NaN
        raise FieldError(_("%(label)s skal være et tal.", label=label))
    if not minimum <= value <= maximum:
        raise FieldError(_("%(label)s skal ligge mellem %(min)s og %(max)s.",
                           label=label, min=minimum, max=maximum))
    return float(value)


TRUE_WORDS = {"true", "ja", "yes", "1", "sand"}
FALSE_WORDS = {"false", "nej", "no", "0", "falsk"}


def boolean(value: Any, *, label: str = _l("Feltet")) -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldError(_("%(label)s skal være true eller false, ikke %(value)s.",
                       label=label, value=repr(str(value)[:30])))


def email(value: Any) -> str | None:
    value = text(value, max_length=254, label=_l("E-mail"))
    if value is None:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise FieldError(_("E-mailadressen %(value)s er ikke gyldig.", value=repr(value))) from None


def url(value: Any) -> str | None:
    value = text(value, max_length=300, label=_l("Hjemmesiden"))
    if value is None:
        return None
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise FieldError(_("Hjemmesiden skal være en adresse, der begynder med http:// eller https:// "
                           "(fik %(value)s).",
                           value=repr(value[:40])))
    return value


def phone(value: Any) -> str | None:
    value = text(value, max_length=40, label=_l("Telefonnummeret"))
    if value is None:
        return None
    if not re.fullmatch(r"[+0-9 ()\-./]{6,40}", value):
        raise FieldError(f"Telefonnummeret {value!r} indeholder ugyldige tegn.")
    return value


def postcode(value: Any) -> str | None:
    value = text(value if not isinstance(value, int) else str(value), max_length=10, label=_l("Postnummeret"))
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}", value):
        raise FieldError(_("Postnummeret skal være fire cifre, ikke %(value)s.", value=repr(value)))
    return value


def aware_datetime(value: Any, *, label: str) -> datetime | None:
    """ISO 8601 with an offset, e.g. 2027-03-04T19:00:00+01:00."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        raw = str(value).strip()
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise FieldError(
                f"{label} skal være dato og tid i ISO 8601, fx 2027-03-04T19:00:00+01:00 (fik {raw[:40]!r})."
            ) from None
    if parsed.tzinfo is None:
        raise FieldError(_("%(label)s mangler tidszone, fx +01:00.", label=label))
    return parsed


def language_codes(value: Any) -> list[str]:
    items = str_list(value, lower=True)
    bad = [v for v in items if not re.fullmatch(r"[a-z]{2}", v)]
    if bad:
        raise FieldError(_("Sprog skal være ISO 639-1-koder som da eller en (fik %(names)s).",
                           names=', '.join(bad)))
    return items
