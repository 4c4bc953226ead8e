"""Danish text analysis for the search index and for queries.

One pipeline turns a word into index terms, used both when documents are
indexed (through `DanishFilter` in the Whoosh schema) and when queries are
built (`word_terms`), so the two always agree:

1. lowercase and fold old or foreign spellings ("aa" = "å", "é" = "e");
   æ, ø and å are kept;
2. drop Danish (and a few English) stop words;
3. map a word to its canonical activity term (vocabulary.txt: "svømme",
   "svømmer" → "svømning"), or to the term of the activity word it is
   derived from ("fotografisk" → fotografi, "guitarist" → guitar; only onto
   the vocabulary, see DERIVATIONS), or else to its Snowball Danish stem;
4. split compound words against the activity vocabulary ("fodboldklub" →
   fodbold + klub; "idrætsforeningen" → idræt + forening; a verb stem before
   a generic head: "sejlklub" → sejlads + klub; an unknown first part before
   a long activity head: "kapsejlads" → kap + sejlads), keeping the whole.

Spellings of one loanword are one family: single words as vocabulary
variants ("kroket = croquet"), spellings in several words as thesaurus rows
of kind "variant" ("jujutsu" ↔ "jiu-jitsu").

Pure module: no Flask, no database.
"""
from __future__ import annotations

import csv
import hashlib
import importlib
import operator
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh.analysis import Filter, RegexTokenizer
from whoosh.lang import stemmer_for_language, stopwords_for_language

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
VOCABULARY_FILE = os.path.join(DATA_DIR, "vocabulary.txt")
THESAURUS_FILE = os.path.join(DATA_DIR, "thesaurus.csv")

WORD_PATTERN = r"\w+(?:\.?\w+)*"
MIN_PART = 3  # shortest compound part ("kor", "løb", "ski")
LINKING = ("s", "e")  # Danish linking letters: idræt-s-forening, løb-e-klub
MIN_HEAD = 6  # shortest head a compound with an unknown first part is split before
MIN_DERIVED_BASE = 4  # shortest base a derivation may be taken back to ("syrere" is not "syr" + -ere)

# Derivational endings taken back to an activity word: (ending, what may replace
# it), longest ending first. Only a result that is a form in the vocabulary is
# taken ("fotograf-isk" → fotograf → fotografi, "gymnast-isk" → gymnastik,
# "guitar-ist" → guitar), so ordinary words keep their own stems ("politisk",
# "turist", "fotosyntese"). "-lig" is left to Snowball.
DERIVATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("eringerne", ("",)), ("eringens", ("",)), ("eringen", ("",)), ("eringer", ("",)),
    ("ering", ("",)), ("isterne", ("",)), ("isten", ("",)), ("ister", ("",)), ("ist", ("",)),
    ("iske", ("", "ik", "i", "e")), ("isk", ("", "ik", "i", "e")),
    ("alske", ("",)), ("alsk", ("",)), ("erede", ("",)), ("eret", ("",)), ("erer", ("",)),
    ("ere", ("", "e")),
)
INFLECTIONS = ("erne", "ene", "ens", "ets", "en", "et", "er", "ne", "e", "s")  # plain noun endings
AFTER_E = ("rnes", "rne", "ne", "ns", "rs", "n", "r")  # endings after a form's final e
ANALYSIS_RULES = "families-4"  # bump when a rule here changes index terms (part of analysis_digest)

# English words that mean nothing on their own; Danish homographs such as
# "by" (town), "to" (two) and "is" (ice) are deliberately left out.
ENGLISH_STOP_WORDS = frozenset(
    ["a", "an", "the", "and", "or", "of", "in", "on", "at", "for", "with", "from", "into", "near", "my", "our", "your",
     "their", "is", "are", "am", "be", "this", "that", "these", "those", "it", "its", "i", "we", "you", "me", "us",
     "them", "what", "which", "who", "how", "where", "when", "do", "does", "any", "some"]
)
EXTRA_DANISH_STOP_WORDS = frozenset(["ved", "nær", "samt", "kan", "vores", "hver"])
STOP_WORDS = frozenset(stopwords_for_language("da")) | ENGLISH_STOP_WORDS | EXTRA_DANISH_STOP_WORDS

_FOLD = str.maketrans({
    "é": "e", "è": "e", "ê": "e", "ë": "e", "á": "a", "à": "a", "â": "a", "ó": "o", "ò": "o",
    "ô": "o", "í": "i", "ì": "i", "ú": "u", "ù": "u", "ü": "u", "ö": "ø", "ä": "æ", "ß": "ss",
    "’": "'",
})

_stem = stemmer_for_language("da")


def fold(word: str) -> str:
    """Lowercase and fold spellings: 'Aabenraa' → 'åbenrå', 'Café' → 'cafe'."""
    return word.lower().translate(_FOLD).replace("aa", "å")


