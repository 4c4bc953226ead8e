"""Search documents (documents.py) as `search_documents` rows. Pure: no database.

The terms are exactly the Whoosh index's (schema.py `WeightedText`): every
word of every source through `analysis.word_terms` (canonical activity term
or Snowball stem, then compound parts; folded spellings). The `tsvector` is
written as a literal of those terms, so PostgreSQL's own parser and
dictionaries never re-analyse them: a term matches only where our analyser
put it. Each occurrence is one position labelled by its source (A name,
B tags, C summary and place, D description and meta words), numbered in
that order, so `ts_rank_cd` with WEIGHTS sums a term's occurrences by source
(backend._score).
"""
from __future__ import annotations

from datetime import UTC, datetime

from ..analysis import fold, is_stop, tokenize, word_terms
from ..documents import decode_attrs
from ..schema import FIELD_WEIGHTS

# tsvector weight labels, strongest first (the order positions are numbered in).
LABELS = {"name": "A", "tags": "B", "summary": "C", "place": "C", "meta": "D", "description": "D"}
SOURCE_ORDER = ("name", "tags", "summary", "place", "meta", "description")
# ts_rank_cd's weights array is {D, C, B, A}: each label's source weight relative to the name's.
WEIGHTS = "{" + ", ".join(
    f"{max(FIELD_WEIGHTS[s] for s, label in LABELS.items() if label == x) / FIELD_WEIGHTS['name']:.2f}"
    for x in "DCBA") + "}"
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_OCCURRENCES = 8  # positions kept per term: BM25's saturation makes more count for little
MAX_WORD = 60  # longer "words" (URLs and the like) get no spelling help


def quote(lexeme: str) -> str:
    """A lexeme as a quoted tsvector/tsquery literal ('it''s')."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def positions(text_sources) -> tuple[dict[str, list[str]], int]:
    """(term → its occurrences as `position+label` ("3A"), sources in SOURCE_ORDER; how many terms
    the document has in all, its length for ranking)."""
    order = {s: i for i, s in enumerate(SOURCE_ORDER)}
    out: dict[str, list[str]] = {}
    position = length = 0
    for source, text in sorted(text_sources, key=lambda st: order[st[0]]):
        label = LABELS[source]
        for word in tokenize(text):
            terms = word_terms(word)
            if not terms:
                continue
            position = min(position + 1, MAX_POSITION)
            for term in terms:  # a compound's parts share the word's position
                length += 1
                found = out.setdefault(term, [])
                if len(found) < MAX_OCCURRENCES:
                    found.append(f"{position}{label}")
    return out, length


def tsvector_literal(occurrences: dict[str, list[str]]) -> str:
    """`'term':1A,7D 'other':2B …`."""
    return " ".join(f"{quote(t)}:{','.join(p)}" for t, p in occurrences.items())


def spelling_words(spell_text: str) -> set[str]:
    """The words the Whoosh spelling field keeps (analysis.SpellFilter)."""
    return {w for w in (fold(x) for x in tokenize(spell_text))
            if 3 <= len(w) <= MAX_WORD and not w.isdigit() and not is_stop(w)}


def document_row(doc: dict) -> dict:
    """The `search_documents` row of a search document."""
    a = decode_attrs(doc["attrs"])
    occurrences, length = positions(doc["text"])
    return {
        "key": doc["doc_id"], "kind": a.kind, "category": a.category or "",
        "target_groups": ",".join(a.target_groups), "languages": ",".join(a.languages), "place": a.place or "",
        "newcomers": a.newcomers, "age_min": a.age_min, "age_max": a.age_max,
        "starts_at": datetime.fromtimestamp(a.starts, UTC) if a.kind == "event" and a.starts else None,
        "lat": a.lat, "lon": a.lon, "updated": a.updated, "sortname": a.sortname[:40],
        "length": length, "data": doc["data"], "tsv": tsvector_literal(occurrences),
    }
