"""Danish address text helpers (pure; no Flask, no database)."""
from __future__ import annotations

import re

# Abbreviations as they appear in Danish street and place names -> full word.
ABBREVIATIONS = {
    "sdr": "sønder",
    "sønd": "sønder",
    "nr": "nørre",
    "ndr": "nordre",
    "st": "store",
    "gl": "gammel",
    "gml": "gammel",
    "v": "vestre",
    "vestr": "vestre",
    "ø": "østre",
    "øster": "østre",
    "ll": "lille",
    "skt": "sankt",
    "sct": "sankt",
}


def name_key(text: str) -> str:
    """Return the lookup key of a street or place name.

    Lowercase, 'aa' -> 'å', punctuation removed, abbreviations expanded, so
    'Sdr. Vilstrup' and 'sønder  vilstrup' give the same key.
    """
    text = text.lower().replace("aa", "å")
    words = re.findall(r"[0-9a-zæøåäöüé]+", text)
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)
