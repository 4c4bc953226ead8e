"""Parsers for input values shared by forms, the API and CSV imports.

Each parser takes a string (or an already typed value from JSON) and returns a
clean value, or raises FieldError with a message meant for the person who typed it.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Iterable

from email_validator import EmailNotValidError, validate_email


class FieldError(ValueError):
    """One field's value is wrong; the message is shown to the user."""


def text(value: Any, *, max_length: int, required: bool = False, label: str = "Feltet") -> str | None:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FieldError(f"{label} skal være tekst.")
    value = value.strip()
    if not value:
        if required:
            raise FieldError(f"{label} skal udfyldes.")
        return None
    if "\x00" in value:  # PostgreSQL refuses NUL in text; no person types one
        raise FieldError(f"{label} indeholder et ugyldigt tegn.")
    if len(value) > max_length:
        raise FieldError(f"{label} er for lang ({len(value)} tegn; højst {max_length}).")
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
        raise FieldError("Skal være en liste adskilt af semikolon.")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise FieldError("Listen må kun indeholde tekst.")
        item = item.strip().lower() if lower else item.strip()
        if item and item not in out:
            out.append(item)
    return out


def slug_list(value: Any, allowed: Iterable[str], *, label: str) -> list[str]:
    items = str_list(value, lower=True)
    allowed = list(allowed)
    bad = [v for v in items if v not in allowed]
    if bad:
        raise FieldError(f"Ukendt {label}: {', '.join(bad)} (gyldige: {', '.join(allowed)}).")
    return items


def integer(value: Any, *, minimum: int | None = None, maximum: int | None = None, label: str = "Tallet") -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise FieldError(f"{label} skal være et helt tal.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?\d{1,9}", value.strip()):
            raise FieldError(f"{label} skal være et helt tal, ikke {value.strip()[:30]!r}.")
        value = int(value.strip())
    if not isinstance(value, int):
        raise FieldError(f"{label} skal være et helt tal.")
    if minimum is not None and value < minimum:
        raise FieldError(f"{label} skal være mindst {minimum}.")
    if maximum is not None and value > maximum:
        raise FieldError(f"{label} må højst være {maximum}.")
    return value


def decimal(value: Any, *, minimum: float, maximum: float, label: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise FieldError(f"{label} skal være et tal.")
    if isinstance(value, str):
        cleaned = value.strip().replace(",", ".")
        if not re.fullmatch(r"[+-]?\d{1,3}(\.\d{1,12})?", cleaned):
            raise FieldError(f"{label} skal være et tal, ikke {value.strip()[:30]!r}.")
        value = float(cleaned)
    if not isinstance(value, (int, float)) or value != value:  # NaN
        raise FieldError(f"{label} skal være et tal.")
    if not minimum <= value <= maximum:
        raise FieldError(f"{label} skal ligge mellem {minimum} og {maximum}.")
    return float(value)


TRUE_WORDS = {"true", "ja", "yes", "1", "sand"}
FALSE_WORDS = {"false", "nej", "no", "0", "falsk"}


def boolean(value: Any, *, label: str = "Feltet") -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldError(f"{label} skal være true eller false, ikke {str(value)[:30]!r}.")


def email(value: Any) -> str | None:
    value = text(value, max_length=254, label="E-mail")
    if value is None:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise FieldError(f"E-mailadressen {value!r} er ikke gyldig.") from None


def url(value: Any) -> str | None:
    value = text(value, max_length=300, label="Hjemmesiden")
    if value is None:
        return None
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise FieldError(f"Hjemmesiden skal være en adresse, der begynder med http:// eller https:// (fik {value[:40]!r}).")
    return value


def phone(value: Any) -> str | None:
    value = text(value, max_length=40, label="Telefonnummeret")
    if value is None:
        return None
    if not re.fullmatch(r"[+0-9 ()\-./]{6,40}", value):
        raise FieldError(f"Telefonnummeret {value!r} indeholder ugyldige tegn.")
    return value


def postcode(value: Any) -> str | None:
    value = text(value if not isinstance(value, int) else str(value), max_length=10, label="Postnummeret")
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}", value):
        raise FieldError(f"Postnummeret skal være fire cifre, ikke {value!r}.")
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
        raise FieldError(f"{label} mangler tidszone, fx +01:00.")
    return parsed


def language_codes(value: Any) -> list[str]:
    items = str_list(value, lower=True)
    bad = [v for v in items if not re.fullmatch(r"[a-z]{2}", v)]
    if bad:
        raise FieldError(f"Sprog skal være ISO 639-1-koder som da eller en (fik {', '.join(bad)}).")
    return items