def tokenize(text: str) -> list[str]:
    """Return the folded words of `text` (stop words included)."""
    return [fold(m.group()) for m in re.finditer(WORD_PATTERN, text or "")]


def is_stop(word: str) -> bool:
    """True for a folded word that carries no meaning on its own."""
    return word in STOP_WORDS or (len(word) < 2 and not word.isdigit())


@dataclass
class Vocabulary:
    """The activity vocabulary: split parts, canonical forms and categories."""

    words: set[str] = field(default_factory=set)  # every form a compound may be split into
    canonical: dict[str, str] = field(default_factory=dict)  # form or stem → canonical term
    category: dict[str, str] = field(default_factory=dict)  # canonical term → category slug
    generic: set[str] = field(default_factory=set)  # canonical heads like "klub"
    verb_stems: dict[str, str] = field(default_factory=dict)  # "sejl" (of "sejle") → form, for compounds
    inflected: dict[str, str] = field(default_factory=dict)  # "sejladsen" → "sejlads" (see _inflections)
    inflected_splits: dict[str, str] = field(default_factory=dict)  # "børnehaverne" → "børnehave"
    splits: dict[str, list[str]] = field(default_factory=dict)  # fixed splits
    digest: str = ""


def _read_vocabulary(path: str = VOCABULARY_FILE) -> Vocabulary:
    vocab = Vocabulary()
    with open(path, "rb") as fh:
        raw = fh.read()
    vocab.digest = hashlib.sha1(raw, usedforsecurity=False).hexdigest()[:10]
    section = ""
    for line in raw.decode("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        if ">" in line:
            whole, parts = line.split(">", 1)
            vocab.splits[fold(whole.strip())] = [fold(p) for p in parts.split()]
            continue
        head, _, rest = line.partition("=")
        canonical = fold(head.strip())
        forms = [canonical] + [fold(v) for v in rest.split()]
        for form in forms:
            vocab.words.add(form)
            vocab.canonical.setdefault(form, canonical)
            stem = _stem(form)
            # A short stem is too often another word: "hav" (of "haver", gardens) is also
            # the sea, "bag" (of "bage") behind, "dam" (of "damer") a pond.
            if len(stem) >= MIN_DERIVED_BASE or stem == form:
                vocab.canonical.setdefault(stem, canonical)
        if section == "generic":
            vocab.generic.add(canonical)
        elif section not in ("people", "other", ""):
            vocab.category.setdefault(canonical, section)
    vocab.inflected = _inflections(vocab.words)
    vocab.inflected_splits = _inflections(vocab.splits)
    # A Danish compound may start with a verb's stem ("sejle" → sejlklub, "fægte" →
    # fægtklub). Only for forms in -e whose stem is not a word of its own here.
    for form in vocab.words:
        stem = form[:-1]
        if form.endswith("e") and len(stem) >= MIN_DERIVED_BASE and stem not in vocab.words:
            vocab.verb_stems.setdefault(stem, form)
    return vocab


def _inflections(forms: Iterable[str]) -> dict[str, str]:
    """Every plain inflection of `forms` (INFLECTIONS; AFTER_E after a final e) → its form."""
    out: dict[str, str] = {}
    for ending in INFLECTIONS + AFTER_E:
        for form in forms:
            if ending in INFLECTIONS or form.endswith("e"):
                out.setdefault(form + ending, form)
    return out


VOCABULARY = _read_vocabulary()


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """Return the index term of one folded word: its canonical form, the term it derives from, or its stem."""
    canonical = VOCABULARY.canonical.get(word)
    if canonical is not None:
        return canonical
    form = _vocabulary_form(word)
    if form is not None:
        return VOCABULARY.canonical[form]
    stemmed = _stem(word)
    canonical = VOCABULARY.canonical.get(stemmed)
    if canonical is not None:
        return canonical
    base = derived_from(word)
    return VOCABULARY.canonical[base] if base is not None else stemmed


@lru_cache(maxsize=200_000)
def derived_from(word: str) -> str | None:
    """The vocabulary form `word` is derived from by a DERIVATIONS ending, or None.

    "fotografiske" → "fotografi", "atletisk" → "atletik", "hæklere" → "hækle".
    """
    for ending, replacements in DERIVATIONS:
        if not word.endswith(ending):
            continue
        base = word[:-len(ending)]
        if len(base) < MIN_DERIVED_BASE:
            return None
        for replacement in replacements:
            if base + replacement in VOCABULARY.words:
                return base + replacement
        return None
    return None


def _is_known(word: str) -> bool:
    return (word in VOCABULARY.words or _stem(word) in VOCABULARY.canonical or _vocabulary_form(word) is not None
            or derived_from(word) is not None)


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Split a folded compound into vocabulary words, or return () if it is none.

    The last part may be inflected ("foreningen"); parts may be joined by a
    linking s or e. Longer first parts are tried first ("kortspil" is kort +
    spil, not kor + tspil).
    """
    if word in VOCABULARY.splits:
        return tuple(VOCABULARY.splits[word])
    base = VOCABULARY.inflected_splits.get(word)  # a fixed split holds for the inflected word too ("børnehaverne")
    if base is not None:
        return tuple(VOCABULARY.splits[base])
    if len(word) < 2 * MIN_PART:
        return ()
    for i in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        prefix = word[:i]
        if prefix not in VOCABULARY.words:
            # "sejlklub": a verb stem only before a generic head, so that
            # "tegnsprog" stays a sign language, not drawing + language.
            rest = word[i:]
            if prefix in VOCABULARY.verb_stems and (rest in VOCABULARY.words or _stem(rest) in VOCABULARY.canonical) \
                    and is_generic(term(rest)):
                return (VOCABULARY.verb_stems[prefix], rest)
            continue
        rest = word[i:]
        candidates = [rest]
        if rest[0] in LINKING and len(rest) - 1 >= MIN_PART:
            candidates.append(rest[1:])
        for candidate in candidates:
            deeper = split_compound(candidate)
            if deeper:
                return (prefix, *deeper)
            if _is_known(candidate):
                return (prefix, candidate)
    return ()


# Danish prefixes and particles that make a new word of what follows
# ("forsamling" is no kind of samling, "indvandring" no kind of vandring).
PARTICLES = ("efter", "under", "over", "ind", "for", "fra", "gen", "med", "mis", "mod", "ned", "sam", "til",
             "ved", "af", "be", "om", "op", "ud")


@lru_cache(maxsize=200_000)
def compound_head(word: str) -> tuple[str, ...]:
    """Split a compound whose first part is unknown but whose head is an activity, or return ().

    Danish compounds are right-headed: "kapsejlads" is a kind of sejlads and
    "havnefotografering" a kind of fotografering, so the word is indexed and
    searched as both parts (havn + fotografi) as well. Only long heads
    (MIN_HEAD letters: "kultur" is no kind of tur, "transport" none of sport)
    that name an activity of a category, and never after a prefix or a
    particle ("generalforsamling", "indvandring").
    """
    if word in VOCABULARY.words or _stem(word) in VOCABULARY.canonical:
        return ()
    for i in range(MIN_PART, len(word) - MIN_HEAD + 1):  # the longest head first
        head, prefix = word[i:], word[:i]
        form = _vocabulary_form(head)
        if form is None or min(len(form), len(term(form))) < MIN_HEAD:  # "dvdspiller" is no game (spil)
            continue
        if category_of(term(form)) is None or prefix.endswith(PARTICLES) or _is_known(prefix) \
                or prefix in VOCABULARY.verb_stems:
            return ()
        return (prefix, form)
    return ()


@lru_cache(maxsize=200_000)
def _vocabulary_form(word: str) -> str | None:
    """`word` if it is a vocabulary form, or the form it inflects by a plain ending.

    "sejladsen" → sejlads, "menigheden" → menighed, "banerne" → baner; after a
    final e also -n, -r, -ne, -rne: "banen" → bane, "rider" → ride.
    """
    if word in VOCABULARY.words:
        return word
    return VOCABULARY.inflected.get(word)


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """Return the index terms of one folded word: its own term, then its parts' terms.

    A stop word gives ().
    """
    if is_stop(word):
        return ()
    own = term(word)
    out = [own]
    for part in split_compound(word) or compound_head(word):
        t = term(part)
        if t not in out:
            out.append(t)
    return tuple(out)


def text_terms(text: str) -> list[str]:
    """Return every index term of `text` (for tests and the thesaurus)."""
    out: list[str] = []
    for word in tokenize(text):
        out.extend(word_terms(word))
    return out


def is_generic(term_text: str) -> bool:
    return term_text in VOCABULARY.generic


def category_of(term_text: str) -> str | None:
    """Return the category slug of an activity term, if it has one."""
    return VOCABULARY.category.get(term_text)


class _ModuleRef:
    """Pickles as "import this module"."""

    def __init__(self, name: str):
        self.name = name

    def __reduce__(self):
        return (importlib.import_module, (self.name,))


def reduce_by_factory(module: str, factory: str) -> tuple:
    """A `__reduce__` value that rebuilds an object by calling `module.factory()`.

    Whoosh pickles the schema with protocol 2, which cannot name a module
    called fællesskab; this spells the name as a string argument instead.
    """
    return (operator.methodcaller(factory), (_ModuleRef(module),))


class DanishFilter(Filter):
    """Whoosh filter for steps 1–4 above; expects tokens from `RegexTokenizer`."""

    is_morph = True

    def __reduce__(self):
        return reduce_by_factory(__name__, "_danish_filter")

    def __eq__(self, other):
        return isinstance(other, DanishFilter)

    def __hash__(self):
        return hash(DanishFilter)

    def __call__(self, tokens):
        for t in tokens:
            word = fold(t.text)
            terms = word_terms(word)
            if not terms:
                if t.removestops:
                    continue
                t.stopped = True
                yield t
                continue
            t.stopped = False
            for text in terms:
                t.text = text
                yield t


class SpellFilter(Filter):
    """Whoosh filter for the spelling field: folded whole words of 3+ letters, no stems."""

    def __reduce__(self):
        return reduce_by_factory(__name__, "_spell_filter")

    def __eq__(self, other):
        return isinstance(other, SpellFilter)

    def __hash__(self):
        return hash(SpellFilter)

    def __call__(self, tokens):
        for t in tokens:
            word = fold(t.text)
            if len(word) < 3 or word.isdigit() or is_stop(word):
                continue
            t.text = word
            yield t


def _danish_filter() -> DanishFilter:
    return DanishFilter()


def _spell_filter() -> SpellFilter:
    return SpellFilter()


def danish_analyzer():
    """The analyzer of the weighted text fields."""
    return RegexTokenizer(WORD_PATTERN) | DanishFilter()


def spell_analyzer():
    """The analyzer of the spelling field (whole words for "Mente du …?")."""
    return RegexTokenizer(WORD_PATTERN) | SpellFilter()


# --- thesaurus ------------------------------------------------------------------


@dataclass
class Thesaurus:
    """Danish–English activity pairs and Danish synonyms, as index terms.

    `expansions[key]` lists (terms, kind) where key and terms are tuples of
    index terms; kind is "en" (translation), "da" (synonym) or "variant"
    (another spelling of a loanword, such as "jiu-jitsu" for "jujutsu").
    """

    expansions: dict[tuple[str, ...], list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)  # folded surface words, for spelling suggestions
    max_key_len: int = 1
    _neighbours: dict[str, set[str]] = field(default_factory=dict)

    def lookup(self, key: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
        return self.expansions.get(key, [])

    def near(self, word: str) -> list[str]:
        """Thesaurus words one edit away from `word` (a deletion index, as in SymSpell)."""
        if not self._neighbours:
            for w in self.words:
                for key in {w, *_deletions(w)}:
                    self._neighbours.setdefault(key, set()).add(w)
        found: set[str] = set()
        for key in {word, *_deletions(word)}:
            found |= self._neighbours.get(key, set())
        return sorted(w for w in found if w != word and edit_distance(word, w, 1) <= 1)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance between a and b, or limit + 1 if it is larger than limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return min(prev[-1], limit + 1)


def _key(text: str) -> tuple[str, ...]:
    # One term per word (the word's own term, not its compound parts).
    out = []
    for word in tokenize(text):
        terms = word_terms(word)
        if terms:
            out.append(terms[0])
    return tuple(out)


def _read_thesaurus(path: str = THESAURUS_FILE) -> Thesaurus:
    th = Thesaurus()
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pairs: list[tuple[tuple[str, ...], tuple[str, ...], str]] = []
    spellings: dict[tuple[str, ...], set[tuple[str, ...]]] = {}  # key → every spelling of its word
    for row in rows:
        a, b, kind = row["danish"].strip(), row["other"].strip(), row["kind"].strip()
        ka, kb = _key(a), _key(b)
        if not ka or not kb or ka == kb:
            continue
        pairs.append((ka, kb, kind))
        if kind == "variant":  # spellings of one word are all one another's variants
            family = spellings.get(ka, {ka}) | spellings.get(kb, {kb})
            for member in family:
                spellings[member] = family
        th.max_key_len = max(th.max_key_len, len(ka), len(kb))
        for text in (a, b):
            th.words.update(w for w in tokenize(text) if len(w) >= 3 and not is_stop(w))
    for family in {id(f): f for f in spellings.values()}.values():
        pairs += [(ka, kb, "variant") for ka in sorted(family) for kb in sorted(family) if ka < kb]
    for ka, kb, kind in pairs:
        for src, dst in ((ka, kb), (kb, ka)):
            entries = th.expansions.setdefault(src, [])
            if all(dst != d for d, _k in entries):
                entries.append((dst, kind))
    return th


THESAURUS = _read_thesaurus()


def analysis_digest() -> str:
    """A short hash of everything that changes index terms (part of the schema stamp)."""
    return hashlib.sha1(f"{VOCABULARY.digest}:{ANALYSIS_RULES}".encode(), usedforsecurity=False).hexdigest()[:10]
