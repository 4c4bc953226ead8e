"""The Whoosh schema of the search index and its version stamp.

All searchable text goes into one field, `text`, whose postings carry a weight
per source: name > tags > summary > description (plus the place and the
category / target-group / language words). Scoring with those weights as term
frequencies is BM25F, and one posting list per term keeps queries fast.
Everything a result shows is in the stored `data` dict, and everything filters
and facets need is in the compact `attrs` column, so searching never touches
the database.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict

from whoosh import columns, formats
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.system import pack_uint

from .analysis import analysis_digest, danish_analyzer, reduce_by_factory, spell_analyzer, tokenize, word_terms

# Bump when fields, documents or analysis change in a way that needs a rebuild;
# the vocabulary's hash and the weights below are added automatically.
SCHEMA_VERSION = 2

FIELD_WEIGHTS = {"name": 5.0, "tags": 3.0, "summary": 2.0, "place": 2.0, "meta": 1.0, "description": 1.0}


class WeightedText(TEXT):
    """A text field indexed from (source, text) pairs; a term's weight is the sum
    of its sources' weights (FIELD_WEIGHTS) over its occurrences."""

    def __reduce__(self):
        return reduce_by_factory(__name__, "_weighted_text")

    def index(self, value, **kwargs):
        freqs: dict[str, int] = defaultdict(int)
        weights: dict[str, float] = defaultdict(float)
        for source, text in value:
            weight = FIELD_WEIGHTS[source]
            for word in tokenize(text):
                for term in word_terms(word):
                    freqs[term] += 1
                    weights[term] += weight
        for term, freq in freqs.items():
            yield term.encode("utf-8"), freq, weights[term], pack_uint(freq)


def _weighted_text() -> WeightedText:
    return WeightedText(analyzer=danish_analyzer(), phrase=False)


def _spell_field() -> TEXT:
    # Existence postings (no frequencies). Kept "scorable" on purpose: Whoosh
    # then writes a length column, and without one its segment writer checks
    # the file system for that column once per posting.
    field = TEXT(analyzer=spell_analyzer(), phrase=False)
    field.format = formats.Existence()
    return field


def index_name() -> str:
    """The Whoosh index name, which doubles as the schema version stamp.

    An index written by other code (another version, vocabulary or weights)
    has another name, so it is seen as missing and rebuilt.
    """
    weights = hashlib.sha1(repr(sorted(FIELD_WEIGHTS.items())).encode(), usedforsecurity=False).hexdigest()[:4]
    return f"faellesskab_v{SCHEMA_VERSION}_{analysis_digest()}{weights}"


def build_schema() -> Schema:
    return Schema(
        doc_id=ID(unique=True, stored=True),
        text=_weighted_text(),
        spell=_spell_field(),
        attrs=COLUMN(columns.VarBytesColumn()),
        data=STORED(),
    )
