"""Small text helpers shared by the domains."""
from __future__ import annotations

import re
import unicodedata

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def slugify(text: str, max_length: int = 80) -> str:
    """Return a lowercase ASCII slug: 'Sønder Bjert' -> 'soender-bjert'."""
    text = text.translate(_DANISH)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text[:max_length].strip("-") or "x"


def name_key(text: str) -> str:
    """Return `text` as a key for comparing names: lowercase, single spaces, 'aa' as 'å'."""
    text = " ".join(text.lower().split())
    return text.replace("aa", "å")
