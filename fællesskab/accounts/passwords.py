"""Password rules: long enough, and not a common or padded-common password."""
from __future__ import annotations

import gzip
import os
import re
from functools import lru_cache

from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 200  # hashing cost grows with length; no person needs more


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = os.path.join(os.path.dirname(__file__), "data", "common-passwords.txt.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def password_problem(password: str, *, email: str | None = None) -> str | None:
    """Return why `password` is not acceptable (in the UI language, for the person), or None.

    Besides the length, it refuses passwords from the bundled list of common
    passwords, also when padded with digits or symbols ('password12345!') or
    repeated ('qwertyqwerty'), passwords of one or two different characters,
    and passwords built from the person's own e-mail name.
    """
    if len(password) < MIN_LENGTH:
        return _("Adgangskoden skal være mindst %(n)s tegn.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Adgangskoden må højst være %(n)s tegn.", n=MAX_LENGTH)
    lowered = password.lower()
    common = common_passwords()
    core = re.sub(r"^[^a-zæøå]+|[^a-zæøå]+$", "", lowered)
    repeated = re.fullmatch(r"(.+?)\1+", lowered)
    if (
        lowered in common
        or (core and core in common)
        or (repeated and (repeated.group(1) in common or len(repeated.group(1)) <= 3))
    ):
        return _("Adgangskoden er for almindelig og let at gætte. "
                 "Vælg en længere sætning eller flere tilfældige ord.")
    if lowered.isdigit():
        return _("Adgangskoden må ikke kun bestå af tal. Brug ord.")
    if len(set(lowered)) <= 2:
        return _("Adgangskoden er for ensformig. Brug flere forskellige tegn eller ord.")
    if email:
        local = email.split("@")[0].lower()
        if len(local) >= 4 and (local in lowered and len(lowered) - len(local) < 6):
            return _("Adgangskoden må ikke bygge på din e-mailadresse.")
    return None
