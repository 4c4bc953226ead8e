"""Search documents (documents.py) as `search_documents` rows. Pure: no database.

The terms are exactly the Whoosh index's (schema.py `WeightedText`): every
word of every source through `analysis.word_terms` (canonical activity term
or Snowball stem, then compound parts; folded spellings), with the weight of
each occurrence's source summed per term. The `tsvector` is written as a
literal of those terms, so PostgreSQL's own parser and dictionaries never
re-analyse them: a term matches only where our analyser put it.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone

from whoosh.util.numeric import byte_to_length, length_to_byte

from ..analysis import fold, is_stop, tokenize, word_terms
from ..documents import decode_attrs
from ..schema import FIELD_WEIGHTS

# tsvector weight labels: A is the strongest (ts_rank's default weights order D < C < B < A).
LABELS = {"name": "A", "tags": "B", "summary": "C", "place": "C", "meta": "D", "description": "D"}
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_WORD = 60  # longer "words" (URLs and the like) get no spelling help


def quote(lexeme: str) -> str:
    """A lexeme as a quoted tsvector/tsquery literal ('it''s')."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def analyse(text_sources) -> tuple[dict[str, float], dict[str, str], int]:
    """Return (term → weight, term → best label, field length) of (source, text) pairs."""
    freqs: dict[str, int] = defaultdict(int)
    weights: dict[str, float] = defaultdict(float)
    best: dict[str, tuple[float, str]] = {}
    for source, text in text_sources:
        weight = FIELD_WEIGHTS[source]
        for word in tokenize(text):
            for term in word_terms(word):
                freqs[term] += 1
                weights[term] += weight
                if term not in best or best[term][0] < weight:
                    best[term] = (weight, LABELS[source])
    length = sum(freqs.values())
    # Whoosh keeps a field's length in one byte; BM25 must see the same number.
    length = byte_to_length(length_to_byte(length)) if length else 0
    return dict(weights), {t: label for t, (_w, label) in best.items()}, length


def tsvector_literal(labels: dict[str, str]) -> str:
    """`'term':1A 'other':2D …` — one position per term, carrying its strongest source's label."""
    return " ".join(f"{quote(t)}:{min(i, MAX_POSITION)}{label}" for i, (t, label) in enumerate(labels.items(), 1))


def spelling_words(spell_text: str) -> set[str]:
    """The words the Whoosh spelling field keeps (analysis.SpellFilter)."""
    return {w for w in (fold(x) for x in tokenize(spell_text))
            if 3 <= len(w) <= MAX_WORD and not w.isdigit() and not is_stop(w)}


def document_row(doc: dict) -> dict:
    """The `search_documents` row of a search document."""
    a = decode_attrs(doc["attrs"])
    weights, labels, length = analyse(doc["text"])
    return {
        "key": doc["doc_id"], "kind": a.kind, "category": a.category or "",
        "target_groups": ",".join(a.target_groups), "languages": ",".join(a.languages), "place": a.place or "",
        "newcomers": a.newcomers, "age_min": a.age_min, "age_max": a.age_max,
        "starts_at": datetime.fromtimestamp(a.starts, timezone.utc) if a.kind == "event" and a.starts else None,
        "lat": a.lat, "lon": a.lon, "updated": a.updated, "sortname": a.sortname[:40], "length": length,
        "weights": weights, "data": doc["data"], "tsv": tsvector_literal(labels),
    }
