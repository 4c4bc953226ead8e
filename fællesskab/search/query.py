"""Turn what a person typed into weighted term groups, and match them.

No query language: every character is text, so nothing anyone types can
make parsing fail, and the cost stays linear in the query's length. Each
typed word (or thesaurus phrase such as "table tennis") becomes a group of
alternatives; a document must match every group (or, when none matches
all, at least one — the "any words" fallback).

Alternatives and their weights:

=====================  =====  ==================================================
the word's own term    1.0    "foreningen" → forening (stem), "svømmer" → svømning
all compound parts     0.8    "fodboldklub" → fodbold AND klub
a telling part alone   0.6    "fodboldklub" → fodbold ("klub" is generic)
English ↔ Danish       0.9    "choir" → kor, "kor" → choir (thesaurus.csv)
spelling variant       1.0    "jiu-jitsu" → jujutsu, "tai chi" → taichi
Danish synonym         0.6    "løb" → jogging, "sang" → kor
close spelling         0.5    "badmintin" → badminton (1 edit; 0.3 for 2 edits),
                              only for words of 5+ letters that match nothing
=====================  =====  ==================================================
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import compress
from math import log

from .analysis import THESAURUS, edit_distance, fold, is_generic, is_stop, term, tokenize, word_terms
from .snapshot import BM25_K1, Snapshot, ids_from_mask

QUOTES = "\"“”„«»"
_QUOTE_SPLIT = re.compile(f"[{QUOTES}]")
MIN_FUZZY_LENGTH = 5
BOOST_PARTS, BOOST_PART, BOOST_EN, BOOST_DA = 0.8, 0.6, 0.9, 0.6
FUZZY_BOOST = {1: 0.5, 2: 0.3}
# by the thesaurus row's kind: a spelling variant ("jiu-jitsu" = "jujutsu") is the same word
KIND_BOOST = {"en": BOOST_EN, "variant": 1.0, "da": BOOST_DA}
MAX_FUZZY_CANDIDATES = 4


@dataclass
class Alternative:
    terms: tuple[str, ...]  # all must match
    boost: float


@dataclass
class Group:
    words: list[str]  # the folded words this group stands for
    alternatives: list[Alternative] = field(default_factory=list)


@dataclass
class ParsedQuery:
    text: str
    groups: list[Group] = field(default_factory=list)
    stop_only: bool = False
    corrections: dict[str, str] = field(default_factory=dict)  # typed word → known word

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def place_groups(self, place_terms: set[str]) -> set[int]:
        """Positions of groups that only name places ("vamdrup", "6000", "sønder bjert")."""
        return {i for i, g in enumerate(self.groups)
                if all(term(w) in place_terms or w.isdigit() for w in g.words)}

    def weighted_terms(self) -> dict[str, float]:
        """Every term with the highest boost it has anywhere in the query."""
        out: dict[str, float] = {}
        for group in self.groups:
            for alt in group.alternatives:
                for t in alt.terms:
                    out[t] = max(out.get(t, 0.0), alt.boost)
        return out

    def suggestion(self) -> str | None:
        """The query with misspelt words replaced, or None."""
        if not self.corrections:
            return None
        out = self.text
        for wrong, right in self.corrections.items():
            out = re.sub(rf"(?<!\w){re.escape(wrong)}(?!\w)", right, out, flags=re.IGNORECASE)
        out = " ".join(out.split())
        return out if fold(out) != fold(" ".join(self.text.split())) else None


def _typed_words(q: str) -> list[tuple[str, bool]]:
    """Return (folded word, quoted) pairs; text after an unmatched quote is not quoted."""
    parts = _QUOTE_SPLIT.split(q)
    closed = len(parts) % 2 == 1
    out = []
    for i, part in enumerate(parts):
        quoted = i % 2 == 1 and (closed or i < len(parts) - 1)
        out += [(w, quoted) for w in tokenize(part)]
    return out


def parse(q: str, reader, snapshot: Snapshot) -> ParsedQuery:
    """Build the groups of `q` against the current index (for spelling and fuzziness)."""
    parsed = ParsedQuery(text=q)
    words = _typed_words(q)
    meaningful = [(w, quoted) for w, quoted in words if not is_stop(w)]
    if words and not meaningful:
        parsed.stop_only = True
        return parsed

    def df(t: str) -> int:
        return reader.doc_frequency("text", t)

    i = 0
    while i < len(meaningful):
        phrase = _match_phrase(meaningful, i)
        if phrase:
            length, expansions = phrase
            span = [w for w, _q in meaningful[i:i + length]]
            group = Group(span, [Alternative(tuple(term(w) for w in span), 1.0)])
            group.alternatives += [Alternative(terms, KIND_BOOST.get(kind, BOOST_DA))
                                   for terms, kind in expansions]
            parsed.groups.append(group)
            i += length
            continue
        word, quoted = meaningful[i]
        parsed.groups.append(_word_group(word, quoted, df, reader, parsed))
        i += 1
    return parsed


def parse_cached(q: str, reader, snapshot: Snapshot) -> ParsedQuery:
    """`parse`, kept per index generation: the same text parses the same against the same
    vocabulary, and the close-spelling lookups of a parse cost more than the rest of a search.
    The result is shared: callers must not change it."""
    with snapshot.parsed_lock:
        found = snapshot.parsed.get(q)
    if found is None:
        found = parse(q, reader, snapshot)
        with snapshot.parsed_lock:
            snapshot.parsed[q] = found
    return found


def _match_phrase(words: list[tuple[str, bool]], start: int):
    """Longest multi-word thesaurus key (2+ unquoted words) at `start`, if any."""
    for length in range(min(THESAURUS.max_key_len, len(words) - start), 1, -1):
        chunk = words[start:start + length]
        if any(quoted for _w, quoted in chunk):
            continue
        key = tuple(term(w) for w, _q in chunk)
        expansions = THESAURUS.lookup(key)
        if expansions:
            return length, expansions
    return None


def _word_group(word: str, quoted: bool, df, reader, parsed: ParsedQuery) -> Group:
    terms = word_terms(word)
    own, parts = terms[0], terms[1:]
    group = Group([word], [Alternative((own,), 1.0)])
    if len(parts) > 1:
        group.alternatives.append(Alternative(tuple(parts), BOOST_PARTS))
        telling = [p for p in parts if not is_generic(p)]
        if len(telling) < len(parts):
            group.alternatives += [Alternative((p,), BOOST_PART) for p in telling]
    if quoted:
        return group
    expansions = THESAURUS.lookup((own,))
    group.alternatives += [Alternative(t, KIND_BOOST.get(kind, BOOST_DA)) for t, kind in expansions]
    known = expansions or any(df(t) for alt in group.alternatives for t in alt.terms)
    if known or len(word) < MIN_FUZZY_LENGTH or word.isdigit():
        return group
    # Nothing matches the word as typed: try close spellings of indexed words
    # and of thesaurus words (so "footbal" and "badmintin" still find something).
    maxdist = 1 if len(word) < 8 else 2
    candidates = []
    for cand in reader.terms_within("spell", word, maxdist, prefix=1):
        if cand != word:
            candidates.append((edit_distance(word, cand, maxdist), -reader.doc_frequency("spell", cand), cand))
    for cand in THESAURUS.near(word):
        candidates.append((1, 0, cand))
    candidates.sort()
    for dist, _freq, cand in candidates[:MAX_FUZZY_CANDIDATES]:
        boost = FUZZY_BOOST.get(dist, 0.3)
        for t in word_terms(cand)[:1]:
            group.alternatives.append(Alternative((t,), boost))
            group.alternatives += [Alternative(x, boost * BOOST_EN) for x, _k in THESAURUS.lookup((t,))]
    if candidates:
        parsed.corrections[word] = candidates[0][2]
    return group


# --- matching and scoring ----------------------------------------------------------


def match(parsed: ParsedQuery, reader, snapshot: Snapshot, *, any_group: bool = False,
          skip: set[int] = frozenset()) -> int:
    """Return the bitset of documents matching every group (or any, if any_group).

    Groups whose positions are in `skip` are left out (they still score).
    """
    result = None
    for position, group in enumerate(parsed.groups):
        if position in skip:
            continue
        group_mask = 0
        for alt in group.alternatives:
            alt_mask = None
            for t in alt.terms:
                m = snapshot.postings(reader, t).mask
                alt_mask = m if alt_mask is None else alt_mask & m
                if not alt_mask:
                    break
            group_mask |= alt_mask or 0
        result = group_mask if result is None else (result | group_mask) if any_group else (result & group_mask)
    return result if result is not None else snapshot.live


def score(parsed: ParsedQuery, reader, snapshot: Snapshot, candidates: int) -> dict[int, float]:
    """BM25F scores (weights from the index, boosts from the query) of the candidates.

    Walks a term's postings when they are few compared with the candidates,
    and looks the candidates up in the postings otherwise.
    """
    norms = snapshot.norms
    n_docs = max(snapshot.count, 1)
    scores: dict[int, float] = {}
    get = scores.get
    n_candidates = candidates.bit_count()
    candidate_ids: list[int] | None = None
    flags: bytes | None = None
    for t, boost in parsed.weighted_terms().items():
        postings = snapshot.postings(reader, t)
        if not postings.mask & candidates:
            continue
        df = postings.mask.bit_count()
        c = log(1 + (n_docs - df + 0.5) / (df + 0.5)) * boost * (BM25_K1 + 1)
        if n_candidates * 4 < len(postings):
            if candidate_ids is None:
                candidate_ids = ids_from_mask(candidates)
            for d, w in postings.weights_of(candidate_ids):
                scores[d] = get(d, 0.0) + c * w / (w + norms[d])
        else:
            ids = postings.ids
            pairs = zip(ids, postings.weights, strict=True)
            if postings.mask & candidates != postings.mask:  # not all of them are candidates
                if flags is None:
                    flags = _flags(candidates, snapshot.n)
                pairs = compress(pairs, map(flags.__getitem__, ids))  # filtered at C speed
            if not scores:
                scores.update({d: c * w / (w + norms[d]) for d, w in pairs})
            else:
                for d, w in pairs:
                    scores[d] = get(d, 0.0) + c * w / (w + norms[d])
    return scores


_FROM_BITS = bytes.maketrans(b"01", b"\x00\x01")


def _flags(mask: int, n: int) -> bytes:
    """One byte per document, 1 where `mask` has the bit set."""
    return format(mask, "b").encode("ascii")[::-1].translate(_FROM_BITS).ljust(n + 1, b"\x00")
