"""Danish address text: name folding and parsing (pure; no Flask, no database).

`name_key` folds street and place names so that the spellings people type
('Sdr. Kongevej', 'sønder  kongevej', 'SØNDER KONGEVEJ') meet one key;
`parse_address` splits a one-line address as it is written on a letter
('Vejnavn 12A, 1. th., Landsby, 6000 Kolding') into its parts.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Abbreviations as they appear in Danish street and place names -> one canonical word.
# Pairs that share an abbreviation (Vester/Vestre = V., Øster/Østre = Ø.,
# Sønder/Søndre = Sdr.) fold to the same word, so either spelling matches.
ABBREVIATIONS = {
    "sdr": "sønder",
    "sønd": "sønder",
    "søndre": "sønder",
    "nr": "nørre",
    "ndr": "nordre",
    "st": "store",
    "gl": "gammel",
    "gml": "gammel",
    "v": "vestre",
    "vestr": "vestre",
    "vester": "vestre",
    "ø": "østre",
    "øster": "østre",
    "ll": "lille",
    "skt": "sankt",
    "sct": "sankt",
    "kgs": "kongens",
    "pl": "plads",
}

# Letters typed on foreign keyboards for the Danish ones, and accents that Danish
# names carry only sometimes ("Allé" / "Alle").
_LETTER_FOLD = str.maketrans({"ä": "æ", "ö": "ø", "é": "e", "è": "e", "á": "a", "à": "a", "ó": "o", "í": "i"})
_WORD = re.compile(r"[0-9a-zæøåü]+")


def name_key(text: str) -> str:
    """Return the lookup key of a street or place name.

    Unicode-normalised (NFC), lowercase, 'aa' -> 'å', punctuation removed,
    abbreviations expanded, so 'Sdr. Vilstrup' and 'sønder  vilstrup' give the same key.
    """
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_LETTER_FOLD).replace("aa", "å")
    return " ".join(ABBREVIATIONS.get(w, w) for w in _WORD.findall(text))


def compact_key(key: str) -> str:
    """'10 februar vej' -> '10februarvej', so 'Februarvej' and 'Februar Vej' meet."""
    return key.replace(" ", "")


# --- parsing -------------------------------------------------------------------------------------

MAX_QUERY_LENGTH = 300

COUNTRY_WORDS = {"danmark", "denmark", "dk", "dänemark", "danemark"}

# "12", "12A", "12 A", "12-14" (the first number counts); never "10." (an ordinal in a name).
_HOUSE_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,4})(?:\s?([a-zæøå])(?![\w]))?(?:\s*[-–]\s*\d{1,4}[a-zæøå]?)?(?=$|[\s,;])",
    re.IGNORECASE,
)
# A floor and/or door: "1. th.", "st. tv", "2. sal", "kl.", "3 mf", "th", "1.tv".
_UNIT = re.compile(
    r"^(?:(st|kl|kld|k\d|\d{1,2})\.?\s*(?:sal\b\.?)?)?\s*(?:(th|tv|mf|\d{1,4})\.?)?$",
    re.IGNORECASE,
)
_POSTCODE = re.compile(r"(?<![\w.])(\d{4})(?![\w.])")
_ALLOWED = re.compile(r"^[\w\s.,\-–/'’()&#:;«»\"]+$")
_DK_PREFIX = re.compile(r"\bDK\s?-?\s?(?=\d{4}\b)", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedAddress:
    """The parts of a typed address; each is None when not given."""

    street: str | None = None        # as typed, e.g. "Sdr. Kongevej" (or a bare name: "Christiansfeld")
    house_number: str | None = None  # normalised, e.g. "12A"
    floor: str | None = None         # "1", "st"
    door: str | None = None          # "th", "tv", "mf", "3"
    supplementary: str | None = None  # a village name before the postcode, e.g. "Vester Nebel"
    postcode: str | None = None      # four digits
    town: str | None = None          # postal district or town as typed, e.g. "Kolding"
    trailing_number: bool = False    # the postcode was a bare 4-digit number at the end

    @property
    def is_bare_name(self) -> bool:
        """One name alone ("Christiansfeld"): a place, a postal district or a street."""
        return bool(self.street) and not (self.house_number or self.postcode or self.town or self.supplementary)


def looks_like_address(text: str) -> bool:
    """Return True when `text` could be an address, a place or a postcode.

    Refuses markup, URLs, e-mail addresses, phone numbers and other noise, so
    the API can answer 400 rather than search for it.
    """
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text or len(text) > MAX_QUERY_LENGTH:
        return False
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        return False  # control characters
    if "://" in text or text.lower().startswith("www.") or not _ALLOWED.match(text):
        return False
    letters = sum(ch.isalpha() for ch in text)
    if letters == 0:
        return bool(re.fullmatch(r"(?:DK\s?-?\s?)?\d{4}", text, re.IGNORECASE))
    return letters >= 2 and len(name_key(text)) >= 2


def parse_unit(text: str) -> tuple[str | None, str | None] | None:
    """'1. th.' -> ('1', 'th'); None when `text` is not a floor/door designation."""
    text = text.strip()
    m = _UNIT.match(text)
    if not text or not m or not (m.group(1) or m.group(2)):
        return None
    floor = m.group(1).lower() if m.group(1) else None
    door = m.group(2).lower() if m.group(2) else None
    return floor, door


def _clean(text: str) -> str:
    return " ".join(text.replace(";", ",").split()).strip(" ,.-")


def _find_postcode(segment: str, *, first_segment: bool, only_segment: bool):
    """Return (match, trailing) for the postcode in a segment, or (None, False).

    A four-digit number is a postcode when it opens its segment, follows a house
    number ("Vejnavn 12 6000 Kolding") or ends the text ("Kolding 6000").
    """
    for m in reversed(list(_POSTCODE.finditer(segment))):
        before = segment[: m.start()].strip()
        if not before:
            return m, False
        if _HOUSE_NUMBER.search(before) and any(ch.isalpha() for ch in before):
            return m, False
        if not segment[m.end():].strip() and (only_segment or not first_segment):
            return m, True
    return None, False


def _split_street(segment: str) -> tuple[str | None, str | None, str]:
    """'Sdr. Kongevej 12A 1. th' -> ('Sdr. Kongevej', '12A', '1. th')."""
    for m in _HOUSE_NUMBER.finditer(segment):
        before = segment[: m.start()]
        if not any(ch.isalpha() for ch in before):
            continue  # "10 Februar Vej": a number opening a name is not a house number
        number = m.group(1).lstrip("0") or "0"
        letter = (m.group(2) or "").upper()
        return _clean(before) or None, number + letter, segment[m.end():].strip(" ,")
    return _clean(segment) or None, None, ""


def parse_address(text: str) -> ParsedAddress:
    """Split a one-line Danish address into its parts.

    Understands "Vejnavn 12A, 1. th., 6000 Kolding", "Vejnavn 12 6000 Kolding",
    "vejnavn 12, kolding", "6070 Christiansfeld", "Christiansfeld" and a village
    name before the postcode ("Bakkedraget 28, Vester Nebel, 6040 Egtved").
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = _DK_PREFIX.sub("", " ".join(text.replace("\n", ", ").split()))
    segments = [s for s in (_clean(p) for p in re.split(r"[,;]", text)) if s]
    while len(segments) > 1 and name_key(segments[-1]) in {name_key(w) for w in COUNTRY_WORDS}:
        segments.pop()
    if not segments:
        return ParsedAddress()

    postcode = town = None
    trailing = False
    for i in range(len(segments) - 1, -1, -1):
        m, trailing = _find_postcode(segments[i], first_segment=i == 0, only_segment=len(segments) == 1)
        if m is None:
            continue
        postcode = m.group(1)
        seg = segments[i]
        before, after = _clean(seg[: m.start()]), _clean(seg[m.end():])
        rest_after = segments[i + 1:]
        town = after or (rest_after[0] if rest_after else None)
        if trailing and not after and before:
            town, before = before, ""  # "Kolding 6000"
        segments = segments[:i] + ([before] if before else [])
        break

    street = number = floor = door = supplementary = None
    if segments:
        street, number, rest = _split_street(segments[0])
        others = segments[1:]
        if rest:
            unit = parse_unit(rest)
            if unit:
                floor, door = unit
            else:
                # "Skolegade 3 1. th Christiansfeld" or "Skolegade 3 Christiansfeld"
                head, _, tail = rest.partition(" ")
                unit = parse_unit(head) if tail else None
                if unit:
                    floor, door = unit
                    others = [tail, *others]
                else:
                    others = [rest, *others]
        names = []
        for seg in others:
            unit = parse_unit(seg)
            if unit and (floor is None and door is None):
                floor, door = unit
            elif unit:
                continue
            else:
                names.append(seg)
        if names:
            if postcode is None and town is None:
                town = names.pop()
            supplementary = names[-1] if names else None
    return ParsedAddress(
        street=street, house_number=number, floor=floor, door=door,
        supplementary=supplementary, postcode=postcode, town=town or None, trailing_number=trailing,
    )


def house_number_sort_key(number: str) -> tuple[int, str]:
    """'12A' -> (12, 'A'), for ordering and nearest-number search."""
    m = re.match(r"(\d+)\s*(.*)", number or "")
    return (int(m.group(1)), m.group(2).upper()) if m else (10**6, number or "")
